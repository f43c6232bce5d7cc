import { sql } from 'kysely';
import type { RateLimitStore, SemaphoreStore } from '../ops/rate-limit.js';
import type { Store } from './db.js';

/** Rate-limit buckets as shared rows: every instance on one database shares one pace. */
export function sqlRateLimitStore(store: Store): RateLimitStore {
  const { db, adapter } = store;
  return {
    async reserve(key, intervalMs, cost, nowMs) {
      // Whole milliseconds: `tat` is a bigint, and rounding up never lets the pace exceed its limit
      // (100 req/min = 600 ms; 3 msg/s = 334 ms instead of 333.3).
      const step = Math.ceil(cost * intervalMs);
      // One upsert is the whole reservation: the row lock serialises concurrent callers, and
      // each gets the slot that starts where the previous reservation ended (or now).
      const row = await db
        .insertInto('rate_limits')
        .values({ key, tat: nowMs + step })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            tat: sql<number>`${adapter.greatest(sql.ref('rate_limits.tat'), sql.val(nowMs))} + ${step}`,
          }),
        )
        .returning('tat')
        .executeTakeFirstOrThrow();
      return Number(row.tat) - step;
    },
  };
}

export function sqlSemaphoreStore(store: Store): SemaphoreStore {
  const { db, adapter } = store;
  return {
    async tryAcquire(key, limit, holder, nowMs, leaseMs) {
      return db.transaction().execute(async (trx) => {
        await adapter.lockKey(trx, `semaphore:${key}`);
        await trx.deleteFrom('semaphores').where('key', '=', key).where('lease_until', '<=', nowMs).execute();
        const held = await trx
          .selectFrom('semaphores')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('key', '=', key)
          .executeTakeFirstOrThrow();
        if (Number(held.n) >= limit) return false;
        await trx
          .insertInto('semaphores')
          .values({ key, holder, lease_until: nowMs + leaseMs })
          .execute();
        return true;
      });
    },
    async release(key, holder) {
      await db.deleteFrom('semaphores').where('key', '=', key).where('holder', '=', holder).execute();
    },
  };
}
