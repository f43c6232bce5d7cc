import { z } from 'zod';
import type { Store } from '../store/db.js';

/**
 * The sync cursor, one row of `cursors` per tenant (`sync:twilio`). `syncedUntil` is the end of
 * the last window pushed completely; `run` is the window in progress and the first page not yet
 * pushed (Twilio's `next_page_uri`, a keyset token, so pages do not shift as messages arrive).
 * Twilio lists newest first, so a time alone cannot mark progress inside a window: the page
 * token can, and it is written only after every message of the page before it is pushed.
 */
export const SYNC_CURSOR = 'sync:twilio';

const runSchema = z.object({
  since: z.number().nullable(),
  until: z.number(),
  /** null: no page of this run is pushed yet. */
  pageUri: z.string().nullable(),
  pages: z.number().int().nonnegative(),
  pulled: z.number().int().nonnegative(),
});

const cursorSchema = z.object({
  v: z.literal(1),
  syncedUntil: z.number().nullable(),
  run: runSchema.nullable(),
});

export type SyncRun = z.infer<typeof runSchema>;
export type SyncCursor = z.infer<typeof cursorSchema>;

const EMPTY: SyncCursor = { v: 1, syncedUntil: null, run: null };

export async function loadSyncCursor(store: Store, tenant: string): Promise<SyncCursor> {
  const row = await store.db
    .selectFrom('cursors')
    .select('value')
    .where('tenant', '=', tenant)
    .where('name', '=', SYNC_CURSOR)
    .executeTakeFirst();
  if (!row) return EMPTY;
  const parsed = cursorSchema.safeParse(JSON.parse(row.value));
  // An unreadable cursor restarts from the overlap of nothing: a full pass, harmless because
  // every push is idempotent on the SID, merely slow.
  return parsed.success ? parsed.data : EMPTY;
}

export async function saveSyncCursor(
  store: Store,
  tenant: string,
  cursor: SyncCursor,
  nowMs: number,
): Promise<void> {
  const value = JSON.stringify(cursor);
  await store.db
    .insertInto('cursors')
    .values({ tenant, name: SYNC_CURSOR, value, updated_at: nowMs })
    .onConflict((oc) => oc.columns(['tenant', 'name']).doUpdateSet({ value, updated_at: nowMs }))
    .execute();
}

/** After a run completes: the high-water mark moves only when the run joined on to it. */
export function completeRun(cursor: SyncCursor, run: SyncRun): SyncCursor {
  const joins = cursor.syncedUntil === null || run.since === null || run.since <= cursor.syncedUntil;
  const syncedUntil = joins ? Math.max(cursor.syncedUntil ?? run.until, run.until) : cursor.syncedUntil;
  return { v: 1, syncedUntil, run: null };
}
