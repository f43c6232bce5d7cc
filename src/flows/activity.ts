import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Job } from '../queue/queue.js';
import type { Database } from '../store/schema.js';
import { findContactByPhone } from './contacts.js';
import { type FlowContext, findTenant, JOB } from './context.js';

const CONTACT_TYPE = 'PX.Objects.CR.Contact';

/** Queues the Activity write for a message, in the caller's transaction; once per message while pending. */
export function enqueueActivity(
  context: FlowContext,
  trx: Transaction<Database>,
  tenant: string,
  messageId: string,
): Promise<string | undefined> {
  return context.queue.enqueue(trx, {
    kind: JOB.activity,
    tenant,
    payload: { messageId },
    dedupeKey: `activity:${messageId}`,
  });
}

const activityJobSchema = z.object({ messageId: z.string(), update: z.literal('completed').optional() });

/**
 * Puts a message on the CRM timeline: the rule's related record when it named one, else the
 * contact that owns the customer's number. Exactly one Activity per SID: the gateway checks the
 * ledger and searches by SID before it inserts (guarantee 3).
 */
export async function runActivityJob(context: FlowContext, job: Job): Promise<void> {
  const { messageId, update } = activityJobSchema.parse(job.payload);
  const { db } = context.store;
  const message = await db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (!message?.twilio_sid) return;
  const tenant = findTenant(context.config, message.tenant);
  if (!tenant) return;
  const erp = context.erp(tenant.id);
  if (update === 'completed') {
    await erp.completeActivity(message.twilio_sid);
    return;
  }
  if (message.acumatica_id !== null) return;
  const phone = message.direction === 'inbound' ? message.from_phone : message.to_phone;
  if (!phone) return;
  let related: { noteId: string; type: string } | null = null;
  if (message.related_note_id && message.related_type) {
    related = { noteId: message.related_note_id, type: message.related_type };
  } else {
    const contact = await findContactByPhone(context.store, tenant.id, phone);
    if (contact?.noteId) related = { noteId: contact.noteId, type: CONTACT_TYPE };
  }
  if (!related) {
    context.logger.info(
      { messageId, tenant: tenant.id },
      'no contact owns this number; message kept without an Activity',
    );
    return;
  }
  const activityId = await erp.writeActivity({
    sid: message.twilio_sid,
    direction: message.direction,
    phone,
    body: message.body,
    status: message.status,
    at: new Date(Number(message.created_at)),
    related,
  });
  await db
    .updateTable('messages')
    .set({ acumatica_id: activityId, updated_at: context.clock.now() })
    .where('id', '=', messageId)
    .execute();
}
