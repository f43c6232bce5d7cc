import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSync } from '../../src/flows/sync.js';
import { registerPushLogRoutes } from '../../src/http/admin-push-log.js';
import { ManualClock } from '../../src/ops/clock.js';
import { purgePushLog, sqlPushLog } from '../../src/store/push-log.js';
import { dialects, dialectTitle, type TestStore } from '../helpers/stores.js';
import { openSyncApp, type Sims, type SyncApp, seedHistory, startSims, wideWindow } from './helpers.js';

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`push log on ${dialectTitle(dialect)}`, () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await dialect.open();
    });
    afterEach(async () => {
      await t.cleanup();
    });

    describe('through a sync', () => {
      let sims: Sims;
      let opened: SyncApp;
      beforeEach(async () => {
        sims = await startSims(t);
        opened = await openSyncApp(sims.config);
      });
      afterEach(async () => {
        await opened.app.stop();
        await sims.stop();
      });

      it('logs every Activity write with source, Acumatica id, status, attempt and duration; the API pages it', async () => {
        await seedHistory(sims, { inbound: 6, outbound: 2 });
        const report = await runSync(opened.app.context, { tenant: 'acme', ...wideWindow() });
        expect(report.pushed).toBe(8);
        const { db } = opened.app.store;
        const rows = await db.selectFrom('push_log').selectAll().execute();
        const ledger = await db.selectFrom('messages').select(['twilio_sid', 'acumatica_id']).execute();
        expect(rows).toHaveLength(8);
        for (const row of rows) {
          expect(row).toMatchObject({ tenant: 'acme', target: 'acumatica', operation: 'activity.put' });
          expect(Number(row.response_code)).toBe(200);
          expect(Number(row.attempt)).toBe(1);
          expect(Number(row.duration_ms)).toBeGreaterThanOrEqual(0);
          expect(row.acumatica_id).toBe(ledger.find((m) => m.twilio_sid === row.source_id)?.acumatica_id);
        }

        const server = Fastify();
        registerPushLogRoutes(server, opened.app.context);
        const first = await server.inject({ url: '/api/push-log?tenant=acme&limit=5' });
        expect(first.statusCode).toBe(200);
        const page1 = first.json() as { items: Array<{ sourceId: string }>; nextCursor: string | null };
        expect(page1.items).toHaveLength(5);
        const second = await server.inject({
          url: `/api/push-log?tenant=acme&limit=5&cursor=${page1.nextCursor}`,
        });
        const page2 = second.json() as { items: Array<{ sourceId: string }>; nextCursor: string | null };
        expect(page2.items).toHaveLength(3);
        expect(page2.nextCursor).toBeNull();
        const all = [...page1.items, ...page2.items].map((i) => i.sourceId);
        expect(new Set(all).size).toBe(8);
        const one = await server.inject({ url: `/api/push-log?sourceId=${all[0]}` });
        expect(one.json()).toMatchObject({ items: [{ sourceId: all[0], responseCode: 200, attempt: 1 }] });
        expect((await server.inject({ url: '/api/push-log?tenant=nobody' })).statusCode).toBe(404);
        await server.close();
      });
    });

    it('counts attempts per source and operation, and the purge keeps only the retention window', async () => {
      const clock = new ManualClock(Date.UTC(2026, 0, 10));
      const log = sqlPushLog(t.store);
      const base = { tenant: 'acme', target: 'acumatica', operation: 'activity.put', durationMs: 3 };
      const sid = `SM${'a'.repeat(32)}`;
      await log.record({
        ...base,
        sourceId: sid,
        acumaticaId: null,
        at: clock.now() - 40 * 86_400_000,
        responseCode: null,
      });
      await log.record({
        ...base,
        sourceId: sid,
        acumaticaId: null,
        at: clock.now() - 86_400_000,
        responseCode: 429,
      });
      await log.record({ ...base, sourceId: sid, acumaticaId: 'x-1', at: clock.now(), responseCode: 200 });
      const attempts = await t.store.db
        .selectFrom('push_log')
        .select(['attempt', 'response_code'])
        .orderBy('at')
        .execute();
      expect(
        attempts.map((a) => [Number(a.attempt), a.response_code === null ? null : Number(a.response_code)]),
      ).toEqual([
        [1, null],
        [2, 429],
        [3, 200],
      ]);
      expect(await purgePushLog(t.store, clock, 30)).toBe(1);
      const left = await t.store.db.selectFrom('push_log').select('attempt').execute();
      expect(left).toHaveLength(2);
    });
  });
}
