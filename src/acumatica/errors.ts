import { z } from 'zod';
import { AcusmsError } from '../errors.js';

/**
 * Every way an Acumatica call fails, decided in one table. The queue reads `retryable` and
 * `retryAfterMs`; flows switch on `kind`. Sources: acumatica-notes §1, §4, §5.
 */
export type AcumaticaErrorKind =
  | 'unauthorized' // 401 that survived one re-authentication
  | 'invalid_credentials' // login/token refused: wrong password, client id or secret
  | 'login_limit' // "API Login Limit": every API-user seat is taken
  | 'rate_limited' // 429: licence request queue or per-minute limit exceeded
  | 'lock_conflict' // PXLockViolationException: re-read, re-apply, retry
  | 'validation' // 422: the record was refused; every field error is in the message
  | 'not_found' // 404, or 500 NoEntitySatisfiesTheConditionException
  | 'precondition_failed' // 412: If-None-Match/If-Match mismatch
  | 'forbidden' // 403: the user lacks rights to the form behind the entity
  | 'bad_request' // 400: malformed request (our bug, or a bad trusted filter)
  | 'server' // other 5xx, HTML error pages included
  | 'timeout' // no response within requestTimeoutMs; the write may have happened
  | 'network'; // connection refused/reset; the write may have happened

interface KindPolicy {
  retryable: boolean;
  /** Floor before the next attempt; Acumatica sends no Retry-After (notes §5), so we pick one. */
  retryAfterMs?: number;
}

/** The retry table. Lock conflicts retry quickly; licence and seat limits wait for capacity. */
export const ACUMATICA_ERROR_POLICY: Readonly<Record<AcumaticaErrorKind, KindPolicy>> = {
  unauthorized: { retryable: true, retryAfterMs: 30_000 },
  // Retryable, slowly: a password rotated in the vault should not dead-letter the whole backlog,
  // and hammering a wrong password locks the Acumatica user out (SM201010 lockout policy).
  invalid_credentials: { retryable: true, retryAfterMs: 5 * 60_000 },
  // Seats free after the 10-minute idle timeout at worst (notes §1.1).
  login_limit: { retryable: true, retryAfterMs: 60_000 },
  rate_limited: { retryable: true, retryAfterMs: 10_000 },
  lock_conflict: { retryable: true, retryAfterMs: 250 },
  validation: { retryable: false },
  not_found: { retryable: false },
  precondition_failed: { retryable: false },
  forbidden: { retryable: false },
  bad_request: { retryable: false },
  server: { retryable: true, retryAfterMs: 5_000 },
  timeout: { retryable: true },
  network: { retryable: true, retryAfterMs: 1_000 },
};

export class AcumaticaApiError extends AcusmsError {
  readonly kind: AcumaticaErrorKind;
  /** HTTP status, or undefined when no response arrived (timeout, network). */
  readonly status: number | undefined;
  /** Field errors of a 422, as `Path.Field: message`. */
  readonly fieldErrors: readonly string[];

  constructor(
    kind: AcumaticaErrorKind,
    message: string,
    options: { status?: number; fieldErrors?: string[]; cause?: unknown; retryAfterMs?: number } = {},
  ) {
    const policy = ACUMATICA_ERROR_POLICY[kind];
    super(`acumatica_${kind}`, message, {
      retryable: policy.retryable,
      retryAfterMs: options.retryAfterMs ?? policy.retryAfterMs,
      cause: options.cause,
    });
    this.kind = kind;
    this.status = options.status;
    this.fieldErrors = options.fieldErrors ?? [];
  }
}

export function isAcumaticaError(error: unknown, kind?: AcumaticaErrorKind): error is AcumaticaApiError {
  return error instanceof AcumaticaApiError && (kind === undefined || error.kind === kind);
}

/** The `HttpError` schema of the swagger, plus the OAuth token endpoint's error shape. */
const httpErrorSchema = z.looseObject({
  message: z.string().optional(),
  exceptionMessage: z.string().nullish(),
  exceptionType: z.string().nullish(),
  messageDetail: z.string().nullish(),
  error: z.unknown().optional(),
  error_description: z.string().optional(),
});

const LOCK_TEXT = /PXLockViolationException|Another process has (updated|added|deleted) the/i;
const NOT_FOUND_TEXT = /NoEntitySatisfiesTheConditionException|No entity satisfies the condition/i;

