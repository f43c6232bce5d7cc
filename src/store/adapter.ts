import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * What differs between SQLite and PostgreSQL, in one place. Callers ask for a capability;
 * they never test which database they run on.
 */
export interface DialectAdapter {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * PostgreSQL: claimers skip rows another transaction holds (`FOR UPDATE SKIP LOCKED`).
   * SQLite has one writer at a time, so plain `UPDATE … RETURNING` is already exclusive.
   */
  readonly supportsSkipLocked: boolean;
  /** Serialises every transaction that locks the same `key`, until this one ends. */
  lockKey(trx: Transaction<Database>, key: string): Promise<void>;
  /**
   * Runs `fn` only where this process holds the scheduler lock `name` (one instance runs each
   * schedule). Returns `{ ran: false }` at once when another holder has it.
   */
  withSchedulerLock<T>(name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  /** The larger of two numeric expressions (`max()` on SQLite, `greatest()` on PostgreSQL). */
  greatest(a: RawBuilder<unknown>, b: RawBuilder<unknown>): RawBuilder<number>;
}

export function sqliteAdapter(): DialectAdapter {
  // SQLite deployments are one process (DESIGN.md: many instances means PostgreSQL), so an
  // in-process set of held names is the whole lock.
  const held = new Set<string>();
  return {
    dialect: 'sqlite',
    supportsSkipLocked: false,
    lockKey: async () => {
      // Writers are already serialised by SQLite's single write lock.
    },
    async withSchedulerLock(name, fn) {
      if (held.has(name)) return { ran: false };
      held.add(name);
      try {
        return { ran: true, value: await fn() };
      } finally {
        held.delete(name);
      }
    },
    greatest: (a, b) => sql<number>`max(${a}, ${b})`,
  };
}

export function postgresAdapter(db: Kysely<Database>): DialectAdapter {
  return {
    dialect: 'postgres',
    supportsSkipLocked: true,
    async lockKey(trx, key) {
      await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
    },
    async withSchedulerLock(name, fn) {
      // A session-level advisory lock lives as long as the connection that took it, so the
      // lock, the work and the unlock share one reserved connection. If the process dies the
      // connection closes and PostgreSQL frees the lock: no stale lock rows to reap.
      return db.connection().execute(async (conn) => {
        const key = `acusms:scheduler:${name}`;
        const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtext(${key})) as ok`.execute(
          conn,
        );
        if (!got.rows[0]?.ok) return { ran: false as const };
        try {
          return { ran: true as const, value: await fn() };
        } finally {
          await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(conn);
        }
      });
    },
    greatest: (a, b) => sql<number>`greatest(${a}, ${b})`,
  };
}
