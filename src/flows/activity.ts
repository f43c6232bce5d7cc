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
    if (contact?.noteId) {
      related = { noteId: contact.noteId, type: CONTACT_TYPE };
      await db
        .updateTable('messages')
        .set({ contact_id: contact.contactId, updated_at: context.clock.now() })
        .where('id', '=', messageId)
        .execute();
    }
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

/**
 * Messages kept without an Activity because no contact owned the number yet: once the phone
 * index knows the number, their Activity is queued (at most `limit` per run). Runs after each
 * phone-index refresh, so a customer added to Acumatica later gets their earlier texts too.
 */
export async function relinkUnmatched(context: FlowContext, tenant: string, limit = 1000): Promise<number> {
  const { db } = context.store;
  const unmatched = await db
    .selectFrom('messages as m')
    .innerJoin('phone_index as p', (join) =>
      join
        .onRef('p.tenant', '=', 'm.tenant')
        .on((eb) =>
          eb.or([
            eb.and([eb('m.direction', '=', 'inbound'), eb(eb.ref('p.phone'), '=', eb.ref('m.from_phone'))]),
            eb.and([eb('m.direction', '=', 'outbound'), eb(eb.ref('p.phone'), '=', eb.ref('m.to_phone'))]),
          ]),
        ),
    )
    .select('m.id')
    .where('m.tenant', '=', tenant)
    .where('m.acumatica_id', 'is', null)
    .where('m.twilio_sid', 'is not', null)
    .where('m.related_note_id', 'is', null)
    // Set once a contact was found (even if its Activity then failed and was dead-lettered):
    // only texts that never had a contact are relinked, so a dead letter is not retried here.
    .where('m.contact_id', 'is', null)
    .limit(limit)
    .execute();
  if (unmatched.length === 0) return 0;
  const queued = await context.store.db.transaction().execute((trx) =>
    context.queue.enqueueMany(
      trx,
      unmatched.map(({ id }) => ({
        kind: JOB.activity,
        tenant,
        payload: { messageId: id },
        dedupeKey: `activity:${id}`,
      })),
    ),
  );
  return queued.filter((id) => id !== undefined).length;
}
