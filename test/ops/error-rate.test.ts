import { describe, expect, it } from 'vitest';
import { AcumaticaApiError } from '../../src/acumatica/errors.js';
import type { ErpGateway, SmsGateway } from '../../src/flows/ports.js';
import { ManualClock } from '../../src/ops/clock.js';
import { createErrorRateTracker, type ErrorRateTracker } from '../../src/ops/error-rate.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { trackErpGateway, trackSmsGateway } from '../../src/ops/tracked-gateways.js';
import { TwilioApiError } from '../../src/twilio/errors.js';
import { silentLogger } from '../helpers/logger.js';
import { recordingAlerter } from './helpers.js';

const config = { windowSeconds: 60, threshold: 0.5, minVolume: 10, cooldownSeconds: 0 };

function setup(overrides: Partial<typeof config> = {}) {
  const clock = new ManualClock();
  const alerts = recordingAlerter(clock);
  const metrics = createMetrics();
  const tracker = createErrorRateTracker({
    config: { ...config, ...overrides },
    alerts,
    clock,
    logger: silentLogger,
    metrics,
  });
  const calls = (n: number, outcome: 'success' | 'failure', target: 'twilio' | 'acumatica' = 'twilio') => {
    for (let i = 0; i < n; i++) tracker.record('acme', target, outcome);
  };
  return { clock, alerts, tracker, calls, metrics };
}

const spikes = (alerts: { sent: Array<{ type: string }> }) =>
  alerts.sent.filter((a) => a.type === 'error_rate_spike');

