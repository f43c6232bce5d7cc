import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../ops/clock.js';
import type { RateLimitStore, SemaphoreStore } from '../ops/rate-limit.js';

/**
 * Two limits on every Twilio call, both held in shared stores so several instances obey one pace:
 *
 * - Per sender (a `From` number or a Messaging Service), `mps` *segments* per second. A message
 *   of n segments reserves n slots of `1000/mps` ms (GCRA), so after a 3-segment message at
 *   mps 1 the next one may start 3 s later, exactly how Twilio drains its own sender queue
 *   (notes §6). No window of 1 s then holds more than `mps` segments, except the unavoidable
 *   case of one message that is itself longer than `mps` segments.
 * - Per account, at most `maxConcurrent` requests in flight (Twilio answers 20429 above its
 *   undisclosed concurrency limit).
 *
 * Lateness: a send released a few ms after its slot (timer granularity, a store round trip, a
 * GC pause) while the next one is on time would put mps + 1 sends in one window, and measured
 * over thousands of sends that always happens somewhere. So each slot is reserved `guardMs`
 * longer than its pace (2% of the interval, 1 to 20 ms: achieved pace ≥ 0.98 of the allowed),
 * and a send may leave up to `guardMs` late; later than that it gives the slot up and queues
 * again (at most `maxReslots` times, then it goes, so a stalled process cannot starve a send).
 *
 * Order matters: the pace slot is reserved first and the concurrency slot taken when the pace
 * slot arrives. Taking the concurrency slot first would hold it while sleeping and starve other
 * senders. If the concurrency slot is not free at that instant the pace slot is given up and a
 * new one reserved: sending late on an old slot could bunch with the next message's slot and
 * break the 1-second window.
 */
export interface TwilioPacerOptions {
  rateLimits: RateLimitStore;
  semaphores: SemaphoreStore;
  clock?: Clock;
  /** Account-level cap on requests in flight. Default 10. */
  maxConcurrent?: number;
  /** Key of the account-level semaphore; use the Account SID. */
  accountKey: string;
  /** How long a concurrency slot is held at most if the holder dies. Default 60,000 ms. */
  leaseMs?: number;
  /** How often to look for a free concurrency slot. Default 25 ms. */
  pollMs?: number;
  /** Prefix of holder ids; distinct per instance. Default a random UUID. */
  instanceId?: string;
  /** Slack per slot in ms, see above. Default 2% of `1000/mps`, clamped to 1..20 ms. */
  guardMs?: (intervalMs: number) => number;
  /** Times a late send queues again before it goes anyway. Default 3. */
  maxReslots?: number;
}

export function defaultGuardMs(intervalMs: number): number {
  return Math.min(20, Math.max(1, intervalMs * 0.02));
}

export const pacerDefaults = {
  maxConcurrent: 10,
  leaseMs: 60_000,
  pollMs: 25,
  maxReslots: 3,
} satisfies Partial<TwilioPacerOptions>;

export interface PacedRequest {
  /** The `From` number or Messaging Service SID whose pace applies. */
  senderKey: string;
  /** Segments per second allowed for that sender. */
  mps: number;
  /** Segments of this message (see `countSegments`). */
  segments: number;
  signal?: AbortSignal;
}

export interface TwilioPacer {
  /** Runs `fn` (the create call) at the sender's pace and inside the account's concurrency cap. */
  paced<T>(request: PacedRequest, fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` (a read: fetch, list) inside the concurrency cap only; reads do not use sender pace. */
  withApiSlot<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function senderPaceKey(senderKey: string): string {
  return `twilio:pace:${senderKey}`;
}

export function createTwilioPacer(options: TwilioPacerOptions): TwilioPacer {
  const clock = options.clock ?? systemClock;
  const maxConcurrent = options.maxConcurrent ?? pacerDefaults.maxConcurrent;
  const leaseMs = options.leaseMs ?? pacerDefaults.leaseMs;
  const pollMs = options.pollMs ?? pacerDefaults.pollMs;
  const instanceId = options.instanceId ?? randomUUID();
  const guardOf = options.guardMs ?? defaultGuardMs;
  const maxReslots = options.maxReslots ?? pacerDefaults.maxReslots;
  const semaphoreKey = `twilio:concurrency:${options.accountKey}`;
  let counter = 0;

  const tryAcquire = (holder: string) =>
    options.semaphores.tryAcquire(semaphoreKey, maxConcurrent, holder, clock.now(), leaseMs);

  async function holding<T>(holder: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      await options.semaphores.release(semaphoreKey, holder);
    }
  }

  return {
    async paced(request, fn) {
      if (!(request.mps > 0)) throw new RangeError(`mps must be > 0, got ${request.mps}`);
      const intervalMs = 1000 / request.mps;
      const guardMs = guardOf(intervalMs);
      const segments = Math.max(1, Math.ceil(request.segments));
      const holder = `${instanceId}:${++counter}`;
      for (let reslots = 0; ; reslots++) {
        request.signal?.throwIfAborted();
        // Reserved in ms units (interval 1) so the guard can be added to the segments' time.
        const start = await options.rateLimits.reserve(
          senderPaceKey(request.senderKey),
          1,
          segments * intervalMs + guardMs,
          clock.now(),
        );
        const wait = start - clock.now();
        if (wait > 0) await clock.sleep(wait, request.signal);
        if (clock.now() - start > guardMs && reslots < maxReslots) continue;
        if (await tryAcquire(holder)) return holding(holder, fn);
        // Slot forfeited (see above); wait a little for capacity, then queue again.
        await clock.sleep(pollMs, request.signal);
      }
    },
    async withApiSlot(fn, signal) {
      const holder = `${instanceId}:${++counter}`;
      for (;;) {
        signal?.throwIfAborted();
        if (await tryAcquire(holder)) return holding(holder, fn);
        await clock.sleep(pollMs, signal);
      }
    },
  };
}
