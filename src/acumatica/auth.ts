import { coerceError } from '../errors.js';
import type { Clock } from '../ops/clock.js';
import { ACUMATICA_ERROR_POLICY, AcumaticaApiError } from './errors.js';

/** Credentials for one request, plus which login produced them (so a 401 retires only that one). */
export interface AuthGrant {
  headers: Record<string, string>;
  generation: number;
}

/** OAuth bearer tokens or a cookie session; the client does not care which. */
export interface Authenticator {
  /** Logs in, refreshes or reuses as needed. Concurrent callers share one login (single flight). */
  grant(signal?: AbortSignal): Promise<AuthGrant>;
  /** After a 401: the grant of that generation is dead; the next `grant()` obtains a new one. */
  invalidate(generation: number): void;
  /** Lets a cookie session pick up cookies the server re-issues on ordinary responses. */
  observe?(headers: Headers): void;
  /** Releases the server-side session where that matters (cookie sessions hold a licence seat). */
  close(): Promise<void>;
}

export interface AuthFailure {
  tenant: string;
  kind: string;
  message: string;
  /** Consecutive failed logins, 1 for the first. */
  attempt: number;
  /** Epoch ms before which no new login is tried. */
  blockedUntil: number;
}

export interface LoginGuardOptions {
  tenant: string;
  clock: Clock;
  /** Called once per failed login (not per waiting caller); wire it to the `auth_failure` alert. */
  onAuthFailure?: (failure: AuthFailure) => void;
  /** Cap on the back-off between failed logins. Default 10 minutes (the seat idle timeout). */
  maxBackoffMs?: number;
}

/**
 * Makes logins single-flight and backs off after failures, so twenty parallel jobs that all see
 * an expired token cause one login, and a refused login is not retried until the back-off ends.
 * Without this, "API Login Limit" turns into a storm: every retry takes (or fails to take) a seat.
 */
export class LoginGuard {
  readonly #opts: LoginGuardOptions;
  #inFlight: Promise<unknown> | undefined;
  #failures = 0;
  #blockedUntil = 0;
  #lastError: AcumaticaApiError | undefined;

  constructor(opts: LoginGuardOptions) {
    this.#opts = opts;
  }

  /** Runs `login` unless one is already running (then shares it) or the back-off is active. */
  async run<T>(login: () => Promise<T>): Promise<T> {
    if (this.#inFlight) return this.#inFlight as Promise<T>;
    const now = this.#opts.clock.now();
    if (now < this.#blockedUntil && this.#lastError) {
      throw new AcumaticaApiError(
        this.#lastError.kind,
        `${this.#lastError.message}; next login after back-off`,
        {
          retryAfterMs: this.#blockedUntil - now,
          ...(this.#lastError.status !== undefined ? { status: this.#lastError.status } : {}),
          cause: this.#lastError,
        },
      );
    }
    const attempt = (async () => {
      try {
        const result = await login();
        this.#failures = 0;
        this.#blockedUntil = 0;
        this.#lastError = undefined;
        return result;
      } catch (thrown) {
        throw this.#fail(thrown);
      }
    })();
    this.#inFlight = attempt;
    try {
      return await attempt;
    } finally {
      this.#inFlight = undefined;
    }
  }

  #fail(thrown: unknown): Error {
    const error = coerceError(thrown);
    if (!(error instanceof AcumaticaApiError)) return error;
    this.#failures += 1;
    const base = ACUMATICA_ERROR_POLICY[error.kind].retryAfterMs ?? 1_000;
    const backoff = Math.min(base * 2 ** (this.#failures - 1), this.#opts.maxBackoffMs ?? 10 * 60_000);
    this.#blockedUntil = this.#opts.clock.now() + backoff;
    this.#lastError = error;
    this.#opts.onAuthFailure?.({
      tenant: this.#opts.tenant,
      kind: error.kind,
      message: error.message,
      attempt: this.#failures,
      blockedUntil: this.#blockedUntil,
    });
    return new AcumaticaApiError(error.kind, error.message, {
      retryAfterMs: backoff,
      ...(error.status !== undefined ? { status: error.status } : {}),
      cause: error,
    });
  }
}

/** Joins the caller's signal with a timeout; Node 20 has AbortSignal.any and AbortSignal.timeout. */
export function withTimeout(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** Turns a fetch rejection into our error; a timeout or reset may hide a completed write. */
export function fetchFailure(thrown: unknown, operation: string, signal?: AbortSignal): Error {
  const error = coerceError(thrown);
  if (signal?.aborted && !(signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError')) {
    return error; // the caller cancelled: not an Acumatica failure
  }
  if (error.name === 'TimeoutError' || (error.name === 'AbortError' && signal?.aborted)) {
    return new AcumaticaApiError(
      'timeout',
      `${operation} got no answer in time; it may still have been applied`,
      {
        cause: error,
      },
    );
  }
  return new AcumaticaApiError('network', `${operation} failed before an answer: ${error.message}`, {
    cause: error,
  });
}
