import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FlowContext } from '../flows/context.js';
import { isoTime, limitParam } from './admin-paging.js';
import { idParam, optionalTenant } from './admin-params.js';

const listQuery = z.object({ tenant: idParam.optional(), limit: limitParam });

export interface ReconciliationItem {
  id: string;
  tenant: string;
  since: string;
  until: string;
  /** Messages Twilio reports in the window. */
  sourceCount: number;
  /** Of those, how many have their Activity in Acumatica. */
  destinationCount: number;
  /** Twilio SIDs without an Activity when the run looked. */
  missing: string[];
  /** How many of `missing` the run re-pushed (`--fix` / `autoRepair`). */
  repaired: number;
  createdAt: string;
}

/** `GET /api/reconciliations`: the reports the daily reconcile writes, newest first. */
export function registerReconciliationRoutes(app: FastifyInstance, context: FlowContext): void {
  app.get('/api/reconciliations', async (request) => {
    const query = listQuery.parse(request.query);
    optionalTenant(context, query.tenant);
    let select = context.store.db.selectFrom('reconciliations').selectAll();
    if (query.tenant !== undefined) select = select.where('tenant', '=', query.tenant);
    const rows = await select
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .execute();
    const items: ReconciliationItem[] = rows.map((row) => ({
      id: row.id,
      tenant: row.tenant,
      since: isoTime(row.since),
      until: isoTime(row.until),
      sourceCount: Number(row.source_count),
      destinationCount: Number(row.destination_count),
      missing: JSON.parse(row.missing) as string[],
      repaired: Number(row.repaired),
      createdAt: isoTime(row.created_at),
    }));
    return { items };
  });
}
