import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Clock } from '../ops/clock.js';
import type { ScheduledTask } from '../ops/scheduler.js';
import type { Store } from './db.js';
import { GroupCommitter } from './group-commit.js';

/** One push attempt (guarantee 7): what was pushed where, and how it went. */
export interface PushAttempt {
  tenant: string;
  /** `acumatica` today; the column leaves room for other destinations. */
  target: string;
  /** e.g. `activity.put`, `activity.complete`, `contact.opt-out`. */
  operation: string;
  /** The MessageSid (or `contact:<id>` for opt-out flags). */
  sourceId: string;
  acumaticaId: string | null;
  /** Epoch ms when the attempt started. */
  at: number;
  /** HTTP status; null when no response arrived (timeout, connection reset). */
  responseCode: number | null;
  /** 1 for the first attempt; counted from earlier rows of the same source and operation when absent. */
  attempt?: number;
  durationMs: number;
}

export interface PushLogRecorder {
  /** Resolves once the row is committed; never rejects (a lost log row must not fail a push). */
  record(attempt: PushAttempt): Promise<void>;
}

/**
 * Rows go through a group committer: the sync runs several pushes at once, and one insert
 * transaction per attempt would add an fsync to every Acumatica call (about 1 ms each on the
 * SQLite test disk, doubling the per-push cost measured at ~1.4 ms for the limiter alone).
 */
export function sqlPushLog(
  store: Store,
  options: { onError?: (error: unknown) => void } = {},
): PushLogRecorder {
  // Row by row: an attempt number may count the rows written before it in the same batch.
  const committer = new GroupCommitter<PushAttempt, void>(store, async (trx, attempts) => {
    for (const a of attempts) {
      const attempt =
        a.attempt ??
        sql<number>`(select count(*) + 1 from push_log where tenant = ${a.tenant} and source_id = ${a.sourceId} and operation = ${a.operation})`;
      await trx
        .insertInto('push_log')
        .values({
          id: randomUUID(),
          tenant: a.tenant,
          target: a.target,
          operation: a.operation,
          source_id: a.sourceId,
          acumatica_id: a.acumaticaId,
          at: a.at,
          response_code: a.responseCode,
          attempt,
          duration_ms: Math.max(0, Math.round(a.durationMs)),
        })
        .execute();
    }
    return attempts.map(() => undefined);
  });
  return {
    record: (attempt) => committer.submit(attempt).catch((error: unknown) => options.onError?.(error)),
  };
}

/** Deletes rows older than `retentionDays`; returns how many went. */
export async function purgePushLog(store: Store, clock: Clock, retentionDays: number): Promise<number> {
  const cutoff = clock.now() - retentionDays * 86_400_000;
  const result = await store.db.deleteFrom('push_log').where('at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Hourly purge: the log stays within `retentionDays` plus at most an hour. */
export function pushLogPurgeTask(
  store: Store,
  clock: Clock,
  retentionDays: number,
  onPurged?: (rows: number) => void,
): ScheduledTask {
  return {
    name: 'push-log:purge',
    everyMs: 3_600_000,
    async run() {
      const rows = await purgePushLog(store, clock, retentionDays);
      onPurged?.(rows);
    },
  };
}