describe('error-rate tracker', () => {
  it('an error spike produces exactly one alert; none during the incident; a new one after recovery', async () => {
    const { clock, alerts, calls } = setup();
    calls(20, 'success');
    await clock.advance(61_000); // the successes become the baseline (ratio 0)
    calls(10, 'failure');
    expect(spikes(alerts)).toHaveLength(1);
    expect(spikes(alerts)[0]).toMatchObject({
      type: 'error_rate_spike',
      tenant: 'acme',
      details: { target: 'twilio', calls: 10, failures: 10, ratio: 1, threshold: 0.5, baselineRatio: 0 },
    });
    // The incident goes on: more failures, a new window of failures, still one alert.
    calls(50, 'failure');
    await clock.advance(30_000);
    calls(30, 'failure');
    expect(spikes(alerts)).toHaveLength(1);

    // Recovery: the window fills with successes until the ratio is under the threshold.
    await clock.advance(61_000);
    calls(30, 'success');
    expect(spikes(alerts)).toHaveLength(1);
    // A new spike well above the (now mixed) baseline is a new incident.
    await clock.advance(61_000);
    calls(40, 'failure');
    expect(spikes(alerts)).toHaveLength(2);
  });

  it('respects minVolume: 9 failures of 9 calls are not a spike, the 10th call is', () => {
    const { alerts, calls } = setup();
    calls(9, 'failure');
    expect(spikes(alerts)).toHaveLength(0);
    calls(1, 'failure');
    expect(spikes(alerts)).toHaveLength(1);
  });

  it('stays silent under the threshold', () => {
    const { alerts, tracker } = setup();
    for (let i = 0; i < 10; i++) tracker.record('acme', 'twilio', i < 4 ? 'failure' : 'success');
    expect(spikes(alerts)).toHaveLength(0);
    expect(tracker.snapshot()[0]).toMatchObject({
      ratio: 0.4,
      incident: false,
      window: { calls: 10, failures: 4 },
    });
  });

  it('needs the ratio well above its own baseline: 40% is not news for a target that fails 25%', async () => {
    const { clock, alerts, calls } = setup({ threshold: 0.3 });
    calls(15, 'success');
    calls(5, 'failure'); // 25%: under the threshold, becomes the baseline
    await clock.advance(61_000);
    calls(6, 'success');
    calls(4, 'failure'); // 40%: over the threshold, under 3 x 25%
    expect(spikes(alerts)).toHaveLength(0);
    calls(13, 'failure'); // 17 of 23 = 74%: still under 3 x 25%
    expect(spikes(alerts)).toHaveLength(0);
    calls(1, 'failure'); // 18 of 24 = 75%: there
    expect(spikes(alerts)).toMatchObject([{ details: { baselineRatio: 0.25, calls: 24, failures: 18 } }]);
  });

  it('honours the cooldown even after a recovery', async () => {
    const { clock, alerts, calls } = setup({ cooldownSeconds: 600 });
    calls(10, 'failure');
    await clock.advance(61_000);
    calls(10, 'success'); // recovered
    await clock.advance(61_000);
    calls(30, 'failure'); // within 10 minutes of the first alert
    expect(spikes(alerts)).toHaveLength(1);
    await clock.advance(600_000);
    calls(30, 'failure');
    expect(spikes(alerts)).toHaveLength(2);
  });

  it('tracks tenants and targets apart, and exposes the ratio as a gauge', async () => {
    const { alerts, calls, metrics, tracker } = setup();
    calls(10, 'failure', 'acumatica');
    calls(10, 'success', 'twilio');
    expect(spikes(alerts)).toMatchObject([{ details: { target: 'acumatica' } }]);
    expect(tracker.snapshot().map((s) => [s.target, s.ratio])).toEqual([
      ['acumatica', 1],
      ['twilio', 0],
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'acusms_upstream_calls_total{tenant="acme",target="acumatica",outcome="failure"} 10',
    );
  });

  it('raises auth_failure on the second consecutive refusal, then waits out the cooldown', async () => {
    const { clock, alerts, tracker } = setup({ cooldownSeconds: 600 });
    const info = { kind: 'credentials', message: 'Authenticate', status: 401 };
    tracker.authFailure('acme', 'twilio', info);
    tracker.record('acme', 'twilio', 'success'); // a success in between: not "repeated"
    tracker.authFailure('acme', 'twilio', info);
    expect(alerts.sent).toHaveLength(0);
    tracker.authFailure('acme', 'twilio', info);
    expect(alerts.sent).toMatchObject([
      {
        type: 'auth_failure',
        tenant: 'acme',
        details: { target: 'twilio', kind: 'credentials', consecutiveFailures: 2 },
      },
    ]);
    tracker.authFailure('acme', 'twilio', info);
    expect(alerts.sent).toHaveLength(1);
    await clock.advance(600_000);
    tracker.authFailure('acme', 'twilio', info);
    expect(alerts.sent).toHaveLength(2);
  });
});

describe('tracked gateways', () => {
  function tracker(): ErrorRateTracker & { log: string[] } {
    const log: string[] = [];
    return {
      log,
      record: (tenant, target, outcome) => log.push(`${tenant}:${target}:${outcome}`),
      authFailure: (tenant, target, info) => log.push(`${tenant}:${target}:auth:${info.kind}`),
      snapshot: () => [],
      idle: async () => undefined,
    };
  }
  const request = {
    to: '+13125550101',
    body: 'hi',
    statusCallbackUrl: 'http://x/s',
    unresolvedSinceMs: null,
    isClaimed: async () => false,
  };

  it('reports Twilio successes, upstream failures, credentials errors; not a bad number', async () => {
    const t = tracker();
    const errors = [
      undefined,
      new TwilioApiError('busy', { kind: 'transient', status: 503 }),
      new TwilioApiError('Authenticate', { kind: 'credentials', status: 401, twilioCode: 20003 }),
      new TwilioApiError('bad To', { kind: 'permanent', status: 400, twilioCode: 21211 }),
    ];
    const gateway: SmsGateway = {
      async send() {
        const error = errors.shift();
        if (error) throw error;
        return { sid: 'SM1', status: 'queued', from: null, segments: 1 };
      },
    };
    const tracked = trackSmsGateway(gateway, t, 'acme');
    for (let i = 0; i < 4; i++) await tracked.send(request).catch(() => undefined);
    expect(t.log).toEqual([
      'acme:twilio:success',
      'acme:twilio:failure',
      'acme:twilio:failure',
      'acme:twilio:auth:credentials',
      'acme:twilio:success',
    ]);
  });

  it('reports Acumatica calls, async iterables included, and ignores cancellations', async () => {
    const t = tracker();
    const gateway: ErpGateway = {
      async *listChanged() {
        yield { a: 1 };
        throw new AcumaticaApiError('rate_limited', 'licence');
      },
      writeActivity: async () => {
        throw new AcumaticaApiError('validation', 'refused');
      },
      completeActivity: async () => {
        throw new DOMException('stopped', 'AbortError');
      },
      setOptOut: async () => {
        throw new AcumaticaApiError('unauthorized', 'not signed in', { status: 401 });
      },
    };
    const tracked = trackErpGateway(gateway, t, 'acme');
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const r of tracked.listChanged({
          entity: 'Invoice',
          filter: null,
          changeField: 'X',
          since: null,
        }))
          seen.push(r);
      })(),
    ).rejects.toThrow('licence');
    await tracked.writeActivity({} as never).catch(() => undefined);
    await tracked.completeActivity('SM1').catch(() => undefined);
    await tracked
      .setOptOut({ contactId: '1', noteId: null, displayName: null, timeZone: null }, true)
      .catch(() => undefined);
    expect(seen).toEqual([{ a: 1 }]);
    expect(t.log).toEqual([
      'acme:acumatica:failure',
      'acme:acumatica:success',
      'acme:acumatica:failure',
      'acme:acumatica:auth:unauthorized',
    ]);
  });
});
