import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { FlowContext } from '../flows/context.js';
import type { DeadLetterRow } from '../store/schema.js';
import { cursorParam, decodeCursor, isoTime, limitParam, toPage } from './admin-paging.js';
import { flagParam, idParam, optionalTenant } from './admin-params.js';
import { HttpError } from './errors.js';

const listQuery = z.object({
  tenant: idParam.optional(),
  kind: idParam.optional(),
  includeReplayed: flagParam,
  limit: limitParam,
  cursor: cursorParam,
});

const idParams = z.object({ id: idParam });

export interface DeadLetterItem {
  id: string;
  kind: string;
  tenant: string | null;
  error: string;
  attempts: number;
  /** The job's payload as it was enqueued (parsed JSON). */
  payload: unknown;
  createdAt: string;
  /** When it was last put back on the queue; null while it waits for an operator. */
  replayedAt: string | null;
}

function toDeadLetterItem(row: DeadLetterRow): DeadLetterItem {
  return {
    id: row.id,
    kind: row.kind,
    tenant: row.tenant,
    error: row.error,
    attempts: Number(row.attempts),
    payload: JSON.parse(row.payload) as unknown,
    createdAt: isoTime(row.created_at),
    replayedAt: row.replayed_at === null ? null : isoTime(row.replayed_at),
  };
}

const notFound = (id: string) => new HttpError(404, 'not_found', `no dead letter "${id}"`);

/** The dead-letter list an operator works through: look, replay after the fix, or discard. */
export function registerDeadLetterRoutes(app: FastifyInstance, context: FlowContext): void {
  const { db } = context.store;

  app.get('/api/dead-letters', async (request) => {
    const query = listQuery.parse(request.query);
    optionalTenant(context, query.tenant);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 1);

    let select = db.selectFrom('dead_letters').selectAll();
    if (query.tenant !== undefined) select = select.where('tenant', '=', query.tenant);
    if (query.kind !== undefined) select = select.where('kind', '=', query.kind);
    if (!query.includeReplayed) select = select.where('replayed_at', 'is', null);
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
    return toPage(rows, query.limit, (row) => [Number(row.created_at), row.id], toDeadLetterItem);
  });

  app.get('/api/dead-letters/:id', async (request) => {
    const { id } = idParams.parse(request.params);
    const row = await db.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound(id);
    return toDeadLetterItem(row);
  });

  app.post('/api/dead-letters/:id/replay', async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const row = await db
      .selectFrom('dead_letters')
      .select(['id', 'replayed_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(id);
    if (row.replayed_at !== null) throw alreadyReplayed(id);
    // The queue re-checks inside its transaction, so of two concurrent replays one enqueues and
    // the other gets undefined here; an equal job already pending (same dedupe key) does too.
    const jobId = await context.queue.replayDeadLetter(id);
    if (jobId === undefined) throw alreadyReplayed(id);
    return reply.status(202).send({ id, jobId });
  });

  app.delete('/api/dead-letters/:id', async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const result = await db.deleteFrom('dead_letters').where('id', '=', id).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound(id);
    return reply.status(204).send();
  });
}

function alreadyReplayed(id: string): HttpError {
  return new HttpError(
    409,
    'already_replayed',
    `dead letter "${id}" was already replayed (or an equal job is already queued)`,
  );
}
