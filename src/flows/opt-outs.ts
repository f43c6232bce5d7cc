import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

/** Twilio's default opt-out keywords (notes §5); a single word, any case. */
const STOP_WORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const START_WORDS = new Set(['START', 'YES', 'UNSTOP']);
const HELP_WORDS = new Set(['HELP', 'INFO']);

export type Keyword = 'stop' | 'start' | 'help';

/**
 * What an inbound text asks for. Twilio's `OptOutType` (sent when Advanced Opt-Out matched a
 * keyword, possibly a custom one) wins over our own reading of the body.
 */
export function keywordOf(body: string, optOutType?: string | null): Keyword | undefined {
  const type = optOutType?.trim().toUpperCase();
  if (type === 'STOP') return 'stop';
  if (type === 'START') return 'start';
  if (type === 'HELP') return 'help';
  const word = body
    .trim()
    .replace(/[.!]+$/, '')
    .toUpperCase();
  if (/\s/.test(word)) return undefined;
  if (STOP_WORDS.has(word)) return 'stop';
  if (START_WORDS.has(word)) return 'start';
  if (HELP_WORDS.has(word)) return 'help';
  return undefined;
}

type Executor = Kysely<Database> | Transaction<Database>;

export async function isOptedOut(db: Executor, tenant: string, phone: string): Promise<boolean> {
  const row = await db
    .selectFrom('opt_outs')
    .select('phone')
    .where('tenant', '=', tenant)
    .where('phone', '=', phone)
    .executeTakeFirst();
  return row !== undefined;
}

export async function recordOptOut(
  db: Executor,
  tenant: string,
  phone: string,
  source: string,
  at: number,
): Promise<void> {
  await db
    .insertInto('opt_outs')
    .values({ tenant, phone, source, created_at: at })
    .onConflict((oc) => oc.columns(['tenant', 'phone']).doNothing())
    .execute();
}

export async function clearOptOut(db: Executor, tenant: string, phone: string): Promise<void> {
  await db.deleteFrom('opt_outs').where('tenant', '=', tenant).where('phone', '=', phone).execute();
}
