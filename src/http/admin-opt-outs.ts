import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FlowContext } from '../flows/context.js';
import { cursorParam, decodeCursor, isoTime, limitParam, toPage } from './admin-paging.js';
import { idParam, optionalTenant, phoneFilter } from './admin-params.js';

const listQuery = z.object({
  tenant: idParam.optional(),
  /** "Is this number opted out?": any format, normalised like `GET /api/messages?to=`. */
  phone: z.string().min(1).max(100).optional(),
  limit: limitParam,
  cursor: cursorParam,
});

export interface OptOutItem {
  tenant: string;
  phone: string;
  /** What opted the number out: `inbound:<MessageSid>` (a STOP keyword) or `twilio:21610`. */
  source: string;
  createdAt: string;
}

/** `GET /api/opt-outs`: numbers that get nothing until they text START, newest first. */
export function registerOptOutRoutes(app: FastifyInstance, context: FlowContext): void {
  app.get('/api/opt-outs', async (request) => {
    const query = listQuery.parse(request.query);
    const tenant = optionalTenant(context, query.tenant);
    const phone = query.phone === undefined ? undefined : phoneFilter(query.phone, tenant, 'phone');
    // (tenant, phone) is the key, so it breaks ties between opt-outs of the same millisecond.
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 2);

    let select = context.store.db.selectFrom('opt_outs').selectAll();
    if (query.tenant !== undefined) select = select.where('tenant', '=', query.tenant);
    if (phone !== undefined) select = select.where('phone', '=', phone);
    if (cursor !== undefined) {
      const [createdAt, cursorTenant, cursorPhone] = cursor;
      select = select.where((eb) =>
        eb(
          eb.refTuple('created_at', 'tenant', 'phone'),
          '<',
          eb.tuple(createdAt, cursorTenant as string, cursorPhone as string),
        ),
      );
    }
    const rows = await select
      .orderBy('created_at', 'desc')
      .orderBy('tenant', 'desc')
      .orderBy('phone', 'desc')
      .limit(query.limit + 1)
      .execute();
    return toPage(
      rows,
      query.limit,
      (row) => [Number(row.created_at), row.tenant, row.phone],
      (row): OptOutItem => ({
        tenant: row.tenant,
        phone: row.phone,
        source: row.source,
        createdAt: isoTime(row.created_at),
      }),
    );
  });
}
