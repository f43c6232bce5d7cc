import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/context.js';
import { runProgram } from '../../src/cli/program.js';
import { registerReconcileCommand } from '../../src/cli/reconcile.js';
import { registerSyncCommand } from '../../src/cli/sync.js';
import type { Alert } from '../../src/ops/alert.js';
import { dialects, dialectTitle, type TestStore } from '../helpers/stores.js';
import { activitySids, openSyncApp, type Sims, seedHistory, startSims } from '../sync/helpers.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  alerts: Alert[];
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** The two commands with an app whose alerts are recorded, run with the CLI's own exit mapping. */
async function acusms(sims: Sims, dir: string, argv: string[]): Promise<Run> {
  const [out, err] = [sink(), sink()];
  const context = { env: {}, cwd: dir, stdout: out.stream, stderr: err.stream };
  const alerts: Alert[] = [];
  const deps = {
    openApp: async () => {
      const opened = await openSyncApp(sims.config);
      opened.app.context.alerts = {
        send: async (alert) => {
          alerts.push({ ...alert, at: new Date().toISOString() });
        },
      };
      return opened.app;
    },
  };
  const program = new Command('acusms')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.stream.write(s), writeErr: (s) => err.stream.write(s) });
  registerSyncCommand(program, context, deps);
  registerReconcileCommand(program, context, deps);
  const code = await runProgram(program, argv, context);
  return { code, stdout: out.text(), stderr: err.text(), alerts };
}

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`acusms sync / reconcile on ${dialectTitle(dialect)}`, () => {
    let t: TestStore;
    let sims: Sims;
    let dir: string;
    let configFile: string;
    let windowArgs: string[];
    beforeEach(async () => {
      t = await dialect.open();
      sims = await startSims(t);
      dir = mkdtempSync(join(tmpdir(), 'acusms-cli-'));
      configFile = join(dir, 'acusms.yaml');
      // JSON is YAML: the loader reads it as the operator's file.
      writeFileSync(configFile, JSON.stringify(sims.tree));
      windowArgs = [
        '--since',
        new Date(Date.now() - 3_600_000).toISOString(),
        '--until',
        new Date(Date.now() + 3_600_000).toISOString(),
      ];
    });
    afterEach(async () => {
      await sims.stop();
      await t.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('--dry-run reports what it would write and writes nothing', async () => {
      await seedHistory(sims, { inbound: 15, outbound: 5, strangers: 2 });
      const run = await acusms(sims, dir, ['sync', '--config', configFile, '--dry-run', ...windowArgs]);
      expect(run.code).toBe(EXIT.ok);
      expect(run.stdout).toContain('dry run:');
      expect(run.stdout).toContain('pulled 22, would push 20, skipped 0, unmatched 2');
      const { db } = t.store;
      // (The phone index refresh the test app runs at start-up keeps its own cursor row.)
      const cursor = await db
        .selectFrom('cursors')
        .select('name')
        .where('name', '=', 'sync:twilio')
        .execute();
      expect(cursor).toHaveLength(0);
      for (const table of ['messages', 'push_log', 'reconciliations'] as const) {
        const row = await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        expect(Number(row.n), table).toBe(0);
      }
      expect(activitySids(sims)).toHaveLength(0);
    });

    it('reconcile finds 5 deleted Activities, alerts once, --fix restores them, then it is in balance', async () => {
      await seedHistory(sims, { inbound: 40, outbound: 10, strangers: 3 });
      const synced = await acusms(sims, dir, ['sync', '--config', configFile, ...windowArgs]);
      expect(synced.code).toBe(EXIT.ok);
      expect(synced.stdout).toContain('pulled 53, pushed 50, skipped 0, unmatched 3, failed 0');

      const { app, erp } = await openSyncApp(sims.config);
      const written = await app.store.db
        .selectFrom('messages')
        .select(['twilio_sid', 'acumatica_id'])
        .where('acumatica_id', 'is not', null)
        .orderBy('twilio_sid')
        .limit(5)
        .execute();
      for (const row of written) await erp.gateway.entities.delete('Activity', row.acumatica_id!);
      await app.stop();
      const deleted = written.map((r) => r.twilio_sid).sort();
      expect(activitySids(sims)).toHaveLength(45);

      const found = await acusms(sims, dir, ['reconcile', '--config', configFile, '--json', ...windowArgs]);
      expect(found.code).toBe(EXIT.failure);
      const report = JSON.parse(found.stdout);
      expect(found.stdout.trim().split('\n')).toHaveLength(1);
      expect(report).toMatchObject({
        sourceCount: 53,
        ledgerCount: 53,
        destinationCount: 45,
        unmatched: 3,
        repaired: 0,
        left: 5,
        inBalance: false,
      });
      expect([...report.missing].sort()).toEqual(deleted);
      expect(found.stderr).toContain('MISMATCH');
      expect(found.alerts).toHaveLength(1);
      expect(found.alerts[0]).toMatchObject({ type: 'reconcile_mismatch', tenant: 'acme' });
      expect([...(found.alerts[0]!.details.missing as string[])].sort()).toEqual(deleted);

      const fixed = await acusms(sims, dir, [
        'reconcile',
        '--config',
        configFile,
        '--fix',
        '--json',
        ...windowArgs,
      ]);
      expect(fixed.code).toBe(EXIT.ok);
      expect(JSON.parse(fixed.stdout)).toMatchObject({ repaired: 5, left: 0, inBalance: true });
      const sids = activitySids(sims);
      expect(sids).toHaveLength(50);
      expect(new Set(sids).size).toBe(50);

      const balanced = await acusms(sims, dir, [
        'reconcile',
        '--config',
        configFile,
        '--json',
        ...windowArgs,
      ]);
      expect(balanced.code).toBe(EXIT.ok);
      expect(JSON.parse(balanced.stdout)).toMatchObject({
        missing: [],
        destinationCount: 50,
        inBalance: true,
      });
      expect(balanced.alerts).toHaveLength(0);

      const stored = await t.store.db
        .selectFrom('reconciliations')
        .selectAll()
        .orderBy('created_at')
        .execute();
      expect(stored.map((r) => [JSON.parse(r.missing).length, Number(r.repaired)])).toEqual([
        [5, 0],
        [5, 5],
        [0, 0],
      ]);
    });

    it('bad usage exits 2 and says why', async () => {
      const badDate = await acusms(sims, dir, ['sync', '--config', configFile, '--since', 'yesterday']);
      expect(badDate).toMatchObject({ code: EXIT.usage });
      expect(badDate.stderr).toContain('--since "yesterday" is not an ISO 8601 date');
      const badTenant = await acusms(sims, dir, ['reconcile', '--config', configFile, '--tenant', 'nope']);
      expect(badTenant).toMatchObject({ code: EXIT.usage });
      expect(badTenant.stderr).toContain('no tenant "nope"');
      const reversed = await acusms(sims, dir, [
        'reconcile',
        '--config',
        configFile,
        '--since',
        '2026-01-02T00:00:00Z',
        '--until',
        '2026-01-01T00:00:00Z',
      ]);
      expect(reversed.code).toBe(EXIT.usage);
      const unknownFlag = await acusms(sims, dir, ['sync', '--config', configFile, '--everything']);
      expect(unknownFlag.code).toBe(EXIT.usage);
    });
  });
}
