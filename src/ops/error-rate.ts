import type { Logger } from 'pino';
import type { ErrorRateConfig } from '../config/schema.js';
import type { Alerter } from './alert.js';
import type { Clock } from './clock.js';
import { BucketedCounts, type Counts, ratioOf } from './error-rate-window.js';
import type { Metrics } from './metrics.js';

export type UpstreamTarget = 'twilio' | 'acumatica';

export interface AuthFailureInfo {
  /** Error kind, e.g. `credentials` (Twilio 20003/401) or `invalid_credentials` (Acumatica). */
  kind: string;
  message: string;
  status?: number;
}

export interface ErrorRateSnapshot {
  tenant: string;
  target: UpstreamTarget;
  window: Counts;
  ratio: number;
  baselineRatio: number;
  incident: boolean;
}

export interface ErrorRateTracker {
  /** One finished upstream call. A success also ends a run of auth failures. */
  record(tenant: string, target: UpstreamTarget, outcome: 'success' | 'failure'): void;
  /** A refused credential (401, Twilio 20003, a failed Acumatica login). Not counted by `record`. */
  authFailure(tenant: string, target: UpstreamTarget, info: AuthFailureInfo): void;
  snapshot(): ErrorRateSnapshot[];
  /** Resolves when the alerts raised so far were delivered. */
  idle(): Promise<void>;
}

export interface ErrorRateOptions {
  config: ErrorRateConfig;
  alerts: Alerter;
  clock: Clock;
  logger: Logger;
  metrics?: Pick<Metrics, 'upstreamCalls'>;
  /** Consecutive auth failures (no success between) that raise `auth_failure`. Default 2. */
  authFailuresToAlert?: number;
}

/** Buckets per window: ratios are exact to a tenth of the window (30 s with the 300 s default). */
const BUCKETS_PER_WINDOW = 10;
/** The baseline is the hour before the window with the default 300 s window. */
const BASELINE_WINDOWS = 12;
/** A spike must be at least this many times the baseline ratio: a target that always fails 10% is not news at 15%. */
const BASELINE_FACTOR = 3;

interface TargetState {
  counts: BucketedCounts;
  /** True from the spike alert until the window ratio is back under the threshold. */
  incident: boolean;
  /** No spike alert before this (epoch ms): `cooldownSeconds` after the last one. */
  spikeQuietUntil: number;
  authFailures: number;
  authQuietUntil: number;
}

/**
 * Per tenant and target, the share of failed upstream calls over a sliding window. A spike is
 * ratio ≥ threshold, with ≥ minVolume calls in the window, and ≥ 3× the ratio of the 12 windows
 * before (an hour by default; earlier spikes left out), or that baseline had no failures. One alert per incident: after it the target is "in incident"
 * and stays silent until its ratio falls under the threshold, and never alerts again within
 * `cooldownSeconds`, so a flapping target does not page every few minutes.
 */
export function createErrorRateTracker(options: ErrorRateOptions): ErrorRateTracker {
  const { config, clock, logger, alerts } = options;
  const windowMs = config.windowSeconds * 1000;
  const cooldownMs = config.cooldownSeconds * 1000;
  const authFailuresToAlert = options.authFailuresToAlert ?? 2;
  const states = new Map<string, TargetState>();
  const sending = new Set<Promise<void>>();

  const keyOf = (tenant: string, target: UpstreamTarget) => `${tenant}\u0000${target}`;
  function stateOf(tenant: string, target: UpstreamTarget): TargetState {
    const key = keyOf(tenant, target);
    let state = states.get(key);
    if (!state) {
      state = {
        counts: new BucketedCounts(
          windowMs / BUCKETS_PER_WINDOW,
          BUCKETS_PER_WINDOW * (BASELINE_WINDOWS + 1),
        ),
        incident: false,
        spikeQuietUntil: 0,
        authFailures: 0,
        authQuietUntil: 0,
      };
      states.set(key, state);
    }
    return state;
  }

  function measure(state: TargetState, now: number) {
    const window = state.counts.sum(now, 0, BUCKETS_PER_WINDOW);
    const baseline = state.counts.sum(
      now,
      BUCKETS_PER_WINDOW,
      BUCKETS_PER_WINDOW * (BASELINE_WINDOWS + 1),
      true,
    );
    return { window, ratio: ratioOf(window), baselineRatio: ratioOf(baseline), baseline };
  }

  function raise(alert: Parameters<Alerter['send']>[0]): void {
    const sent = alerts.send(alert).finally(() => sending.delete(sent));
    sending.add(sent);
  }

  return {
    record(tenant, target, outcome) {
      const now = clock.now();
      const state = stateOf(tenant, target);
      options.metrics?.upstreamCalls.inc({ tenant, target, outcome });
      if (outcome === 'success') state.authFailures = 0;
      // Recovery is judged before this call counts, so a quiet spell (empty window) also re-arms.
      if (state.incident && measure(state, now).ratio < config.threshold) {
        state.incident = false;
        logger.info({ tenant, target }, 'upstream error rate back under the threshold');
      }
      state.counts.add(now, outcome === 'failure');
      const m = measure(state, now);
      const spiking =
        m.window.calls >= config.minVolume &&
        m.ratio >= config.threshold &&
        (m.baselineRatio === 0 || m.ratio >= BASELINE_FACTOR * m.baselineRatio);
      // Spike windows stay out of later baselines, in cooldown too: the next outage is compared
      // with normal traffic, not with the last outage.
      if (spiking || state.incident) state.counts.markIncident(now, BUCKETS_PER_WINDOW);
      if (!spiking || state.incident || now < state.spikeQuietUntil) return;
      state.incident = true;
      state.spikeQuietUntil = now + cooldownMs;
      const percent = Math.round(m.ratio * 100);
      raise({
        type: 'error_rate_spike',
        tenant,
        message: `${percent}% of ${target} calls failed in the last ${config.windowSeconds} s (${m.window.failures} of ${m.window.calls})`,
        details: {
          target,
          windowSeconds: config.windowSeconds,
          calls: m.window.calls,
          failures: m.window.failures,
          ratio: m.ratio,
          threshold: config.threshold,
          baselineRatio: m.baselineRatio,
          baselineCalls: m.baseline.calls,
        },
      });
    },
    authFailure(tenant, target, info) {
      const now = clock.now();
      const state = stateOf(tenant, target);
      state.authFailures += 1;
      if (state.authFailures < authFailuresToAlert || now < state.authQuietUntil) return;
      state.authQuietUntil = now + cooldownMs;
      const who = target === 'twilio' ? 'Twilio' : 'Acumatica';
      raise({
        type: 'auth_failure',
        tenant,
        message: `${who} refused our credentials ${state.authFailures} times in a row (${info.kind}): ${info.message}`,
        details: {
          target,
          kind: info.kind,
          consecutiveFailures: state.authFailures,
          ...(info.status === undefined ? {} : { status: info.status }),
        },
      });
    },
    snapshot() {
      const now = clock.now();
      return [...states.entries()].map(([key, state]) => {
        const [tenant, target] = key.split('\u0000') as [string, UpstreamTarget];
        const m = measure(state, now);
        return {
          tenant,
          target,
          window: m.window,
          ratio: m.ratio,
          baselineRatio: m.baselineRatio,
          incident: state.incident,
        };
      });
    },
    async idle() {
      await Promise.all([...sending]);
    },
  };
}