/** Strips tags from an IIS/ASP.NET error page so the message is readable (C# client does the same). */
export function textOfHtml(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const body = html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  const text = title && !body.startsWith(title.trim()) ? `${title.trim()}: ${body}` : body;
  return text.slice(0, 500);
}

/**
 * Walks a 422 body (the entity itself) and collects the entity error and every field error,
 * including those inside linked entities and detail lines (C# client `CollectErrorsFromEntity`).
 */
export function collectFieldErrors(node: unknown, path = ''): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => collectFieldErrors(item, `${path}[${i}]`));
  if (node === null || typeof node !== 'object') return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'error' && typeof value === 'string' && value !== '') {
      out.push(path === '' ? value : `${path}: ${value}`);
    } else if (value !== null && typeof value === 'object') {
      out.push(...collectFieldErrors(value, path === '' ? key : `${path}.${key}`));
    }
  }
  return out;
}

export interface ErrorResponse {
  status: number;
  contentType: string;
  text: string;
  retryAfter?: string | null;
  /** What was being done, e.g. `PUT Activity`; never contains credentials. */
  operation: string;
}

/** Maps a non-2xx response to an AcumaticaApiError, following the table in acumatica-notes §4. */
export function classifyErrorResponse(res: ErrorResponse): AcumaticaApiError {
  let json: unknown;
  let detail = '';
  if (/json/i.test(res.contentType) || /^\s*[[{]/.test(res.text)) {
    try {
      json = JSON.parse(res.text);
    } catch {
      json = undefined;
    }
  }
  const parsed = httpErrorSchema.safeParse(json);
  if (parsed.success) {
    const e = parsed.data;
    detail = [e.exceptionMessage ?? e.error_description ?? e.message, e.exceptionType]
      .filter(Boolean)
      .join(' — ');
    if (typeof e.error === 'string' && !detail) detail = e.error;
  } else if (res.text.trim() !== '') {
    detail = /<[a-z!]/i.test(res.text) ? textOfHtml(res.text) : res.text.slice(0, 500);
  }
  const where = `${res.operation} answered ${res.status}`;
  const msg = (what: string) => `${where}: ${what}${detail ? ` (${detail})` : ''}`;
  const haystack = `${detail} ${res.text.slice(0, 2000)}`;
  const retryAfterMs = parseRetryAfter(res.retryAfter);
  const base = { status: res.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };

  if (/API Login Limit/i.test(haystack)) {
    return new AcumaticaApiError('login_limit', msg('every API user seat is taken'), base);
  }
  if (LOCK_TEXT.test(haystack))
    return new AcumaticaApiError('lock_conflict', msg('record changed by another process'), base);
  if (NOT_FOUND_TEXT.test(haystack)) return new AcumaticaApiError('not_found', msg('no such record'), base);
  if (/Invalid credentials|invalid_client|invalid_grant|unauthorized_client/i.test(haystack)) {
    return new AcumaticaApiError('invalid_credentials', msg('credentials refused'), base);
  }
  switch (res.status) {
    case 401:
      return new AcumaticaApiError('unauthorized', msg('not signed in'), base);
    case 403:
      return new AcumaticaApiError('forbidden', msg('the API user lacks access rights'), base);
    case 404:
      return new AcumaticaApiError('not_found', msg('no such record'), base);
    case 412:
      return new AcumaticaApiError(
        'precondition_failed',
        msg('insert-only/update-only precondition failed'),
        base,
      );
    case 422: {
      const fieldErrors = collectFieldErrors(json);
      const list = fieldErrors.length > 0 ? fieldErrors.join('; ') : detail || 'no detail given';
      return new AcumaticaApiError('validation', `${where}: record refused: ${list}`, {
        ...base,
        fieldErrors,
      });
    }
    case 429:
      return new AcumaticaApiError('rate_limited', msg('licence request limit exceeded'), base);
    case 400:
      return new AcumaticaApiError('bad_request', msg('bad request'), base);
    default:
      if (res.status >= 500) return new AcumaticaApiError('server', msg('server error'), base);
      return new AcumaticaApiError('bad_request', msg('unexpected status'), base);
  }
}

function parseRetryAfter(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The error for a non-2xx `fetch` response whose body was read as `text`. */
export function responseError(res: Response, text: string, operation: string): AcumaticaApiError {
  return classifyErrorResponse({
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    text,
    retryAfter: res.headers.get('retry-after'),
    operation,
  });
}
