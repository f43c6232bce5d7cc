import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AlertConfig } from '../config/schema.js';
import { coerceError } from '../errors.js';
import type { Store } from '../store/db.js';
import type { Alert, Alerter } from './alert.js';
import {
  type AlertSink,
  type DeliveryRetry,
  deliverWithRetry,
  deliveryRetryDefaults,
  logSink,
  slackSink,
  webhookSink,
} from './alert-sinks.js';
import { type SmsAlertTransport, smsSink } from './alert-sinks-sms.js';
import type { Clock } from './clock.js';
import type { Metrics } from './metrics.js';

export interface AlerterOptions {
  config: { readonly alerts: readonly AlertConfig[] };
  store: Store;
  logger: Logger;
  clock: Clock;
  /** Needed when an `sms` sink is configured; without it that sink logs an error per alert. */
  sms?: SmsAlertTransport;
  metrics?: Pick<Metrics, 'alerts' | 'alertDeliveries'>;
  /** Injected for tests; default global `fetch`. */
  fetch?: typeof fetch;
  retry?: Partial<DeliveryRetry>;
}

export interface AlerterWithSinks extends Alerter {
  readonly sinks: readonly AlertSink[];
  /** Resolves when every delivery started so far has finished (for a clean stop). */
  idle(): Promise<void>;
}

export function buildSinks(options: AlerterOptions): AlertSink[] {
  const { clock, logger } = options;
  const http = options.fetch ? { clock, fetch: options.fetch } : { clock };
  return options.config.alerts.map((alert, index): AlertSink => {
    switch (alert.type) {
      case 'log':
        return logSink(logger, index);
      case 'webhook':
        return webhookSink(
          { ...http, url: alert.url, ...(alert.secret ? { secret: alert.secret } : {}) },
          index,
        );
      case 'slack':
        return slackSink({ ...http, url: alert.url }, index);
      case 'sms': {
        const transport: SmsAlertTransport = options.sms ?? {
          send: async () => {
            throw new Error('no SMS transport for alerts in this process');
          },
        };
        // The schema fills `tenant` with the first tenant's id; the fallback only satisfies types.
        return smsSink({ tenant: alert.tenant ?? '', to: alert.to, transport }, index);
      }
      default: {
        const never: never = alert;
        return never;
      }
    }
  });
}

/**
 * Every alert is first stored (the `alerts` table is the record that survives a dead sink),
 * then delivered to each configured sink in parallel, each with its own bounded retries.
 * `send` never throws: an alert path that throws would turn one incident into two.
 */
export function createAlerter(options: AlerterOptions): AlerterWithSinks {
  const { store, logger, clock, metrics } = options;
  const retry = { ...deliveryRetryDefaults, ...options.retry };
  const sinks = buildSinks(options);
  const inFlight = new Set<Promise<void>>();

  async function persist(alert: Alert, id: string): Promise<void> {
    try {
      await store.db
        .insertInto('alerts')
        .values({
          id,
          type: alert.type,
          tenant: alert.tenant,
          message: alert.message,
          details: JSON.stringify(alert.details),
          at: Date.parse(alert.at),
        })
        .execute();
    } catch (error) {
      logger.error({ err: coerceError(error), alertId: id, type: alert.type }, 'could not store alert');
    }
  }

  async function deliver(sink: AlertSink, alert: Alert, id: string): Promise<void> {
    const error = await deliverWithRetry(sink, alert, id, clock, retry);
    metrics?.alertDeliveries.inc({ sink: sink.type, outcome: error ? 'failed' : 'delivered' });
    if (error) {
      logger.error(
        { sink: sink.name, alertId: id, type: alert.type, tenant: alert.tenant, error: error.message },
        'alert not delivered',
      );
    }
  }

  return {
    sinks,
    async send(input) {
      const id = randomUUID();
      const alert: Alert = { ...input, at: new Date(clock.now()).toISOString() };
      metrics?.alerts.inc({ type: alert.type });
      const work = (async () => {
        await persist(alert, id);
        await Promise.all(sinks.map((sink) => deliver(sink, alert, id)));
      })();
      inFlight.add(work);
      try {
        await work;
      } finally {
        inFlight.delete(work);
      }
    },
    async idle() {
      await Promise.all([...inFlight]);
    },
  };
}
