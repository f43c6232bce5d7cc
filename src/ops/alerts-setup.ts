import type { Logger } from 'pino';
import type { AuthFailure } from '../acumatica/auth.js';
import type { Config } from '../config/schema.js';
import type { ErpGateway, SmsGateway } from '../flows/ports.js';
import type { FailOutcome, Job } from '../queue/queue.js';
import type { Store } from '../store/db.js';
import { sqlRateLimitStore, sqlSemaphoreStore } from '../store/limits.js';
import { type SmsAlertTransport, twilioAlertTransport } from './alert-sinks-sms.js';
import { type AlerterWithSinks, createAlerter } from './alerts.js';
import { createDeadLetterAlerts, type DeadLetterAlerts } from './alerts-dead-letter.js';
import type { Clock } from './clock.js';
import { createErrorRateTracker, type ErrorRateTracker } from './error-rate.js';
import type { Metrics } from './metrics.js';
import { ACUMATICA_AUTH_KINDS, trackErpGateway, trackSmsGateway } from './tracked-gateways.js';

export interface AlertingOptions {
  config: Config;
  store: Store;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  instanceId: string;
  /** How on-call texts leave; default the tenant's Twilio account from the config. */
  sms?: SmsAlertTransport;
}

/** The operations side of one app: alert sinks, error-rate tracking and dead-letter alerts. */
export interface Alerting {
  readonly alerter: AlerterWithSinks;
  readonly tracker: ErrorRateTracker;
  readonly deadLetters: DeadLetterAlerts;
  /** The gateway pair with every call reported to the error-rate tracker. */
  track(gateways: { sms(tenant: string): SmsGateway; erp(tenant: string): ErpGateway }): {
    sms(tenant: string): SmsGateway;
    erp(tenant: string): ErpGateway;
  };
  /** For the Acumatica gateway's `onAuthFailure`: credential and seat problems alert. */
  onAcumaticaAuthFailure(failure: AuthFailure): void;
  /** For the worker's `onFailed`: a dead-lettered job raises a (debounced) `dead_letter` alert. */
  onJobFailed(job: Job, error: Error, outcome: FailOutcome): void;
  /** Sends held summaries and waits for deliveries; call before the store closes. */
  stop(): Promise<void>;
}

export function createAlerting(options: AlertingOptions): Alerting {
  const { config, store, logger, clock, metrics } = options;
  const log = logger.child({ component: 'alerts' });
  const sms =
    options.sms ??
    twilioAlertTransport({
      config,
      rateLimits: sqlRateLimitStore(store),
      semaphores: sqlSemaphoreStore(store),
      clock,
      instanceId: options.instanceId,
    });
  const alerter = createAlerter({ config, store, logger: log, clock, sms, metrics });
  const tracker = createErrorRateTracker({
    config: config.errorRate,
    alerts: alerter,
    clock,
    logger: log,
    metrics,
  });
  const deadLetters = createDeadLetterAlerts({
    alerts: alerter,
    clock,
    logger: log,
    countWaiting: async (tenant) => {
      let query = store.db
        .selectFrom('dead_letters')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('replayed_at', 'is', null);
      query = tenant === null ? query.where('tenant', 'is', null) : query.where('tenant', '=', tenant);
      return Number((await query.executeTakeFirstOrThrow()).n);
    },
  });
  // Wrappers are cached: the flows ask for a tenant's gateway on every job.
  const cache = new Map<string, SmsGateway | ErpGateway>();
  const cached = <G extends SmsGateway | ErpGateway>(key: string, make: () => G): G => {
    let found = cache.get(key) as G | undefined;
    if (!found) {
      found = make();
      cache.set(key, found);
    }
    return found;
  };

  return {
    alerter,
    tracker,
    deadLetters,
    track(gateways) {
      return {
        sms: (tenant) =>
          cached(`sms:${tenant}`, () => trackSmsGateway(gateways.sms(tenant), tracker, tenant)),
        erp: (tenant) =>
          cached(`erp:${tenant}`, () => trackErpGateway(gateways.erp(tenant), tracker, tenant)),
      };
    },
    onAcumaticaAuthFailure(failure) {
      log.error({ tenant: failure.tenant, failure }, 'Acumatica authentication failure');
      if (!ACUMATICA_AUTH_KINDS.has(failure.kind)) return;
      tracker.authFailure(failure.tenant, 'acumatica', { kind: failure.kind, message: failure.message });
    },
    onJobFailed(job, error, outcome) {
      if (outcome.outcome !== 'dead') return;
      deadLetters.notify({
        tenant: job.tenant,
        kind: job.kind,
        deadLetterId: outcome.deadLetterId,
        error: error.message,
      });
    },
    async stop() {
      await deadLetters.stop();
      await tracker.idle();
      await alerter.idle();
    },
  };
}

/** Un-replayed dead letters per tenant and kind, for the `acusms_dead_letters` gauge. */
export async function countWaitingDeadLetters(
  store: Store,
): Promise<Array<{ tenant: string | null; kind: string; count: number }>> {
  const rows = await store.db
    .selectFrom('dead_letters')
    .select(['tenant', 'kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('replayed_at', 'is', null)
    .groupBy(['tenant', 'kind'])
    .execute();
  return rows.map((row) => ({ tenant: row.tenant, kind: row.kind, count: Number(row.n) }));
}
