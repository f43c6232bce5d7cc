import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { AcusmsError, isRetryable, retryAfterMsOf } from '../errors.js';
import type { Clock } from '../ops/clock.js';
import type { Store } from '../store/db.js';
import type { Database, JobRow } from '../store/schema.js';
import { backoffDelayMs, defaultRetryPolicy, type RetryPolicy } from './backoff.js';

export interface EnqueueSpec {
  kind: string;
  tenant?: string | null;
  payload: unknown;
  /** Epoch ms; default now. */
  runAt?: number;
  /** When set, enqueueing the same key twice leaves one job (the first). */
  dedupeKey?: string;
  maxAttempts?: number;
}

export interface Job {
  id: string;
  kind: string;
  tenant: string | null;
  payload: unknown;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  runAt: number;
  leaseUntil: number;
  createdAt: number;
  dedupeKey: string | null;
}

export type FailOutcome = { outcome: 'retry'; runAt: number } | { outcome: 'dead'; deadLetterId: string };

/** The lease was lost (expired and taken by another worker, or the job is gone). */
export class LeaseLostError extends AcusmsError {
  constructor(jobId: string) {
    super('lease_lost', `job ${jobId} is no longer held by this worker`);
  }
}

export interface QueueOptions {
  clock: Clock;
  /** Per-kind retry policies; kinds without one use `defaultRetryPolicy`. */
  policies?: Record<string, Partial<RetryPolicy>>;
  /** How long a claim holds a job before another worker may take it. Default 60 000. */
  leaseMs?: number;
  random?: () => number;
  /** Told after every enqueue commits in this process, so idle workers wake at once. */
  onEnqueue?: (kind: string) => void;
}

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * The outbox. Each state change is one statement guarded by `locked_by = me`, so only the
 * lease holder can complete or fail a job (graphile-worker's rule), and a crashed worker's jobs
 * come back once their lease expires.
 */
export class Queue {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #policies: Record<string, Partial<RetryPolicy>>;
  readonly #leaseMs: number;
  readonly #random: () => number;
  readonly #onEnqueue: ((kind: string) => void) | undefined;

  constructor(store: Store, options: QueueOptions) {
    this.#store = store;
    this.#clock = options.clock;
    this.#policies = options.policies ?? {};
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#random = options.random ?? Math.random;
    this.#onEnqueue = options.onEnqueue;
  }

  get leaseMs(): number {
    return this.#leaseMs;
  }

  policy(kind: string): RetryPolicy {
    return { ...defaultRetryPolicy, ...this.#policies[kind] };
  }

  /**
   * Adds a job inside the caller's transaction: it exists exactly when the caller's writes do.
   * Returns the job id, or undefined when `dedupeKey` already had a job.
   */
  async enqueue(trx: Executor, spec: EnqueueSpec): Promise<string | undefined> {
    const [id] = await this.enqueueMany(trx, [spec]);
    return id;
  }

  /** `enqueue` for many jobs in one statement; answers per spec, in order. */
  async enqueueMany(trx: Executor, specs: readonly EnqueueSpec[]): Promise<(string | undefined)[]> {
    if (specs.length === 0) return [];
    const now = this.#clock.now();
    const rows = specs.map((spec) => ({
      id: randomUUID(),
      kind: spec.kind,
      tenant: spec.tenant ?? null,
      payload: JSON.stringify(spec.payload ?? null),
      run_at: spec.runAt ?? now,
      max_attempts: spec.maxAttempts ?? this.policy(spec.kind).maxAttempts,
      lease_until: null,
      locked_by: null,
      last_error: null,
      dedupe_key: spec.dedupeKey ?? null,
      created_at: now,
    }));
    // DO NOTHING also skips a second row with the same dedupe key inside this one statement.
    const inserted = await trx
      .insertInto('jobs')
      .values(rows)
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .execute();
    const ids = new Set(inserted.map((r) => r.id));
    for (const kind of new Set(rows.filter((r) => ids.has(r.id)).map((r) => r.kind))) this.#onEnqueue?.(kind);
    return rows.map((r) => (ids.has(r.id) ? r.id : undefined));
  }

  /** Takes up to `limit` due jobs of `kind` for `workerId`, each under a fresh lease. */
  async claim(kind: string, workerId: string, limit: number): Promise<Job[]> {
    const now = this.#clock.now();
    const leaseUntil = now + this.#leaseMs;
    const { db, adapter } = this.#store;
    // Due and not leased (or the lease expired: its holder died or stalled).
    let due = db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', kind)
      .where('run_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('run_at')
      .orderBy('id')
      .limit(limit);
    if (adapter.supportsSkipLocked) due = due.forUpdate().skipLocked();
    const rows = await db
      .updateTable('jobs')
      .set((eb) => ({
        locked_by: workerId,
        lease_until: leaseUntil,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', 'in', due)
      .returningAll()
      .execute();
    return rows.map((row) => toJob(row)).sort((a, b) => a.runAt - b.runAt);
  }

  /** Pushes the lease forward for a long job; throws LeaseLostError if it was lost. */
  async extendLease(job: Job, workerId: string): Promise<void> {
    const leaseUntil = this.#clock.now() + this.#leaseMs;
    const result = await this.#store.db
      .updateTable('jobs')
      .set({ lease_until: leaseUntil })
      .where('id', '=', job.id)
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new LeaseLostError(job.id);
    job.leaseUntil = leaseUntil;
  }

  /** Puts a job back until `runAt` without spending an attempt (e.g. quiet hours). */
  async defer(job: Job, workerId: string, runAt: number): Promise<void> {
    const result = await this.#store.db
      .updateTable('jobs')
      .set((eb) => ({ run_at: runAt, locked_by: null, lease_until: null, attempts: eb('attempts', '-', 1) }))
      .where('id', '=', job.id)
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new LeaseLostError(job.id);
  }

  /** Removes a finished job. Optional `trx` lets the handler commit its own writes with it. */
  async complete(job: Job, workerId: string, trx?: Executor): Promise<void> {
    const result = await (trx ?? this.#store.db)
      .deleteFrom('jobs')
      .where('id', '=', job.id)
      .where('locked_by', '=', workerId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw new LeaseLostError(job.id);
  }

  /**
   * Records a failed attempt: retryable errors with attempts left come back after a backoff;
   * anything else becomes a dead letter carrying the reason.
   */
  async fail(job: Job, workerId: string, error: unknown): Promise<FailOutcome> {
    const message = describeError(error);
    const policy = this.policy(job.kind);
    const now = this.#clock.now();
    if (isRetryable(error) && job.attempt < job.maxAttempts) {
      const runAt = now + backoffDelayMs(policy, job.attempt, this.#random, retryAfterMsOf(error));
      const result = await this.#store.db
        .updateTable('jobs')
        .set({ run_at: runAt, locked_by: null, lease_until: null, last_error: message })
        .where('id', '=', job.id)
        .where('locked_by', '=', workerId)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new LeaseLostError(job.id);
      return { outcome: 'retry', runAt };
    }
    const reason = isRetryable(error) ? `gave up after ${job.attempt} attempts: ${message}` : message;
    const deadLetterId = await this.#store.db.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('jobs')
        .where('id', '=', job.id)
        .where('locked_by', '=', workerId)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) throw new LeaseLostError(job.id);
      return this.#insertDeadLetter(trx, job, reason, now);
    });
    return { outcome: 'dead', deadLetterId };
  }

  /**
   * Frees leases that expired. Jobs whose holder died on their last allowed attempt become dead
   * letters here: a job that crashes its worker every time must not loop forever.
   * Returns how many leases were freed and how many jobs were dead-lettered.
   */
  async reapExpiredLeases(): Promise<{ freed: number; dead: number }> {
    const now = this.#clock.now();
    return this.#store.db.transaction().execute(async (trx) => {
      const exhausted = await trx
        .selectFrom('jobs')
        .selectAll()
        .where('lease_until', '<', now)
        .whereRef('attempts', '>=', 'max_attempts')
        .execute();
      for (const row of exhausted) {
        const job = toJob(row);
        await trx
          .deleteFrom('jobs')
          .where('id', '=', row.id)
          .where('lease_until', '=', row.lease_until)
          .execute();
        await this.#insertDeadLetter(
          trx,
          job,
          `worker lost the job on attempt ${job.attempt} (lease expired)`,
          now,
        );
      }
      const freed = await trx
        .updateTable('jobs')
        .set({ locked_by: null, lease_until: null, last_error: 'lease expired' })
        .where('lease_until', '<', now)
        .executeTakeFirst();
      return { freed: Number(freed.numUpdatedRows), dead: exhausted.length };
    });
  }

  /** Jobs waiting or running, per kind. */
  async depth(): Promise<Record<string, number>> {
    const rows = await this.#store.db
      .selectFrom('jobs')
      .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('kind')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
  }

  /** Puts a dead letter back on the queue with a fresh attempt budget. */
  async replayDeadLetter(id: string): Promise<string | undefined> {
    const now = this.#clock.now();
    return this.#store.db.transaction().execute(async (trx) => {
      const letter = await trx.selectFrom('dead_letters').selectAll().where('id', '=', id).executeTakeFirst();
      if (!letter || letter.replayed_at !== null) return undefined;
      await trx
        .updateTable('dead_letters')
        .set((eb) => ({ replayed_at: now, replay_count: eb('replay_count', '+', 1) }))
        .where('id', '=', id)
        .execute();
      return this.enqueue(trx, {
        kind: letter.kind,
        tenant: letter.tenant,
        payload: JSON.parse(letter.payload) as unknown,
        runAt: now,
        ...(letter.dedupe_key ? { dedupeKey: letter.dedupe_key } : {}),
      });
    });
  }

  /** Records work that cannot be done as a dead letter directly (no job ran), e.g. a bad event. */
  async deadLetter(
    trx: Executor,
    letter: { kind: string; tenant: string | null; payload: unknown; error: string },
  ): Promise<string> {
    const now = this.#clock.now();
    const job: Job = {
      id: '',
      kind: letter.kind,
      tenant: letter.tenant,
      payload: letter.payload,
      attempt: 0,
      maxAttempts: 0,
      runAt: now,
      leaseUntil: 0,
      createdAt: now,
      dedupeKey: null,
    };
    return this.#insertDeadLetter(trx, job, letter.error, now);
  }

  async #insertDeadLetter(trx: Executor, job: Job, reason: string, now: number): Promise<string> {
    const id = randomUUID();
    await trx
      .insertInto('dead_letters')
      .values({
        id,
        kind: job.kind,
        tenant: job.tenant,
        error: reason,
        attempts: job.attempt,
        payload: JSON.stringify(job.payload),
        dedupe_key: job.dedupeKey,
        created_at: now,
        replayed_at: null,
      })
      .execute();
    return id;
  }
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    tenant: row.tenant,
    payload: JSON.parse(row.payload) as unknown,
    attempt: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAt: Number(row.run_at),
    leaseUntil: Number(row.lease_until),
    createdAt: Number(row.created_at),
    dedupeKey: row.dedupe_key,
  };
}

function describeError(error: unknown): string {
  if (error instanceof AcusmsError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
