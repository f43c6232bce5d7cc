import { randomUUID } from 'node:crypto';
import { AcusmsError, coerceError, isRetryable, retryAfterMsOf } from '../errors.js';
import type { FlowContext } from './context.js';
import type { ErpGateway } from './ports.js';
import { type SyncItem, toLedgerRow } from './sync-transform.js';

const CONTACT_TYPE = 'PX.Objects.CR.Contact';

/** A message that will get an Activity, with what the writer needs to know about it. */
export interface PushCandidate {
  item: SyncItem;
  phone: string;
  related: { noteId: string; type: string };
  /** Its ledger row was inserted by this very call: no write was ever attempted (no SID search). */
  fresh: boolean;
}

export interface PreparedPage {
  candidates: PushCandidate[];
  /** Already written (ledger holds the Activity id) or owned by a pending live-flow job. */
  skipped: number;
  /** No contact owns the number: the ledger row is kept, no Activity is written. */
  unmatched: number;
}

export interface PushResult {
  pushed: number;
  /** Refused for good (400/422…): left in the ledger without an Activity, reported by reconcile. */
  failed: number;
  failedSids: string[];
  /** Still failing after the retries: the caller must not checkpoint past this page. */
  blocked: number;
}

/** Live-flow jobs that will write the Activity of a ledger row themselves. */
function liveJobKeys(messageId: string, sid: string): string[] {
  return [`activity:${messageId}`, `inbound:${sid}`, `send:${messageId}`];
}

/**
 * Ledger-first (guarantee 3): every message gets its ledger row before any Activity is written,
 * so the ActivityWriter's ledger check covers history exactly like live traffic. Rows that exist
 * without an Activity id are written only when no live job owns them, and always with the SID
 * search (an earlier attempt may have written the Activity and lost the answer).
 */
export async function preparePage(
  context: FlowContext,
  tenant: string,
  items: readonly SyncItem[],
  options: { dryRun: boolean },
): Promise<PreparedPage> {
  const { db } = context.store;
  const result: PreparedPage = { candidates: [], skipped: 0, unmatched: 0 };
  if (items.length === 0) return result;
  const sids = items.map((i) => i.sid);
  const selectRows = (wanted: string[]) =>
    db
      .selectFrom('messages')
      .select(['id', 'twilio_sid', 'acumatica_id', 'related_note_id', 'related_type'])
      .where('twilio_sid', 'in', wanted)
      .execute();
  const rows = new Map((await selectRows(sids)).map((r) => [r.twilio_sid as string, r]));

  const fresh = new Set<string>();
  const absent = items.filter((i) => !rows.has(i.sid));
  if (absent.length > 0 && !options.dryRun) {
    const now = context.clock.now();
    const lost: string[] = [];
    await db.transaction().execute(async (trx) => {
      for (const item of absent) {
        const inserted = await trx
          .insertInto('messages')
          .values(toLedgerRow(tenant, randomUUID(), item, now))
          .onConflict((oc) => oc.column('twilio_sid').doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) fresh.add(item.sid);
        else lost.push(item.sid);
      }
    });
    // A webhook stored the SID between our select and insert: treat it as an existing row.
    if (lost.length > 0) for (const r of await selectRows(lost)) rows.set(r.twilio_sid as string, r);
  } else if (options.dryRun) {
    for (const item of absent) fresh.add(item.sid);
  }

  const pending = [...rows.values()].filter((r) => r.acumatica_id === null);
  const liveKeys =
    pending.length === 0
      ? new Set<string>()
      : new Set(
          (
            await db
              .selectFrom('jobs')
              .select('dedupe_key')
              .where(
                'dedupe_key',
                'in',
                pending.flatMap((r) => liveJobKeys(r.id, r.twilio_sid as string)),
              )
              .execute()
          ).map((j) => j.dedupe_key),
        );

  const phones = [...new Set(items.flatMap((i) => (i.phone ? [i.phone] : [])))];
  const contacts = new Map(
    phones.length === 0
      ? []
      : (
          await db
            .selectFrom('phone_index')
            .select(['phone', 'contact_note_id'])
            .where('tenant', '=', tenant)
            .where('phone', 'in', phones)
            .execute()
        ).map((p) => [p.phone, p.contact_note_id]),
  );

  for (const item of items) {
    const row = rows.get(item.sid);
    if (row && !fresh.has(item.sid)) {
      const owned = liveJobKeys(row.id, item.sid).some((k) => liveKeys.has(k));
      if (row.acumatica_id !== null || owned) {
        result.skipped += 1;
        continue;
      }
    }
    const noteId = contacts.get(item.phone ?? '');
    const related =
      row?.related_note_id && row.related_type
        ? { noteId: row.related_note_id, type: row.related_type }
        : noteId
          ? { noteId, type: CONTACT_TYPE }
          : null;
    if (!related || !item.phone) {
      result.unmatched += 1;
      continue;
    }
    result.candidates.push({ item, phone: item.phone, related, fresh: fresh.has(item.sid) });
  }
  return result;
}

