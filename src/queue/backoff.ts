/** Retry policy for one job kind. */
export interface RetryPolicy {
  /** Attempts in all, the first included. Default 10. */
  maxAttempts: number;
  /** Cap of the first retry's delay, ms. Default 10 000. */
  baseDelayMs: number;
  /** Largest delay between two attempts, ms. Default 1 200 000 (20 min). */
  maxDelayMs: number;
}

/**
 * 10 attempts with caps 10 s, 20 s, 40 s … 20 min add up to at most ~62 minutes: the "about an
 * hour" DESIGN.md promises before a transient failure becomes a dead letter.
 */
export const defaultRetryPolicy = {
  maxAttempts: 10,
  baseDelayMs: 10_000,
  maxDelayMs: 1_200_000,
} as const satisfies RetryPolicy;

/**
 * Delay before attempt `attempt + 1`, after `attempt` failed ones: "full jitter" (uniform in
 * [0, cap]) so a fleet of jobs that failed together does not retry together.
 * `random` is injectable for deterministic tests.
 */
export function backoffDelayMs(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
  retryAfterMs?: number,
): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * cap);
  // A server that says when to come back knows better than our jitter.
  return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs);
}
