import type { Logger } from 'pino';
import { coerceError } from '../errors.js';
import type { Alerter } from './alert.js';
import type { Clock } from './clock.js';

export interface DeadLetterNotice {
  tenant: string | null;
  kind: string;
  deadLetterId: string;
  error: string;
}

export interface DeadLetterAlertsOptions {
  alerts: Alerter;
  clock: Clock;
  logger: Logger;
  /** At most one `dead_letter` alert per tenant per this many ms. Default 300,000 (5 minutes). */
  debounceMs?: number;
  /** Dead letters of the tenant still waiting for an operator, for the alert text. */
  countWaiting?: (tenant: string | null) => Promise<number>;
}

export interface DeadLetterAlerts {
  /** A job was just dead-lettered. Alerts at once, or folds it into the next summary. */
  notify(notice: DeadLetterNotice): void;
  /** Sends the summaries still held back (at shutdown) and waits for every alert in flight. */
  stop(): Promise<void>;
}

/** How many ids an alert lists; the count covers the rest, `acusms dlq list` shows them all. */
const MAX_IDS = 20;

interface TenantState {
  lastSentAt: number | undefined;
  held: DeadLetterNotice[];
  timer: AbortController | undefined;
}

/**
 * Debounced `dead_letter` alerts: the first dead letter of a tenant alerts at once; later ones
 * within `debounceMs` are held and sent as one summary ("7 jobs dead-lettered…") when that time
 * is up. A bad deploy that dead-letters 500 sends pages once, not 500 times.
 */
export function createDeadLetterAlerts(options: DeadLetterAlertsOptions): DeadLetterAlerts {
  const { alerts, clock, logger } = options;
  const debounceMs = options.debounceMs ?? 5 * 60_000;
  const tenants = new Map<string | null, TenantState>();
  const inFlight = new Set<Promise<void>>();

  function track(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => logger.error({ err: coerceError(error) }, 'dead-letter alert failed'))
      .finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }

  async function flush(tenant: string | null, state: TenantState): Promise<void> {
    const held = state.held;
    state.held = [];
    state.timer = undefined;
    if (held.length === 0) return;
    const since = state.lastSentAt;
    state.lastSentAt = clock.now();
    const waiting = await options.countWaiting?.(tenant).catch(() => undefined);
    const kinds = [...new Set(held.map((n) => n.kind))];
    const last = held[held.length - 1]!;
    const what =
      held.length === 1
        ? `a ${last.kind} job was dead-lettered: ${last.error}`
        : `${held.length} jobs (${kinds.join(', ')}) were dead-lettered since ${new Date(since ?? clock.now()).toISOString()}; last: ${last.error}`;
    await alerts.send({
      type: 'dead_letter',
      tenant,
      message: waiting === undefined ? what : `${what} (${waiting} waiting for replay)`,
      details: {
        count: held.length,
        kinds,
        deadLetterIds: held.slice(-MAX_IDS).map((n) => n.deadLetterId),
        lastError: last.error,
        ...(waiting === undefined ? {} : { waiting }),
      },
    });
  }

  return {
    notify(notice) {
      let state = tenants.get(notice.tenant);
      if (!state) {
        state = { lastSentAt: undefined, held: [], timer: undefined };
        tenants.set(notice.tenant, state);
      }
      state.held.push(notice);
      const now = clock.now();
      if (state.lastSentAt === undefined || now - state.lastSentAt >= debounceMs) {
        state.timer?.abort();
        track(flush(notice.tenant, state));
        return;
      }
      if (state.timer) return;
      const timer = new AbortController();
      state.timer = timer;
      const current = state;
      track(
        clock.sleep(state.lastSentAt + debounceMs - now, timer.signal).then(
          () => flush(notice.tenant, current),
          () => undefined,
        ),
      );
    },
    async stop() {
      for (const [tenant, state] of tenants) {
        state.timer?.abort();
        if (state.held.length > 0) track(flush(tenant, state));
      }
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
