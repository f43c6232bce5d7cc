/** Calls and failures over a span of time. */
export interface Counts {
  calls: number;
  failures: number;
}

interface Bucket extends Counts {
  /** Part of an incident: left out of the baseline, so one outage does not hide the next. */
  incident: boolean;
}

export function ratioOf(counts: Counts): number {
  return counts.calls === 0 ? 0 : counts.failures / counts.calls;
}

/**
 * Counts in fixed time buckets, so memory is bounded however many calls arrive: with the
 * default 300 s window and 10 buckets per window, one target keeps at most 130 buckets (the
 * window plus a 12-window baseline). A window sum is exact to one bucket (30 s by default).
 */
export class BucketedCounts {
  readonly #bucketMs: number;
  readonly #keepBuckets: number;
  readonly #buckets = new Map<number, Bucket>();

  constructor(bucketMs: number, keepBuckets: number) {
    this.#bucketMs = Math.max(1, bucketMs);
    this.#keepBuckets = keepBuckets;
  }

  add(nowMs: number, failed: boolean): void {
    const index = Math.floor(nowMs / this.#bucketMs);
    let bucket = this.#buckets.get(index);
    if (!bucket) {
      bucket = { calls: 0, failures: 0, incident: false };
      this.#buckets.set(index, bucket);
      for (const old of this.#buckets.keys()) if (old <= index - this.#keepBuckets) this.#buckets.delete(old);
    }
    bucket.calls += 1;
    if (failed) bucket.failures += 1;
  }

  /** Marks the buckets of the last `buckets` (the current one included) as part of an incident. */
  markIncident(nowMs: number, buckets: number): void {
    const current = Math.floor(nowMs / this.#bucketMs);
    for (const [index, bucket] of this.#buckets) if (current - index < buckets) bucket.incident = true;
  }

  /**
   * Sums buckets `newestAgo` ≤ age < `oldestAgo`, in buckets back from now (0: the current
   * one); `skipIncidents` leaves out buckets marked as part of an incident.
   */
  sum(nowMs: number, newestAgo: number, oldestAgo: number, skipIncidents = false): Counts {
    const current = Math.floor(nowMs / this.#bucketMs);
    const total: Counts = { calls: 0, failures: 0 };
    for (const [index, bucket] of this.#buckets) {
      const ago = current - index;
      if (ago >= newestAgo && ago < oldestAgo && !(skipIncidents && bucket.incident)) {
        total.calls += bucket.calls;
        total.failures += bucket.failures;
      }
    }
    return total;
  }
}
