import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AcusmsError } from '../../src/errors.js';
import { ManualClock, systemClock } from '../../src/ops/clock.js';
import { LeaseLostError, Queue } from '../../src/queue/queue.js';
import { createWorker } from '../../src/queue/worker.js';
import { silentLogger } from '../helpers/logger.js';
import { dialects, dialectTitle, type TestStore } from '../helpers/stores.js';
import { waitFor } from '../helpers/wait.js';

const transient = () => new AcusmsError('upstream_unavailable', 'HTTP 503', { retryable: true });
const permanent = () =>
  new AcusmsError('invalid_number', 'To is not a valid phone number', { retryable: false });

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`queue on ${dialectTitle(dialect)}`, () => {
    let t: TestStore;
    let clock: ManualClock;
    let queue: Queue;

    beforeEach(async () => {
      t = await dialect.open();
      clock = new ManualClock();
      queue = new Queue(t.store, { clock, leaseMs: 30_000, random: () => 1 });
    });
    afterEach(async () => {
      await t.cleanup();
    });

    it('enqueues nothing when the surrounding transaction rolls back', async () => {
      await expect(
        t.store.db.transaction().execute(async (trx) => {
          await queue.enqueue(trx, { kind: 'send', payload: { n: 1 } });
          throw new Error('boom after enqueue');
        }),
      ).rejects.toThrow('boom after enqueue');
      expect(await queue.depth()).toEqual({});
      expect(await queue.claim('send', 'w1', 10)).toEqual([]);
    });

    it('keeps one pending job per dedupe key', async () => {
      const first = await queue.enqueue(t.store.db, { kind: 'send', payload: 1, dedupeKey: 'msg-1' });
      const second = await queue.enqueue(t.store.db, { kind: 'send', payload: 2, dedupeKey: 'msg-1' });
      expect(first).toBeTypeOf('string');
      expect(second).toBeUndefined();
      const claimed = await queue.claim('send', 'w1', 10);
      expect(claimed.map((j) => j.payload)).toEqual([1]);
    });

    it('does not hand out a job before its run_at', async () => {
      await queue.enqueue(t.store.db, { kind: 'send', payload: 1, runAt: clock.now() + 5_000 });
      expect(await queue.claim('send', 'w1', 1)).toHaveLength(0);
      await clock.advance(5_000);
      expect(await queue.claim('send', 'w1', 1)).toHaveLength(1);
    });

    it('runs a job again when its claimer dies, and refuses complete/fail from a non-holder', async () => {
      await queue.enqueue(t.store.db, { kind: 'send', payload: 'x' });
      const [first] = await queue.claim('send', 'dead-worker', 1);
      expect(first?.attempt).toBe(1);
      // Lease still held: nobody else gets it.
      expect(await queue.claim('send', 'w2', 1)).toHaveLength(0);
      await clock.advance(30_001);
      const [again] = await queue.claim('send', 'w2', 1);
      expect(again?.id).toBe(first?.id);
      expect(again?.attempt).toBe(2);
      await expect(queue.complete(first!, 'dead-worker')).rejects.toBeInstanceOf(LeaseLostError);
      await expect(queue.fail(first!, 'dead-worker', transient())).rejects.toBeInstanceOf(LeaseLostError);
      await queue.complete(again!, 'w2');
      expect(await queue.depth()).toEqual({});
    });

    it('retries with capped exponential backoff, then dead-letters with the reason', async () => {
      await queue.enqueue(t.store.db, { kind: 'send', tenant: 'acme', payload: { to: '+13125550142' } });
      // random() = 1 gives each cap exactly: 10 s, 20 s, 40 s … capped at 20 min.
      const expected = [10, 20, 40, 80, 160, 320, 640, 1200, 1200].map((s) => s * 1000);
      const seen: number[] = [];
      for (let attempt = 1; attempt <= 10; attempt++) {
        const [job] = await queue.claim('send', 'w1', 1);
        expect(job?.attempt).toBe(attempt);
        const outcome = await queue.fail(job!, 'w1', transient());
        if (outcome.outcome === 'retry') {
          const delay = outcome.runAt - clock.now();
          seen.push(delay);
          await clock.advance(delay - 1);
          expect(await queue.claim('send', 'w1', 1)).toHaveLength(0);
          await clock.advance(1);
        } else {
          expect(attempt).toBe(10);
        }
      }
      expect(seen).toEqual(expected);
      expect(seen.reduce((a, b) => a + b, 0)).toBeLessThan(65 * 60_000);
      const letters = await t.store.db.selectFrom('dead_letters').selectAll().execute();
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ kind: 'send', tenant: 'acme', attempts: 10 });
      expect(letters[0]?.error).toContain('gave up after 10 attempts');
      expect(letters[0]?.error).toContain('HTTP 503');
      expect(JSON.parse(letters[0]!.payload)).toEqual({ to: '+13125550142' });
    });

    it('honours Retry-After when it is longer than the backoff', async () => {
      await queue.enqueue(t.store.db, { kind: 'send', payload: 1 });
      const [job] = await queue.claim('send', 'w1', 1);
      const error = new AcusmsError('rate_limited', '429', { retryable: true, retryAfterMs: 90_000 });
      const outcome = await queue.fail(job!, 'w1', error);
      expect(outcome).toEqual({ outcome: 'retry', runAt: clock.now() + 90_000 });
    });

    it('dead-letters a permanent error at once', async () => {
      await queue.enqueue(t.store.db, { kind: 'send', payload: 1 });
      const [job] = await queue.claim('send', 'w1', 1);
      const outcome = await queue.fail(job!, 'w1', permanent());
      expect(outcome.outcome).toBe('dead');
      const letters = await t.store.db.selectFrom('dead_letters').selectAll().execute();
      expect(letters[0]?.error).toBe('invalid_number: To is not a valid phone number');
      expect(letters[0]?.attempts).toBe(1);
    });

    it('replays a dead letter with a fresh attempt budget, once', async () => {
      await queue.enqueue(t.store.db, { kind: 'send', payload: { a: 1 } });
      const [job] = await queue.claim('send', 'w1', 1);
      const outcome = await queue.fail(job!, 'w1', permanent());
      if (outcome.outcome !== 'dead') throw new Error('expected a dead letter');
      expect(await queue.replayDeadLetter(outcome.deadLetterId)).toBeTypeOf('string');
      expect(await queue.replayDeadLetter(outcome.deadLetterId)).toBeUndefined();
      const [replayed] = await queue.claim('send', 'w1', 1);
      expect(replayed).toMatchObject({ payload: { a: 1 }, attempt: 1 });
    });

    it('reaps a job whose worker died on its last attempt into the dead letters', async () => {
      await queue.enqueue(t.store.db, { kind: 'send', payload: 1, maxAttempts: 1 });
      await queue.claim('send', 'crashy', 1);
      await clock.advance(30_001);
      expect(await queue.reapExpiredLeases()).toEqual({ freed: 0, dead: 1 });
      const letters = await t.store.db.selectFrom('dead_letters').selectAll().execute();
      expect(letters[0]?.error).toContain('lease expired');
      expect(await queue.depth()).toEqual({});
    });

    it('a worker drains its running jobs on stop, and stop is idempotent', async () => {
      const realQueue = new Queue(t.store, { clock: systemClock });
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const done: unknown[] = [];
      const worker = createWorker({
        queue: realQueue,
        logger: silentLogger,
        pollIntervalMs: 5,
        handlers: {
          slow: {
            run: async (job) => {
              await gate;
              done.push(job.payload);
            },
          },
        },
      });
      worker.start();
      await realQueue.enqueue(t.store.db, { kind: 'slow', payload: 'drained' });
      await waitFor(
        async () => (await t.store.db.selectFrom('jobs').select('locked_by').executeTakeFirst())?.locked_by,
      );
      const stop1 = worker.stop();
      const stop2 = worker.stop();
      release();
      await Promise.all([stop1, stop2]);
      expect(done).toEqual(['drained']);
      expect(await realQueue.depth()).toEqual({});
    });

    it('stop gives up on a job stuck past the grace period; its lease brings it back', async () => {
      const realQueue = new Queue(t.store, { clock: systemClock, leaseMs: 60_000 });
      const worker = createWorker({
        queue: realQueue,
        logger: silentLogger,
        pollIntervalMs: 5,
        handlers: { stuck: { run: () => new Promise(() => undefined) } },
      });
      worker.start();
      await realQueue.enqueue(t.store.db, { kind: 'stuck', payload: null });
      await waitFor(
        async () => (await t.store.db.selectFrom('jobs').select('locked_by').executeTakeFirst())?.locked_by,
      );
      await worker.stop({ graceMs: 20 });
      const [job] = await t.store.db.selectFrom('jobs').selectAll().execute();
      expect(job?.locked_by).toBe(worker.id);
      expect(Number(job?.lease_until)).toBeGreaterThan(Date.now());
    });

    it('1,000 jobs across 4 concurrent claimers each run exactly once', async () => {
      const runs = new Map<number, number>();
      const stores = [t.store, await t.reopen(), await t.reopen(), await t.reopen()];
      const queues = stores.map((s) => new Queue(s, { clock: systemClock }));
      await t.store.db.transaction().execute(async (trx) => {
        for (let n = 0; n < 1000; n++) await queues[0]!.enqueue(trx, { kind: 'count', payload: n });
      });
      const workers = queues.map((q) =>
        createWorker({
          queue: q,
          logger: silentLogger,
          pollIntervalMs: 5,
          handlers: {
            count: {
              concurrency: 4,
              run: async (job) => {
                const n = job.payload as number;
                runs.set(n, (runs.get(n) ?? 0) + 1);
              },
            },
          },
        }),
      );
      for (const w of workers) w.start();
      await waitFor(async () => Object.keys(await queues[0]!.depth()).length === 0, {
        timeoutMs: 60_000,
        what: 'queue to drain',
      });
      await Promise.all(workers.map((w) => w.stop()));
      expect(runs.size).toBe(1000);
      expect([...runs.values()].every((count) => count === 1)).toBe(true);
    });
  });
}
