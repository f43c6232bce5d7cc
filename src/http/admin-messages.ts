import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AcusmsError } from '../errors.js';
import type { FlowContext } from '../flows/context.js';
import { acceptSend } from '../flows/outbound.js';
import type { MessageRow } from '../store/schema.js';
import { cursorParam, decodeCursor, isoTime, limitParam, toPage } from './admin-paging.js';
import { idParam, optionalTenant, phoneFilter } from './admin-params.js';
import { HttpError } from './errors.js';

const listQuery = z.object({
  tenant: idParam.optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  status: idParam.optional(),
  to: z.string().min(1).max(100).optional(),
  twilioSid: idParam.optional(),
  idempotencyKey: idParam.optional(),
  limit: limitParam,
  cursor: cursorParam,
});

const sendBody = z.strictObject({
  tenant: idParam,
  to: z.string().min(1),
  // Length and emptiness are checked by the flow (`validateSend`), one rule for API and CLI.
  body: z.string(),
});

/** Absent: no dedupe. Present: one message per (tenant, key), ever. */
const idempotencyHeader = z.string().trim().min(1).max(255).optional();

/** Flow error codes a caller can cause, and the answer each gets. */
const SEND_ERROR_STATUS: Record<string, number> = {
  unknown_tenant: 404,
  invalid_phone: 400,
  body_too_long: 400,
  body_empty: 400,
};

export interface MessageItem {
  id: string;
  tenant: string;
  direction: 'inbound' | 'outbound';
  to: string;
  from: string | null;
  body: string;
  status: string;
  errorCode: number | null;
  twilioSid: string | null;
  acumaticaId: string | null;
  idempotencyKey: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toMessageItem(row: MessageRow): MessageItem {
  return {
    id: row.id,
    tenant: row.tenant,
    direction: row.direction,
    to: row.to_phone,
    from: row.from_phone,
    body: row.body,
    status: row.status,
    errorCode: row.error_code === null ? null : Number(row.error_code),
    twilioSid: row.twilio_sid,
    acumaticaId: row.acumatica_id,
    idempotencyKey: row.idempotency_key,
    createdAt: isoTime(row.created_at),
    updatedAt: isoTime(row.updated_at),
  };
}

/** `GET /api/messages` (the ledger, newest first) and `POST /api/messages` (send one SMS). */
export function registerMessageRoutes(app: FastifyInstance, context: FlowContext): void {
  app.get('/api/messages', async (request) => {
    const query = listQuery.parse(request.query);
    const tenant = optionalTenant(context, query.tenant);
    const to = query.to === undefined ? undefined : phoneFilter(query.to, tenant, 'to');
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 1);

    let select = context.store.db.selectFrom('messages').selectAll();
    if (query.tenant !== undefined) select = select.where('tenant', '=', query.tenant);
    if (query.direction !== undefined) select = select.where('direction', '=', query.direction);
    if (query.status !== undefined) select = select.where('status', '=', query.status);
    if (to !== undefined) select = select.where('to_phone', '=', to);
    if (query.twilioSid !== undefined) select = select.where('twilio_sid', '=', query.twilioSid);
    if (query.idempotencyKey !== undefined)
      select = select.where('idempotency_key', '=', query.idempotencyKey);
    if (cursor !== undefined) {
      const [createdAt, id] = cursor;
      select = select.where((eb) =>
        eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(createdAt, id as string)),
      );
    }
    const rows = await select
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    return toPage(rows, query.limit, (row) => [Number(row.created_at), row.id], toMessageItem);
  });

  app.post('/api/messages', async (request, reply) => {
    const input = sendBody.parse(request.body);
    const idempotencyKey = idempotencyHeader.parse(request.headers['idempotency-key']) ?? null;
    // Ledger row and send job commit together, so the 202 means the SMS is durable (guarantee 1).
    const accepted = await context.store.db
      .transaction()
      .execute((trx) => acceptSend(context, trx, { ...input, idempotencyKey }))
      .catch((error: unknown) => {
        throw toHttpError(error);
      });
    return reply.status(accepted.created ? 202 : 200).send({ id: accepted.id, status: accepted.status });
  });
}

function toHttpError(error: unknown): unknown {
  if (!(error instanceof AcusmsError)) return error;
  const status = SEND_ERROR_STATUS[error.code];
  return status === undefined ? error : new HttpError(status, error.code, error.message);
}
