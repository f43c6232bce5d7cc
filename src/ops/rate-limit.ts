/**
 * Shared limiter state. On PostgreSQL these live in rows so several instances share one pace
 * and one concurrency cap; in-memory versions serve single-process tests.
 */
export interface RateLimitStore {
  /**
   * Reserves `cost` units on the bucket `key` that refills one unit every `intervalMs`
   * (GCRA: a theoretical arrival time per key). Returns the epoch ms at which the caller may
   * start; the caller waits until then. Reservations never overlap, so no window sees more
   * than its share.
   */
  reserve(key: string, intervalMs: number, cost: number, nowMs: number): Promise<number>;
}

export interface SemaphoreStore {
  /** Takes one of `limit` slots for `holder` until `leaseMs` from now; false when all are taken. */
  tryAcquire(key: string, limit: number, holder: string, nowMs: number, leaseMs: number): Promise<boolean>;
  release(key: string, holder: string): Promise<void>;
}

export class MemoryRateLimitStore implements RateLimitStore {
  readonly #tat = new Map<string, number>();

  async reserve(key: string, intervalMs: number, cost: number, nowMs: number): Promise<number> {
    const start = Math.max(this.#tat.get(key) ?? nowMs, nowMs);
    this.#tat.set(key, start + cost * intervalMs);
    return start;
  }
}

export class MemorySemaphoreStore implements SemaphoreStore {
  readonly #held = new Map<string, Map<string, number>>();

  async tryAcquire(
    key: string,
    limit: number,
    holder: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<boolean> {
    const holders = this.#held.get(key) ?? new Map<string, number>();
    for (const [h, until] of holders) if (until <= nowMs) holders.delete(h);
    if (holders.size >= limit) return false;
    holders.set(holder, nowMs + leaseMs);
    this.#held.set(key, holders);
    return true;
  }

  async release(key: string, holder: string): Promise<void> {
    this.#held.get(key)?.delete(holder);
  }
}
