import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { normalizePhone } from '../acumatica/phone-normalize.js';
import type { TenantConfig } from '../config/schema.js';
import { AcusmsError } from '../errors.js';
import type { Database, MessageRow } from '../store/schema.js';
import { type FlowContext, findTenant, JOB } from './context.js';
import { messageRow } from './message-row.js';

/** Twilio's own limit on `Body` (notes §1.1). */
export const MAX_BODY_CHARS = 1600;

export interface SendInput {
  tenant: string;
  to: string;
  body: string;
  /** One key ⇒ at most one SMS, ever. Rules use `rule:<id>:<key>`. */
  idempotencyKey?: string | null;
  ruleId?: string | null;
  relate?: { noteId: string; type: string } | null;
}

export interface Accepted {
  id: string;
  status: string;
  /** False when the idempotency key already had a message: the caller gets that one. */
  created: boolean;
}

export function invalidInput(code: string, message: string): AcusmsError {
  return new AcusmsError(code, message, { retryable: false });
}

/** Checks what a caller can get wrong, before anything is stored. */
export function validateSend(
  tenant: TenantConfig | undefined,
  input: SendInput,
): { to: string; body: string } {
  if (!tenant) throw invalidInput('unknown_tenant', `no tenant "${input.tenant}" in the config`);
  const body = input.body;
  if (body.trim() === '') throw invalidInput('body_empty', 'body must not be empty');
  if (body.length > MAX_BODY_CHARS) {
    throw invalidInput(
      'body_too_long',
      `body has ${body.length} characters; Twilio takes at most ${MAX_BODY_CHARS}`,
    );
  }
  const to = normalizePhone(input.to, tenant.defaultCountry);
  if (!to) throw invalidInput('invalid_phone', `"${input.to}" is not a valid phone number`);
  return { to, body };
}

/**
 * Accepts one outbound SMS: the ledger row and its send job in the caller's transaction, so an
 * accepted message is durable before the caller answers. A repeated idempotency key returns
 * the first message and stores nothing.
 */
export async function acceptSend(
  context: FlowContext,
  trx: Transaction<Database> | Kysely<Database>,
  input: SendInput,
): Promise<Accepted> {
  const tenant = findTenant(context.config, input.tenant);
  const { to, body } = validateSend(tenant, input);
  const key = input.idempotencyKey ?? null;
  if (key !== null) {
    const existing = await findByKey(trx, input.tenant, key);
    if (existing) return { id: existing.id, status: existing.status, created: false };
  }
  const id = randomUUID();
  const now = context.clock.now();
  const inserted = await trx
    .insertInto('messages')
    .values(
      messageRow({
        id,
        tenant: input.tenant,
        direction: 'outbound',
        to_phone: to,
        from_phone: tenant?.twilio.sender.type === 'from' ? tenant.twilio.sender.from : null,
        body,
        status: 'queued',
        idempotency_key: key,
        rule_id: input.ruleId ?? null,
        related_note_id: input.relate?.noteId ?? null,
        related_type: input.relate?.type ?? null,
        created_at: now,
        updated_at: now,
      }),
    )
    .onConflict((oc) => oc.columns(['tenant', 'idempotency_key']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0 && key !== null) {
    // A concurrent request with the same key won the insert.
    const winner = await findByKey(trx, input.tenant, key);
    if (winner) return { id: winner.id, status: winner.status, created: false };
  }
  await context.queue.enqueue(trx, {
    kind: JOB.send,
    tenant: input.tenant,
    payload: { messageId: id },
    dedupeKey: `send:${id}`,
  });
  return { id, status: 'queued', created: true };
}

async function findByKey(
  db: Transaction<Database> | Kysely<Database>,
  tenant: string,
  key: string,
): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}
