import { randomUUID } from 'node:crypto';
import type { Clock } from '../ops/clock.js';
import type { RateLimitStore, SemaphoreStore } from '../ops/rate-limit.js';

export interface LicenceLimiterOptions {
  /** Limit key, e.g. the acusms tenant id; the same key on every instance shares the limits. */
  key: string;
  /** Concurrent requests allowed by the licence (SM604000). Default 2. */
  maxConcurrent?: number;
  /** Requests per minute allowed by the licence (SM604000). Default 100. */
  requestsPerMinute?: number;
  rateStore: RateLimitStore;
  semaphoreStore: SemaphoreStore;
  clock: Clock;
  /**
   * How long a held slot survives a crashed holder. Must exceed the longest request; default
   * the request timeout plus a minute, set by the client.
   */
  leaseMs?: number;
  /** How often to re-try a full semaphore held by another instance. Default 50 ms. */
  pollMs?: number;
}

/**
 * Keeps this service under the licence on the client side. Acumatica queues excess requests
 * silently and declines past 20 queued (notes §5): a queued request burns our timeout while
 * holding a worker, so we wait here instead, where waiting is cheap and visible.
 * Pace first (GCRA reservation), then a concurrency slot: holding a slot while waiting for the
 * pace would idle a licence core.
 */
export class LicenceLimiter {
  readonly #o: Required<Omit<LicenceLimiterOptions, 'leaseMs'>> & { leaseMs: number };
  readonly #instance = randomUUID();
  #seq = 0;
  /** Local waiters are woken by local releases at once; other instances' releases by polling. */
  readonly #waiters = new Set<() => void>();

  constructor(options: LicenceLimiterOptions) {
    this.#o = {
      maxConcurrent: 2,
      requestsPerMinute: 100,
      pollMs: 50,
      leaseMs: 6 * 60_000,
      ...options,
    };
  }

  /** Runs `fn` inside the pace and the concurrency cap. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#pace(signal);
    const holder = await this.#acquire(signal);
    try {
      return await fn();
    } finally {
      await this.#o.semaphoreStore.release(this.#semKey(), holder);
      for (const wake of [...this.#waiters]) wake();
    }
  }

  async #pace(signal?: AbortSignal): Promise<void> {
    const intervalMs = 60_000 / this.#o.requestsPerMinute;
    const now = this.#o.clock.now();
    const startAt = await this.#o.rateStore.reserve(`acumatica:rpm:${this.#o.key}`, intervalMs, 1, now);
    // No burst allowance: a GCRA with tolerance τ admits up to rpm + τ/T requests in some rolling
    // minute, and Acumatica counts a rolling minute. Even spacing keeps every minute at the limit.
    // Measured after the await: the start time is absolute, however long the reservation took.
    const waitMs = startAt - this.#o.clock.now();
    if (waitMs > 0) await this.#o.clock.sleep(waitMs, signal);
  }

  #semKey(): string {
    return `acumatica:concurrent:${this.#o.key}`;
  }

  async #acquire(signal?: AbortSignal): Promise<string> {
    const holder = `${this.#instance}:${++this.#seq}`;
    for (;;) {
      signal?.throwIfAborted();
      const ok = await this.#o.semaphoreStore.tryAcquire(
        this.#semKey(),
        this.#o.maxConcurrent,
        holder,
        this.#o.clock.now(),
        this.#o.leaseMs,
      );
      if (ok) return holder;
      await this.#waitForRelease(signal);
    }
  }

  #waitForRelease(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const poll = new AbortController();
      const done = () => {
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        poll.abort();
        resolve();
      };
      const onAbort = () => {
        this.#waiters.delete(done);
        poll.abort();
        reject(signal?.reason);
      };
      this.#waiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#o.clock.sleep(this.#o.pollMs, poll.signal).then(done, () => {});
    });
  }
}
