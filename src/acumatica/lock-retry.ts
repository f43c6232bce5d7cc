import { type Clock, systemClock } from '../ops/clock.js';
import { isAcumaticaError } from './errors.js';

export interface LockRetryOptions {
  /** Total attempts, first included. Default 4. */
  attempts?: number;
  /** First back-off; doubles each time, with ±50 % jitter. Default 200 ms. */
  baseDelayMs?: number;
  clock?: Clock;
  signal?: AbortSignal;
}

/**
 * Acumatica has no ETags: a concurrent edit surfaces as `PXLockViolationException` ("Another
 * process has updated …"). The fix is to re-read the record, re-apply our change to what is
 * there now, and write again (notes §4). Any other error passes straight through.
 *
 *   await withLockRetry(() => entities.get('Activity', id), (current) => entities.put(…))
 */
export async function withLockRetry<T, R>(
  read: () => Promise<T>,
  apply: (current: T) => Promise<R>,
  options: LockRetryOptions = {},
): Promise<R> {
  const attempts = options.attempts ?? 4;
  const clock = options.clock ?? systemClock;
  for (let attempt = 1; ; attempt++) {
    const current = await read();
    try {
      return await apply(current);
    } catch (error) {
      if (!isAcumaticaError(error, 'lock_conflict') || attempt >= attempts) throw error;
      const base = (options.baseDelayMs ?? 200) * 2 ** (attempt - 1);
      await clock.sleep(base * (0.5 + Math.random()), options.signal);
    }
  }
}
