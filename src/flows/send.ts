import { z } from 'zod';
import { AcusmsError } from '../errors.js';
import type { Job } from '../queue/queue.js';
import type { Deferral } from '../queue/worker.js';
import { isOptedOutError, isTwilioApiError } from '../twilio/errors.js';
import { buildStatusCallbackUrl } from '../twilio/signature.js';
import { enqueueActivity } from './activity.js';
import { findContactByPhone } from './contacts.js';
import { type FlowContext, findTenant } from './context.js';
import { isOptedOut, recordOptOut } from './opt-outs.js';
import { nextSendTime, recipientTimeZone } from './quiet-hours.js';

const payloadSchema = z.object({ messageId: z.string() });

/**
 * Statuses after which the send job has nothing left to do. `dead` is not one: a send job for a
 * dead message exists only because an operator replayed its dead letter.
 */
const DONE = new Set(['suppressed']);

/**
 * The send worker, in DESIGN.md's order: opt-out → quiet hours → pacing + create (inside the
 * gateway) → store the SID and queue the Activity in one transaction.
 *
 * Crash safety: `attempt_started_at` is committed before Twilio is called. If the process dies
 * after Twilio accepted but before the SID was stored, the retry sees the mark and the gateway
 * looks the message up instead of sending it again.
 */
export async function runSendJob(
  context: FlowContext,
  job: Job,
  signal: AbortSignal,
): Promise<Deferral | undefined> {
  const { messageId } = payloadSchema.parse(job.payload);
  const { db } = context.store;
  const message = await db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (!message || message.twilio_sid !== null || DONE.has(message.status)) return;
  const tenant = findTenant(context.config, message.tenant);
  if (!tenant) throw new AcusmsError('unknown_tenant', `tenant ${message.tenant} is no longer configured`);
  const now = context.clock.now();

  if (await isOptedOut(db, tenant.id, message.to_phone)) {
    await setStatus(context, messageId, { status: 'suppressed' });
    context.logger.info({ messageId, tenant: tenant.id }, 'recipient opted out; message suppressed');
    return;
  }

  const contact = await findContactByPhone(context.store, tenant.id, message.to_phone);
  const { zone } = await recipientTimeZone(message.to_phone, contact?.timeZone, tenant.timezone);
  const sendAt = nextSendTime(now, zone, tenant.quietHours);
  if (sendAt > now) {
    await setStatus(context, messageId, { status: 'scheduled', send_after: sendAt });
    return { deferUntil: sendAt };
  }

  const unresolvedSinceMs = message.attempt_started_at;
  if (unresolvedSinceMs === null)
    await setStatus(context, messageId, { status: 'sending', attempt_started_at: now });
  else await setStatus(context, messageId, { status: 'sending' });

  try {
    const result = await context.sms(tenant.id).send({
      to: message.to_phone,
      body: message.body,
      statusCallbackUrl: buildStatusCallbackUrl(context.config.publicUrl, tenant.id, {
        fragment: tenant.twilio.statusCallbackFragment,
      }),
      unresolvedSinceMs,
      isClaimed: async (sid) => {
        const owner = await db
          .selectFrom('messages')
          .select('id')
          .where('twilio_sid', '=', sid)
          .executeTakeFirst();
        return owner !== undefined && owner.id !== messageId;
      },
      signal,
    });
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('messages')
        .set({
          twilio_sid: result.sid,
          status: result.status,
          from_phone: result.from ?? message.from_phone,
          segments: result.segments,
          contact_id: contact?.contactId ?? null,
          updated_at: context.clock.now(),
        })
        .where('id', '=', messageId)
        .execute();
      await enqueueActivity(context, trx, tenant.id, messageId);
    });
  } catch (error) {
    if (isOptedOutError(error)) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('messages')
          .set({ status: 'suppressed', error_code: 21610, updated_at: context.clock.now() })
          .where('id', '=', messageId)
          .execute();
        await recordOptOut(trx, tenant.id, message.to_phone, 'twilio:21610', context.clock.now());
      });
      context.logger.info({ messageId, tenant: tenant.id }, 'Twilio says the recipient opted out (21610)');
      return;
    }
    if (isTwilioApiError(error) && error.twilioCode !== null) {
      await db
        .updateTable('messages')
        .set({ error_code: error.twilioCode })
        .where('id', '=', messageId)
        .execute();
    }
    throw error;
  }
}

async function setStatus(
  context: FlowContext,
  messageId: string,
  values: { status: string; send_after?: number; attempt_started_at?: number },
): Promise<void> {
  await context.store.db
    .updateTable('messages')
    .set({ ...values, updated_at: context.clock.now() })
    .where('id', '=', messageId)
    .execute();
}
