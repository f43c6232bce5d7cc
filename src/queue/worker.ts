import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { coerceError } from '../errors.js';
import { type Clock, systemClock } from '../ops/clock.js';
import { type FailOutcome, type Job, LeaseLostError, type Queue } from './queue.js';

export interface JobContext {
  workerId: string;
  /** Aborts when the worker is stopped hard (second signal) or the lease is lost. */
  signal: AbortSignal;
}

/** What a handler may ask for instead of completion: run again at `deferUntil`, not counted as an attempt. */
export interface Deferral {
  deferUntil: number;
}

function isDeferral(value: unknown): value is Deferral {
  return typeof value === 'object' && value !== null && typeof (value as Deferral).deferUntil === 'number';
}

export interface JobHandler {
  /** Resolves when done (the job is completed) or with a `Deferral`; throws to fail the attempt. */
  run(job: Job, context: JobContext): Promise<unknown>;
  /** Jobs of this kind running at once in this process. Default 1. */
  concurrency?: number;
}

export interface JobEvents {
  onCompleted?(job: Job, durationMs: number): void;
  onFailed?(job: Job, error: Error, outcome: FailOutcome): void;
}

export interface WorkerOptions {
  queue: Queue;
  handlers: Record<string, JobHandler>;
  logger: Logger;
  events?: JobEvents;
  workerId?: string;
  /** How long an idle kind waits before polling again. Default 250 ms. */
  pollIntervalMs?: number;
  /** How often expired leases are reaped. Default 30 000 ms. */
  reapIntervalMs?: number;
  /** Only for waiting between polls; job times come from the queue's clock. */
  timer?: Clock;
}

export interface Worker {
  readonly id: string;
  readonly running: boolean;
  start(): void;
  /** Wakes the loop of `kind` now (a job was just enqueued in this process). */
  nudge(kind: string): void;
  /**
   * Stops claiming and waits for running jobs to finish (drain), at most `graceMs` (default
   * 15 000). `hard`, or the grace running out, abandons them instead: their signal aborts,
   * their leases expire and a worker re-runs them, which every handler is written to survive.
   * Idempotent: every call awaits the same stop.
   */
  stop(options?: { hard?: boolean; graceMs?: number }): Promise<void>;
}

export function createWorker(options: WorkerOptions): Worker {
  const { queue, handlers, logger } = options;
  const id = options.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
  const timer = options.timer ?? systemClock;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const reapIntervalMs = options.reapIntervalMs ?? 30_000;
  const stopping = new AbortController();
  const hardStop = new AbortController();
  const wakers = new Map<string, () => void>();
  const loops: Promise<void>[] = [];
  let started = false;
  let stopped: Promise<void> | undefined;

  async function idle(kind: string): Promise<void> {
    const wake = new AbortController();
    wakers.set(kind, () => wake.abort());
    const both = AbortSignal.any([wake.signal, stopping.signal]);
    await timer.sleep(pollIntervalMs, both).catch(() => undefined);
    wakers.delete(kind);
  }

  async function runOne(job: Job, handler: JobHandler): Promise<void> {
    const started = Date.now();
    const lost = new AbortController();
    const signal = AbortSignal.any([hardStop.signal, lost.signal]);
    // Renew the lease at a third of its length so a slow job is never taken twice.
    const renew = setInterval(
      () => {
        queue.extendLease(job, id).catch((error: unknown) => {
          logger.warn({ jobId: job.id, kind: job.kind, err: coerceError(error) }, 'lease renewal failed');
          if (error instanceof LeaseLostError) lost.abort(error);
        });
      },
      Math.max(1_000, queue.leaseMs / 3),
    );
    try {
      const result = await handler.run(job, { workerId: id, signal });
      if (isDeferral(result)) {
        await queue.defer(job, id, result.deferUntil);
        logger.info(
          { jobId: job.id, kind: job.kind, until: new Date(result.deferUntil).toISOString() },
          'job deferred',
        );
        return;
      }
      await queue.complete(job, id);
      options.events?.onCompleted?.(job, Date.now() - started);
    } catch (thrown) {
      const error = coerceError(thrown);
      if (hardStop.signal.aborted || error instanceof LeaseLostError) {
        logger.warn(
          { jobId: job.id, kind: job.kind },
          'job abandoned; its lease will expire and it will run again',
        );
        return;
      }
      try {
        const outcome = await queue.fail(job, id, error);
        options.events?.onFailed?.(job, error, outcome);
        const log = { jobId: job.id, kind: job.kind, attempt: job.attempt, err: error, ...outcome };
        if (outcome.outcome === 'dead') logger.error(log, 'job dead-lettered');
        else logger.warn(log, 'job failed; will retry');
      } catch (failError) {
        logger.warn({ jobId: job.id, err: coerceError(failError) }, 'could not record job failure');
      }
    } finally {
      clearInterval(renew);
    }
  }

  async function kindLoop(kind: string, handler: JobHandler): Promise<void> {
    const concurrency = handler.concurrency ?? 1;
    const active = new Set<Promise<void>>();
    while (!stopping.signal.aborted) {
      const free = concurrency - active.size;
      let claimed: Job[] = [];
      if (free > 0) {
        try {
          claimed = await queue.claim(kind, id, free);
        } catch (error) {
          logger.error({ kind, err: coerceError(error) }, 'claim failed');
        }
      }
      for (const job of claimed) {
        const running = runOne(job, handler).finally(() => {
          active.delete(running);
          wakers.get(kind)?.();
        });
        active.add(running);
      }
      // Full batch: there may be more due right now. Otherwise wait for a slot, a nudge or the poll.
      if (claimed.length === 0 || active.size >= concurrency) await idle(kind);
    }
    // A job stuck in an upstream queue (Acumatica can hold a request for minutes) must not
    // hold the shutdown: once abandoned, stop returns and the lease takes care of the rest.
    const abandoned = new Promise<void>((resolve) => {
      if (hardStop.signal.aborted) resolve();
      hardStop.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([Promise.all(active), abandoned]);
  }

  async function reapLoop(): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        const { freed, dead } = await queue.reapExpiredLeases();
        if (freed + dead > 0) logger.warn({ freed, dead }, 'reaped expired job leases');
      } catch (error) {
        logger.error({ err: coerceError(error) }, 'lease reaper failed');
      }
      await timer.sleep(reapIntervalMs, stopping.signal).catch(() => undefined);
    }
  }

  return {
    id,
    get running() {
      return started && !stopping.signal.aborted;
    },
    start() {
      if (started) return;
      started = true;
      for (const [kind, handler] of Object.entries(handlers)) loops.push(kindLoop(kind, handler));
      loops.push(reapLoop());
      logger.info({ workerId: id, kinds: Object.keys(handlers) }, 'worker started');
    },
    nudge(kind) {
      wakers.get(kind)?.();
    },
    stop({ hard = false, graceMs = 15_000 } = {}) {
      if (hard) hardStop.abort(new Error('worker stopped'));
      stopped ??= (async () => {
        stopping.abort();
        const grace = setTimeout(() => hardStop.abort(new Error('shutdown grace period over')), graceMs);
        await Promise.all(loops);
        clearTimeout(grace);
        logger.info({ workerId: id }, 'worker stopped');
      })();
      return stopped;
    },
  };
}
