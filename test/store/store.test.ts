import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../src/store/group-commit.js';
import { sqlRateLimitStore, sqlSemaphoreStore } from '../../src/store/limits.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { dialects, dialectTitle, type TestStore } from '../helpers/stores.js';

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`store on ${dialectTitle(dialect)}`, () => {
    let t: TestStore;
    // SQLite deployments are one process; "another instance" only exists on PostgreSQL.
    const otherInstance = async () => (dialect.name === 'postgres' ? t.reopen() : t.store);
    beforeEach(async () => {
      t = await dialect.open();
    });
    afterEach(async () => {
      await t.cleanup();
    });

    it('migrations are idempotent and a second instance sees the same schema', async () => {
      expect(await migrateToLatest(t.store.db, await t.store.migrationSchema())).toEqual([]);
      const other = await t.reopen();
      expect(await other.db.selectFrom('messages').selectAll().execute()).toEqual([]);
    });

    it.skipIf(dialect.name !== 'postgres')(
      'a stray schema with its own migration tables does not confuse ours',
      async () => {
        // `t` already holds kysely_migration tables in its schema; a new schema must still get its own.
        const fresh = await dialect.open();
        try {
          expect(await fresh.store.db.selectFrom('jobs').selectAll().execute()).toEqual([]);
          expect(await migrateToLatest(fresh.store.db, await fresh.store.migrationSchema())).toEqual([]);
        } finally {
          await fresh.cleanup();
        }
      },
    );

    it('group commit: concurrent writers share transactions and every write is durable', async () => {
      const committer = new GroupCommitter(t.store, async (trx, batch: readonly number[]) => {
        await trx
          .insertInto('push_events')
          .values(
            batch.map((n) => ({
              tenant: 'acme',
              company_id: 'c',
              query: 'q',
              event_id: String(n),
              received_at: n,
            })),
          )
          .execute();
        return batch.map((n) => n * 2);
      });
      const writers = 200;
      const submitted = Array.from({ length: writers }, (_, n) => committer.submit(n));
      // What stop() relies on: idle() settles only after everything submitted is committed.
      await committer.idle();
      expect(await t.store.db.selectFrom('push_events').select('event_id').execute()).toHaveLength(writers);
      const results = await Promise.all(submitted);
      expect(results).toEqual(Array.from({ length: writers }, (_, n) => n * 2));
      expect(committer.stats.items).toBe(writers);
      expect(committer.stats.transactions).toBeLessThan(writers);
      // Durable: a separate connection pool reads every row back.
      const other = await t.reopen();
      const rows = await other.db.selectFrom('push_events').select('event_id').execute();
      expect(rows).toHaveLength(writers);
    });

    it('group commit: one failing item fails alone', async () => {
      const committer = new GroupCommitter(t.store, async (trx, ids: readonly string[]) => {
        await trx
          .insertInto('push_events')
          .values(
            ids.map((id) => ({ tenant: 'acme', company_id: 'c', query: 'q', event_id: id, received_at: 1 })),
          )
          .execute();
        return ids.map(() => undefined);
      });
      const outcomes = await Promise.allSettled(['a', 'b', 'a', 'c'].map((id) => committer.submit(id)));
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      const rows = await t.store.db
        .selectFrom('push_events')
        .select('event_id')
        .orderBy('event_id')
        .execute();
      expect(rows.map((r) => r.event_id)).toEqual(['a', 'b', 'c']);
    });

    it('rate-limit reservations never overlap, across instances', async () => {
      const a = sqlRateLimitStore(t.store);
      const b = sqlRateLimitStore(await otherInstance());
      const now = 1_000_000;
      const starts = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).reserve('sender:+13125550100', 200, 1, now)),
      );
      const sorted = [...starts].sort((x, y) => x - y);
      expect(sorted).toEqual(Array.from({ length: 20 }, (_, i) => now + i * 200));
      // A three-unit reservation pushes the next one three slots out.
      const big = await a.reserve('k2', 100, 3, now);
      const next = await a.reserve('k2', 100, 1, now);
      expect(next - big).toBe(300);
      // Idle time is not banked: after a long pause the next start is "now", not in the past.
      expect(await a.reserve('k2', 100, 1, now + 60_000)).toBe(now + 60_000);
    });

    it('semaphore caps holders across instances and frees expired leases', async () => {
      const a = sqlSemaphoreStore(t.store);
      const b = sqlSemaphoreStore(await otherInstance());
      const now = 5_000;
      const tries = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).tryAcquire('acme', 2, `h${i}`, now, 10_000)),
      );
      expect(tries.filter(Boolean)).toHaveLength(2);
      const holder = `h${tries.indexOf(true)}`;
      await a.release('acme', holder);
      expect(await b.tryAcquire('acme', 2, 'late', now, 10_000)).toBe(true);
      expect(await b.tryAcquire('acme', 2, 'later', now, 10_000)).toBe(false);
      expect(await b.tryAcquire('acme', 2, 'after-expiry', now + 10_001, 10_000)).toBe(true);
    });

    it('the scheduler lock lets one instance run a schedule at a time', async () => {
      const other = (await otherInstance()).adapter;
      let acquired!: () => void;
      let release!: () => void;
      const isHeld = new Promise<void>((r) => {
        acquired = r;
      });
      const released = new Promise<void>((r) => {
        release = r;
      });
      const first = t.store.adapter.withSchedulerLock('reconcile', async () => {
        acquired();
        await released;
        return 'first';
      });
      await isHeld;
      expect(await other.withSchedulerLock('reconcile', async () => 'second')).toEqual({ ran: false });
      expect(await other.withSchedulerLock('sync', async () => 'other schedule')).toEqual({
        ran: true,
        value: 'other schedule',
      });
      release();
      expect(await first).toEqual({ ran: true, value: 'first' });
      expect(await other.withSchedulerLock('reconcile', async () => 'second')).toEqual({
        ran: true,
        value: 'second',
      });
    });
  });
}
