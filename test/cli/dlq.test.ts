import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messageRow } from '../../src/flows/message-row.js';
import { ManualClock } from '../../src/ops/clock.js';
import { Queue } from '../../src/queue/queue.js';
import { dialects, dialectTitle, type TestStore } from '../helpers/stores.js';
import { acusms, writeConfig } from '../ops/dlq-cli.js';

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`acusms dlq on ${dialectTitle(dialect)}`, () => {
    let t: TestStore;
    let config: ReturnType<typeof writeConfig>;
    let queue: Queue;
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 15, 0, 0));

    beforeEach(async () => {
      t = await dialect.open();
      config = writeConfig(t.url);
      queue = new Queue(t.store, { clock });
    });
    afterEach(async () => {
      config.cleanup();
      await t.cleanup();
    });

    const run = (...argv: string[]) => acusms([...argv, '--config', config.path]);

    /** A dead-lettered send whose ledger row is `dead`, as the worker leaves it. */
    async function deadSend(tenant = 'acme', at = clock.now()): Promise<{ id: string; messageId: string }> {
      const messageId = randomUUID();
      await t.store.db
        .insertInto('messages')
        .values(
          messageRow({
            id: messageId,
            tenant,
            direction: 'outbound',
            to_phone: '+13125550101',
            body: 'Hi',
            status: 'dead',
            error_code: 20003,
            created_at: at,
            updated_at: at,
          }),
        )
        .execute();
      clock.set(at);
      const id = await queue.deadLetter(t.store.db, {
        kind: 'send',
        tenant,
        payload: { messageId },
        error: 'twilio_credentials: Authenticate',
      });
      return { id, messageId };
    }

    it('lists waiting dead letters as a table and as JSON, filtered by tenant', async () => {
      const a = await deadSend('acme', Date.UTC(2026, 0, 5, 10));
      const b = await deadSend('acme', Date.UTC(2026, 0, 5, 11));
      const table = await run('dlq', 'list');
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^ID\s+CREATED\s+TENANT\s+KIND/);
      expect(table.stdout.indexOf(b.id)).toBeLessThan(table.stdout.indexOf(a.id)); // newest first
      expect(table.stdout).toContain('2 dead letter(s)');

      const json = await run('dlq', 'list', '--json', '--tenant', 'acme');
      expect(json.code).toBe(0);
      const doc = JSON.parse(json.stdout) as { items: Array<Record<string, unknown>> };
      expect(doc.items).toHaveLength(2);
      expect(doc.items[0]).toEqual({
        id: b.id,
        kind: 'send',
        tenant: 'acme',
        error: 'twilio_credentials: Authenticate',
        attempts: 0,
        payload: { messageId: b.messageId },
        createdAt: '2026-01-05T11:00:00.000Z',
        replayedAt: null,
        replayCount: 0,
      });
      expect((await run('dlq', 'list', '--tenant', 'nope')).code).toBe(2);
    });

    it('shows one dead letter; an unknown id exits 1 with a clear message', async () => {
      const { id, messageId } = await deadSend();
      const shown = await run('dlq', 'show', id);
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout)).toMatchObject({ id, payload: { messageId } });
      const missing = await run('dlq', 'show', 'no-such-id');
      expect(missing).toMatchObject({ code: 1, stdout: '' });
      expect(missing.stderr).toContain('no dead letter "no-such-id"');
    });

    it('replays one with a fresh attempt budget, audited; twice exits 1', async () => {
      const { id, messageId } = await deadSend();
      const replay = await run('dlq', 'replay', id);
      expect(replay.code).toBe(0);
      expect(replay.stdout).toMatch(
        new RegExp(`^replayed ${id} as job \\S+ \\(send, tenant acme, replay #1\\)`),
      );
      const audit = replay.stderr.split('\n').find((l) => l.includes('"audit":"dlq.replay"'));
      expect(JSON.parse(String(audit))).toMatchObject({
        audit: 'dlq.replay',
        deadLetterId: id,
        kind: 'send',
        tenant: 'acme',
      });

      const letter = await t.store.db
        .selectFrom('dead_letters')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(Number(letter.replay_count)).toBe(1);
      expect(letter.replayed_at).not.toBeNull();
      const [job] = await t.store.db.selectFrom('jobs').selectAll().execute();
      expect(job).toMatchObject({ kind: 'send', tenant: 'acme' });
      expect(Number(job?.attempts)).toBe(0);
      expect(JSON.parse(String(job?.payload))).toEqual({ messageId });
      const message = await t.store.db
        .selectFrom('messages')
        .select('status')
        .where('id', '=', messageId)
        .executeTakeFirstOrThrow();
      // The ledger keeps `dead` until a worker runs the replayed job (dlq-e2e.test.ts sends it).
      expect(message.status).toBe('dead');

      const twice = await run('dlq', 'replay', id);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toContain('already replayed');
      expect((await run('dlq', 'replay', 'no-such-id')).code).toBe(1);
      // A replayed letter leaves the default list but is still there with --include-replayed.
      expect((await run('dlq', 'list')).stdout).toBe('no dead letters\n');
      expect((await run('dlq', 'list', '--include-replayed')).stdout).toContain(id);
    });

    it('replays --all, optionally since an instant and for one tenant', async () => {
      const old = await deadSend('acme', Date.UTC(2026, 0, 1));
      const recent = await deadSend('acme', Date.UTC(2026, 0, 5));
      const newer = await deadSend('acme', Date.UTC(2026, 0, 6));
      const since = await run(
        'dlq',
        'replay',
        '--all',
        '--since',
        '2026-01-04T00:00:00Z',
        '--tenant',
        'acme',
      );
      expect(since.code).toBe(0);
      expect(since.stdout).toContain(`replayed ${recent.id}`);
      expect(since.stdout).toContain(`replayed ${newer.id}`);
      expect(since.stdout).not.toContain(old.id);
      expect(since.stdout).toContain('replayed 2 of 2 dead letter(s)');

      const rest = await run('dlq', 'replay', '--all');
      expect(rest.code).toBe(0);
      expect(rest.stdout).toContain(`replayed ${old.id}`);
      expect(rest.stdout).toContain('replayed 1 of 1');
      expect(await t.store.db.selectFrom('jobs').selectAll().execute()).toHaveLength(3);
      expect((await run('dlq', 'replay', '--all')).stdout).toContain('replayed 0 of 0');
    });

    it('discards one for good, audited; an unknown id exits 1', async () => {
      const { id } = await deadSend();
      const discarded = await run('dlq', 'discard', id);
      expect(discarded.code).toBe(0);
      expect(discarded.stdout).toBe(`discarded ${id} (send, tenant acme)\n`);
      expect(discarded.stderr).toContain('"audit":"dlq.discard"');
      expect(await t.store.db.selectFrom('dead_letters').selectAll().execute()).toHaveLength(0);
      expect((await run('dlq', 'discard', id)).code).toBe(1);
    });

    it('exits 2 on bad usage', async () => {
      const { id } = await deadSend();
      for (const argv of [
        ['dlq', 'replay'], // neither id nor --all
        ['dlq', 'replay', id, '--all'],
        ['dlq', 'replay', id, '--since', '2026-01-01T00:00:00Z'],
        ['dlq', 'replay', '--all', '--since', 'yesterday'],
        ['dlq', 'show'], // missing argument
        ['dlq', 'list', '--bogus'],
      ]) {
        const result = await run(...argv);
        expect(result.code, argv.join(' ')).toBe(2);
      }
      expect(await t.store.db.selectFrom('jobs').selectAll().execute()).toHaveLength(0);
    });
  });
}

describe('acusms dlq config errors', () => {
  it('exits 2 on an invalid config', async () => {
    const result = await acusms(['dlq', 'list', '--config', '/nonexistent/acusms.yaml']);
    expect(result.code).toBe(2);
  });
});
