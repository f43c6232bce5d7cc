import { z } from 'zod';
import { AcusmsError } from '../errors.js';
import type { Job } from '../queue/queue.js';
import type { BatchWriter } from '../store/group-commit.js';
import { type FlowContext, JOB } from './context.js';
import { recordOptOut } from './opt-outs.js';
import { advancesStatus } from './statuses.js';

export const statusParamsSchema = z.looseObject({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'expected a MessageSid'),
  MessageStatus: z.string().min(1),
  ErrorCode: z.string().optional(),
});
export type StatusParams = z.infer<typeof statusParamsSchema>;

export interface StatusIngest {
  tenant: string;
  params: StatusParams;
}

/** Request-path write: one job per (SID, status) while pending; applied by the worker. */
export function statusIngestWriter(context: FlowContext): BatchWriter<StatusIngest, boolean> {
  return async (trx, items) => {
    const ids = await context.queue.enqueueMany(
      trx,
      items.map(({ tenant, params }) => {
        const errorCode = params.ErrorCode ? Number(params.ErrorCode) : null;
        return {
          kind: JOB.status,
          tenant,
          payload: {
            sid: params.MessageSid,
            status: params.MessageStatus,
            errorCode: Number.isFinite(errorCode) ? errorCode : null,
          },
          dedupeKey: `status:${params.MessageSid}:${params.MessageStatus}`,
        };
      }),
    );
    return ids.map((id) => id !== undefined);
  };
}

const statusJobSchema = z.object({ sid: z.string(), status: z.string(), errorCode: z.number().nullable() });

/** A callback for a SID we have not stored yet waits this many attempts (a few minutes) for the send to commit. */
const UNKNOWN_SID_ATTEMPTS = 5;

/**
 * Applies a delivery status: only forward (statuses.ts), duplicates are no-ops, error codes
 * are kept, and 21610 on a callback records the opt-out.
 */
export async function runStatusJob(context: FlowContext, job: Job): Promise<void> {
  const { sid, status, errorCode } = statusJobSchema.parse(job.payload);
  const { db } = context.store;
  const message = await db
    .selectFrom('messages')
    .selectAll()
    .where('twilio_sid', '=', sid)
    .executeTakeFirst();
  if (!message) {
    // The callback can beat our own commit of the SID (or follow a crash the lookup repairs).
    throw new AcusmsError('unknown_message', `no message with SID ${sid} yet`, {
      retryable: job.attempt < UNKNOWN_SID_ATTEMPTS,
    });
  }
  if (!advancesStatus(message.status, status)) return;
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('messages')
      .set({ status, error_code: errorCode ?? message.error_code, updated_at: context.clock.now() })
      .where('id', '=', message.id)
      .where('status', '=', message.status)
      .executeTakeFirst();
    // Someone else moved the status since we read it: let the job run again and re-rank.
    if (Number(updated.numUpdatedRows) === 0) {
      throw new AcusmsError('status_race', `status of ${sid} changed concurrently`, { retryable: true });
    }
    if (errorCode === 21610) {
      await recordOptOut(trx, message.tenant, message.to_phone, 'twilio:21610', context.clock.now());
    }
    if (message.acumatica_id !== null && (status === 'delivered' || status === 'read')) {
      await context.queue.enqueue(trx, {
        kind: JOB.activity,
        tenant: message.tenant,
        payload: { messageId: message.id, update: 'completed' },
        dedupeKey: `activity-status:${message.id}`,
      });
    }
  });
}
