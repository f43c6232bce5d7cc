import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert, Alerter } from '../../src/ops/alert.js';
import { ManualClock } from '../../src/ops/clock.js';
import { waitFor } from '../helpers/wait.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  /** Statuses to answer with, in order; once used up every request gets 200. */
  respondWith(...statuses: number[]): void;
  close(): Promise<void>;
}

/** A local HTTP endpoint that records every request (svix's mockttp idea, on node:http). */
export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const statuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.statusCode = statuses.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith: (...s) => statuses.push(...s),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A ManualClock that knows how many callers are sleeping, so a test advances only when one waits. */
export class SleepCountingClock extends ManualClock {
  sleeping = 0;

  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeping += 1;
    return super.sleep(ms, signal).finally(() => {
      this.sleeping -= 1;
    });
  }
}

/** Awaits `work`, moving `clock` forward by `stepMs` whenever the work sleeps on it. */
export async function driveClock<T>(clock: SleepCountingClock, work: Promise<T>, stepMs: number): Promise<T> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  while (!settled) {
    await waitFor(() => settled || clock.sleeping > 0, { what: 'work to sleep or finish' });
    if (!settled) await clock.advance(stepMs);
  }
  return done;
}

/** An Alerter that only records. */
export function recordingAlerter(clock: { now(): number }): Alerter & { sent: Alert[] } {
  const sent: Alert[] = [];
  return {
    sent,
    async send(alert) {
      sent.push({ ...alert, at: new Date(clock.now()).toISOString() });
    },
  };
}