export interface PushOptions {
  /** Parallel writes; the licence limiter still caps what reaches Acumatica. */
  concurrency: number;
  /** Tries per Activity on transient failures (429, 5xx, network). Default 5. */
  attempts?: number;
  signal?: AbortSignal;
  onPushed?: (count: number) => void;
}

/**
 * PUSH: up to `concurrency` writes at once. A transient failure is retried here (250 ms
 * doubling, or the error's own floor) because the caller's checkpoint waits for the page; a
 * permanent one is counted and left for reconcile, so one bad record cannot stall a backfill.
 */
export async function pushCandidates(
  context: FlowContext,
  erp: ErpGateway,
  candidates: readonly PushCandidate[],
  options: PushOptions,
): Promise<PushResult> {
  const result: PushResult = { pushed: 0, failed: 0, failedSids: [], blocked: 0 };
  const attempts = options.attempts ?? 5;
  let next = 0;
  const one = async (c: PushCandidate) => {
    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      try {
        await erp.writeActivity({
          sid: c.item.sid,
          direction: c.item.direction,
          phone: c.phone,
          body: c.item.body,
          status: c.item.status,
          at: new Date(c.item.atMs),
          related: c.related,
          fresh: c.fresh && attempt === 1,
          attempt,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        result.pushed += 1;
        options.onPushed?.(1);
        return;
      } catch (thrown) {
        if (options.signal?.aborted) throw options.signal.reason;
        const error = coerceError(thrown);
        if (!isRetryable(error)) {
          context.logger.warn({ sid: c.item.sid, err: error }, 'sync: Activity refused; left for reconcile');
          result.failed += 1;
          result.failedSids.push(c.item.sid);
          return;
        }
        if (attempt >= attempts) {
          context.logger.error({ sid: c.item.sid, err: error }, 'sync: Activity still failing after retries');
          result.blocked += 1;
          return;
        }
        const delay = Math.max(Math.min(250 * 2 ** (attempt - 1), 10_000), retryAfterMsOf(error) ?? 0);
        await context.clock.sleep(delay, options.signal);
      }
    }
  };
  const lanes = Array.from(
    { length: Math.max(1, Math.min(options.concurrency, candidates.length)) },
    async () => {
      while (next < candidates.length) await one(candidates[next++]!);
    },
  );
  const settled = await Promise.allSettled(lanes);
  const rejected = settled.find((s) => s.status === 'rejected');
  if (rejected) throw rejected.reason;
  return result;
}

export function requireErpListing(erp: ErpGateway, tenant: string) {
  const { listSmsActivities, findActivityBySid } = erp;
  if (!listSmsActivities || !findActivityBySid) {
    throw new AcusmsError('unsupported', `the Acumatica gateway of tenant ${tenant} cannot list Activities`);
  }
  return {
    listSmsActivities: listSmsActivities.bind(erp),
    findActivityBySid: findActivityBySid.bind(erp),
  };
}
