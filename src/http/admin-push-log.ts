import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FlowContext } from '../flows/context.js';
import { cursorParam, decodeCursor, isoTime, limitParam, toPage } from './admin-paging.js';
import { idParam, optionalTenant } from './admin-params.js';

const listQuery = z.object({
  tenant: idParam.optional(),
  /** The MessageSid (or `contact:<id>`) whose attempts to list. */
  sourceId: idParam.optional(),
  limit: limitParam,
  cursor: cursorParam,
});

export interface PushLogItem {
  id: string;
  tenant: string;
  target: string;
  operation: string;
  sourceId: string;
  acumaticaId: string | null;
  at: string;
  /** HTTP status; null when no response arrived. */
  responseCode: number | null;
  attempt: number;
  durationMs: number;
}

/** `GET /api/push-log`: every push attempt (guarantee 7), newest first, keyset-paged. */
export function registerPushLogRoutes(app: FastifyInstance, context: FlowContext): void {
  app.get('/api/push-log', async (request) => {
    const query = listQuery.parse(request.query);
    optionalTenant(context, query.tenant);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 1);
    let select = context.store.db.selectFrom('push_log').selectAll();
    if (query.tenant !== undefined) select = select.where('tenant', '=', query.tenant);
    if (query.sourceId !== undefined) select = select.where('source_id', '=', query.sourceId);
    if (cursor !== undefined) {
      const [at, id] = cursor;
      select = select.where((eb) => eb(eb.refTuple('at', 'id'), '<', eb.tuple(at, id as string)));
    }
    const rows = await select
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    return toPage(
      rows,
      query.limit,
      (row) => [Number(row.at), row.id],
      (row): PushLogItem => ({
        id: row.id,
        tenant: row.tenant,
        target: row.target,
        operation: row.operation,
        sourceId: row.source_id,
        acumaticaId: row.acumatica_id,
        at: isoTime(row.at),
        responseCode: row.response_code === null ? null : Number(row.response_code),
        attempt: Number(row.attempt),
        durationMs: Number(row.duration_ms),
      }),
    );
  });
}
