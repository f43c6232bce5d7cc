import type { Logger } from 'pino';
import { coerceError } from '../errors.js';
import type { DialectAdapter } from '../store/adapter.js';
import { type Clock, systemClock } from './clock.js';

export interface ScheduledTask {
  /** Also the scheduler-lock name: one instance runs it at a time. */
  name: string;
  /** Time from the end of one run to the start of the next. */
  everyMs: number;
  run(signal: AbortSignal): Promise<void>;
}

export interface Scheduler {
  start(): void;
  /** Stops the loops; a running task sees its signal abort. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Interval tasks under the dialect's scheduler lock (an advisory lock on PostgreSQL), so with
 * several instances each task still runs once per interval. A failing run is logged and tried
 * again next interval; it never stops the loop.
 */
export function createScheduler(
  tasks: readonly ScheduledTask[],
  adapter: DialectAdapter,
  logger: Logger,
  clock: Clock = systemClock,
): Scheduler {
  const stopping = new AbortController();
  const loops: Promise<void>[] = [];
  let stopped: Promise<void> | undefined;

  async function loop(task: ScheduledTask): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        const result = await adapter.withSchedulerLock(task.name, () => task.run(stopping.signal));
        if (!result.ran) logger.debug({ task: task.name }, 'another instance holds the schedule');
      } catch (error) {
        if (!stopping.signal.aborted)
          logger.error({ task: task.name, err: coerceError(error) }, 'scheduled task failed');
      }
      await clock.sleep(task.everyMs, stopping.signal).catch(() => undefined);
    }
  }

  return {
    start() {
      if (loops.length > 0) return;
      for (const task of tasks) loops.push(loop(task));
    },
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await Promise.all(loops);
      })();
      return stopped;
    },
  };
}
