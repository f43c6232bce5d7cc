import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErpGateway } from '../../src/flows/ports.js';
import { runSync, type SyncProgress } from '../../src/flows/sync.js';
import { loadSyncCursor } from '../../src/flows/sync-cursor.js';
import { dialects, dialectTitle, type TestStore } from '../helpers/stores.js';
import {
  activitySids,
  openSyncApp,
  type Sims,
  type SyncApp,
  seedHistory,
  startSims,
  wideWindow,
} from './helpers.js';

const TOTAL = 10_000;

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`sync of ${TOTAL} messages on ${dialectTitle(dialect)}`, () => {
    let t: TestStore;
    let sims: Sims;
    const apps: SyncApp[] = [];
    beforeEach(async () => {
      t = await dialect.open();
      sims = await startSims(t);
    });
    afterEach(async () => {
      for (const a of apps.splice(0)) await a.app.stop();
      await sims.stop();
      await t.cleanup();
    });

    it('killed mid-page, resumed: exactly one Activity per message; a second sync writes nothing', async () => {
      await seedHistory(sims, { inbound: TOTAL - 1000, outbound: 1000 });
      const { since, until } = wideWindow();

      // Run 1 dies after 3,050 writes: in the middle of page 31, with writes in flight.
      const crash = new AbortController();
      let writes = 0;
      const first = await openSyncApp(sims.config, {
        wrapErp: (erp): ErpGateway => ({
          ...erp,
          writeActivity: (a) => {
            writes += 1;
            if (writes === 3050) crash.abort(new Error('simulated crash'));
            return erp.writeActivity(a);
          },
        }),
      });
      apps.push(first);
      const started = Date.now();
      await expect(
        runSync(first.app.context, { tenant: 'acme', since, until, signal: crash.signal }),
      ).rejects.toThrow();
      const cursor = await loadSyncCursor(first.app.store, 'acme');
      expect(cursor.run?.pages).toBe(30);
      expect(cursor.syncedUntil).toBeNull();
      await first.app.stop();
      apps.splice(0);

      // Run 2, a fresh process on the same database: no window given, so it resumes the run.
      const second = await openSyncApp(sims.config);
      apps.push(second);
      const seen: SyncProgress[] = [];
      const report = await runSync(second.app.context, {
        tenant: 'acme',
        reporter: { onProgress: (p) => seen.push(p) },
      });
      const elapsedMs = Date.now() - started;
      expect(report.resumed).toBe(true);
      expect(report.pulled).toBe(TOTAL - 3000);
      expect(report.failed).toBe(0);
      const sids = activitySids(sims);
      expect(sids).toHaveLength(TOTAL);
      expect(new Set(sids).size).toBe(TOTAL);
      expect(seen.at(-1)).toMatchObject({ pulled: TOTAL - 3000, failed: 0 });
      expect((await loadSyncCursor(second.app.store, 'acme')).syncedUntil).toBe(until.getTime());

      const ledger = await second.app.store.db
        .selectFrom('messages')
        .select((eb) => [
          eb.fn.countAll<number>().as('rows'),
          eb.fn.count<number>('acumatica_id').as('written'),
        ])
        .executeTakeFirstOrThrow();
      expect(Number(ledger.rows)).toBe(TOTAL);
      expect(Number(ledger.written)).toBe(TOTAL);

      const again = await runSync(second.app.context, { tenant: 'acme', since, until });
      expect(again).toMatchObject({ pulled: TOTAL, pushed: 0, skipped: TOTAL });
      expect(activitySids(sims)).toHaveLength(TOTAL);
      // Measured, not asserted (no timing assertions): see the report.
      console.log(`[${dialect.name}] ${TOTAL} messages synced with a crash and a resume in ${elapsedMs} ms`);
    }, 240_000);
  });
}
