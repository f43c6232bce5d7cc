import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FlowContext } from '../flows/context.js';
import { idParam, requireTenant } from './admin-params.js';

const params = z.object({ id: idParam });

/** Statuses that count as errors in `errorRate`: the SMS was meant to go and did not. */
export const ERROR_STATUSES = ['failed', 'undelivered', 'dead'] as const;

/** The window `errorRate` looks back over. */
export const ERROR_RATE_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface TenantStats {
  tenant: string;
  /** Ledger rows per status, all time, both directions. */
  messages: Record<string, number>;
  /** Outbox jobs of the tenant, waiting or running. */
  queueDepth: number;
  /** Dead letters of the tenant not yet replayed. */
  deadLetters: number;
  /** Share of outbound messages created in the last 24 h that ended failed/undelivered/dead; 0 when none. */
  errorRate: number;
}

/** `GET /api/tenants/:id/stats`: one glance at a tenant's health for the dashboard. */
export function registerStatsRoutes(app: FastifyInstance, context: FlowContext): void {
  app.get('/api/tenants/:id/stats', async (request): Promise<TenantStats> => {
    const { id } = params.parse(request.params);
    requireTenant(context, id);
    const { db } = context.store;
    const since = context.clock.now() - ERROR_RATE_WINDOW_MS;

    const [byStatus, jobs, letters, recent] = await Promise.all([
      db
        .selectFrom('messages')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('tenant', '=', id)
        .groupBy('status')
        .execute(),
      db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant', '=', id)
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('dead_letters')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant', '=', id)
        .where('replayed_at', 'is', null)
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('messages')
        .select((eb) => [
          eb.fn.countAll<number>().as('total'),
          eb.fn
            .sum<number>(
              eb
                .case()
                .when('status', 'in', [...ERROR_STATUSES])
                .then(1)
                .else(0)
                .end(),
            )
            .as('errors'),
        ])
        .where('tenant', '=', id)
        .where('direction', '=', 'outbound')
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow(),
    ]);

    // Counts come back as strings from pg (bigint/numeric) and numbers from SQLite.
    const total = Number(recent.total);
    return {
      tenant: id,
      messages: Object.fromEntries(byStatus.map((row) => [row.status, Number(row.n)])),
      queueDepth: Number(jobs.n),
      deadLetters: Number(letters.n),
      errorRate: total === 0 ? 0 : Number(recent.errors ?? 0) / total,
    };
  });
}
