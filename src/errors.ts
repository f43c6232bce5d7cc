/**
 * The one base class for errors that cross a module boundary. Every error carries a stable
 * `code` (used in HTTP bodies, logs and metrics) and says whether trying again can help, so the
 * queue decides retry vs dead-letter from one place instead of from error messages.
 */
export class AcusmsError extends Error {
  readonly code: string;
  /** true: a later attempt may succeed (network, 429, 5xx, lock); false: dead-letter at once. */
  readonly retryable: boolean;
  /** Lower bound for the next attempt, e.g. from a `Retry-After` header. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: string,
    message: string,
    options: { retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Turns anything thrown into an Error, so every catch handles one type. */
export function coerceError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : JSON.stringify(thrown));
}

/** Unknown errors are treated as transient: retrying a bug costs attempts, dropping data costs customers. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof AcusmsError) return error.retryable;
  return true;
}

export function retryAfterMsOf(error: unknown): number | undefined {
  return error instanceof AcusmsError ? error.retryAfterMs : undefined;
}
