import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Job } from '../queue/queue.js';
import type { BatchWriter } from '../store/group-commit.js';
import { enqueueActivity } from './activity.js';
import { findContactByPhone } from './contacts.js';
import { type FlowContext, findTenant, JOB } from './context.js';
import { messageRow } from './message-row.js';
import { clearOptOut, keywordOf, recordOptOut } from './opt-outs.js';

/** The inbound webhook's parameters we use; Twilio sends more and may add others. */
export const inboundParamsSchema = z.looseObject({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'expected a MessageSid'),
  AccountSid: z.string().min(1),
  From: z.string().min(1),
  To: z.string().min(1),
  Body: z.string().max(1600).default(''),
  OptOutType: z.string().optional(),
});
export type InboundParams = z.infer<typeof inboundParamsSchema>;

export interface InboundIngest {
  tenant: string;
  params: InboundParams;
}

/**
 * The request-path write for inbound SMS: ledger rows + jobs in the group commit, nothing else
 * (no Acumatica call before the 200). Twilio's retries and duplicates hit the unique
 * MessageSid and change nothing. Answers false for a duplicate.
 */
export function inboundIngestWriter(context: FlowContext): BatchWriter<InboundIngest, boolean> {
  return async (trx, items) => {
    const now = context.clock.now();
    const rows = items.map(({ tenant, params }) =>
      messageRow({
        id: randomUUID(),
        tenant,
        direction: 'inbound',
        to_phone: params.To,
        from_phone: params.From,
        body: params.Body,
        status: 'received',
        twilio_sid: params.MessageSid,
        created_at: now,
        updated_at: now,
      }),
    );
    const inserted = await trx
      .insertInto('messages')
      .values(rows)
      .onConflict((oc) => oc.column('twilio_sid').doNothing())
      .returning('id')
      .execute();
    const isNew = new Set(inserted.map((r) => r.id));
    await context.queue.enqueueMany(
      trx,
      items.flatMap(({ tenant, params }, i) =>
        isNew.has(rows[i]!.id)
          ? [
              {
                kind: JOB.inbound,
                tenant,
                payload: { messageId: rows[i]!.id, optOutType: params.OptOutType ?? null },
                dedupeKey: `inbound:${params.MessageSid}`,
              },
            ]
          : [],
      ),
    );
    return rows.map((row) => isNew.has(row.id));
  };
}

const inboundJobSchema = z.object({ messageId: z.string(), optOutType: z.string().nullable() });

/**
 * Keywords first (opt-out ledger, then the contact's flag in Acumatica), then the incoming
 * Activity on the contact that owns the number. An unknown number is kept in the ledger and
 * listed by the admin API; it gets no Activity until the phone index knows it.
 */
export async function runInboundJob(context: FlowContext, job: Job, signal: AbortSignal): Promise<void> {
  const { messageId, optOutType } = inboundJobSchema.parse(job.payload);
  const { db } = context.store;
  const message = await db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (!message?.from_phone) return;
  const tenant = findTenant(context.config, message.tenant);
  if (!tenant) return;
  const phone = message.from_phone;
  const contact = await findContactByPhone(context.store, tenant.id, phone);
  const keyword = keywordOf(message.body, optOutType);
  if (keyword === 'stop') {
    await recordOptOut(db, tenant.id, phone, `inbound:${message.twilio_sid}`, context.clock.now());
  } else if (keyword === 'start') {
    await clearOptOut(db, tenant.id, phone);
  }
  if (contact && (keyword === 'stop' || keyword === 'start')) {
    if (signal.aborted) throw signal.reason;
    await context.erp(tenant.id).setOptOut(contact, keyword === 'stop');
  }
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('messages')
      .set({ contact_id: contact?.contactId ?? null, updated_at: context.clock.now() })
      .where('id', '=', messageId)
      .execute();
    await enqueueActivity(context, trx, tenant.id, messageId);
  });
}
