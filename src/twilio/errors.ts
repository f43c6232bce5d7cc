import { AcusmsError } from '../errors.js';

/**
 * What a failed Twilio call means for the message behind it. The queue only reads `retryable`;
 * the kind tells flows what else to do (record an opt-out, raise an alert, look up first).
 */
export type TwilioErrorKind =
  /** 429 / 20429 / 21611: not processed, safe to send again after waiting. */
  | 'rate_limited'
  /** 5xx, timeout or reset on *create*: the message may exist. Look it up before sending again. */
  | 'ambiguous'
  /** 5xx, timeout or network failure on a read, or a create that never left: safe to repeat. */
  | 'transient'
  /** The request can never succeed as sent (bad number, body too long, region blocked…). */
  | 'permanent'
  /** 21610: the recipient texted STOP to this sender. Record the opt-out, never retry. */
  | 'opted_out'
  /** 20003 / 401: wrong or revoked credentials, suspended account. Alert; retrying will not help. */
  | 'credentials'
  /** 20404 on a fetch: the SID does not exist on this account. */
  | 'not_found';

export interface TwilioErrorBody {
  code: number | null;
  message: string;
  moreInfo: string | null;
}

/**
 * Twilio codes whose meaning does not depend on the HTTP status. Anything not listed falls back
 * on the status (see `classifyTwilioError`). Sources: twilio-notes.md §2.2.
 */
const CODE_KINDS: ReadonlyMap<number, TwilioErrorKind> = new Map<number, TwilioErrorKind>([
  [20003, 'credentials'], // Permission denied / Authenticate
  [20404, 'not_found'],
  [20429, 'rate_limited'], // account REST concurrency; "safe to retry after backing off"
  [21611, 'rate_limited'], // sender queue holds > 10 h of segments; it drains at the sender's pace
  [21610, 'opted_out'], // recipient replied STOP
  [21211, 'permanent'], // invalid To
  [21602, 'permanent'], // Body required
  [21603, 'permanent'], // From or MessagingServiceSid required
  [21604, 'permanent'], // To required
  [21606, 'permanent'], // From is not a message-capable number of this account
  [21608, 'permanent'], // trial account, unverified To
  [21408, 'permanent'], // geo permissions: region disabled
  [21612, 'permanent'], // cannot route To/From combination
  [21614, 'permanent'], // To is not a mobile number
  [21617, 'permanent'], // body over 1,600 characters
]);

/** A 21611 means the sender queue is 10 hours deep; a fresh attempt within minutes is pointless. */
const QUEUE_FULL_RETRY_AFTER_MS = 5 * 60_000;

export type TwilioOperation = 'create' | 'read';

/** The one table: (operation, HTTP status, Twilio code) → kind. */
export function classifyTwilioError(
  operation: TwilioOperation,
  status: number,
  code: number | null,
): TwilioErrorKind {
  const byCode = code === null ? undefined : CODE_KINDS.get(code);
  if (byCode !== undefined) return byCode;
  if (status === 429) return 'rate_limited';
  if (status === 401) return 'credentials';
  if (status === 404 && operation === 'read') return 'not_found';
  if (status >= 500 || status === 0) return operation === 'create' ? 'ambiguous' : 'transient';
  return 'permanent';
}

/** Whether a job that failed this way should be tried again (the queue's only question). */
export function isRetryableKind(kind: TwilioErrorKind): boolean {
  switch (kind) {
    case 'rate_limited':
    case 'ambiguous':
    case 'transient':
      return true;
    case 'permanent':
    case 'opted_out':
    case 'credentials':
    case 'not_found':
      return false;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** One attempt at a create whose outcome is unknown, in client-clock epoch ms. */
export interface AttemptWindow {
  startedAtMs: number;
  endedAtMs: number;
}

export interface TwilioApiErrorInit {
  kind: TwilioErrorKind;
  /** HTTP status; 0 when no response arrived (timeout, reset, refused). */
  status: number;
  twilioCode?: number | null;
  moreInfo?: string | null;
  retryAfterMs?: number;
  /** For `ambiguous`: every create attempt whose outcome is still unknown; persist and pass back. */
  attempts?: readonly AttemptWindow[];
  cause?: unknown;
}

/** A Twilio REST call that did not succeed. `code` is `twilio_<kind>` for logs and metrics. */
export class TwilioApiError extends AcusmsError {
  readonly kind: TwilioErrorKind;
  readonly status: number;
  readonly twilioCode: number | null;
  readonly moreInfo: string | null;
  readonly attempts: readonly AttemptWindow[];

  constructor(message: string, init: TwilioApiErrorInit) {
    const retryAfterMs =
      init.retryAfterMs ?? (init.twilioCode === 21611 ? QUEUE_FULL_RETRY_AFTER_MS : undefined);
    super(`twilio_${init.kind}`, message, {
      retryable: isRetryableKind(init.kind),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      cause: init.cause,
    });
    this.kind = init.kind;
    this.status = init.status;
    this.twilioCode = init.twilioCode ?? null;
    this.moreInfo = init.moreInfo ?? null;
    this.attempts = init.attempts ?? [];
  }
}

export function isTwilioApiError(error: unknown): error is TwilioApiError {
  return error instanceof TwilioApiError;
}

export function isAmbiguousError(error: unknown): error is TwilioApiError {
  return isTwilioApiError(error) && error.kind === 'ambiguous';
}

export function isOptedOutError(error: unknown): error is TwilioApiError {
  return isTwilioApiError(error) && error.kind === 'opted_out';
}

export function isCredentialsError(error: unknown): error is TwilioApiError {
  return isTwilioApiError(error) && error.kind === 'credentials';
}

export function isRateLimitedError(error: unknown): error is TwilioApiError {
  return isTwilioApiError(error) && error.kind === 'rate_limited';
}

/**
 * What an asynchronous `ErrorCode` on a failed/undelivered status callback means: 21610 arrives
 * this way too for Messaging Services (Advanced Opt-Out doc), everything else ends the message.
 */
export function classifyDeliveryErrorCode(code: number | null): 'opted_out' | 'permanent' {
  return code === 21610 ? 'opted_out' : 'permanent';
}

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Twilio does
 * not document the header for the 2010 API (notes §2.3), so absence is normal.
 */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
