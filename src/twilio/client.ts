import type { Secret } from '../config/secret.js';
import { type Clock, systemClock } from '../ops/clock.js';
import { classifyTwilioError, parseRetryAfterMs, TwilioApiError, type TwilioOperation } from './errors.js';
import {
  incomingNumberPageSchema,
  type MessagePage,
  messagePageSchema,
  type TwilioAccount,
  type TwilioMessage,
  twilioAccountSchema,
  twilioErrorBodySchema,
  twilioMessageSchema,
} from './schemas.js';

/**
 * A thin fetch-based client for the three Messages calls we make. Not the official SDK because:
 * the SDK wraps network failures so a reset after the request left cannot be told from a refused
 * connection (the difference between "ambiguous" and "safe to resend"), it drops `Retry-After`,
 * it turns responses into camelCase objects with parsed dates (we parse the spec's fields with
 * zod), and it has no per-call AbortSignal. The SDK is still used for webhook signatures and as
 * the reference client in the simulator's conformance tests.
 */

export type TwilioAuth =
  | { type: 'authToken'; authToken: Secret }
  | { type: 'apiKey'; apiKeySid: string; apiKeySecret: Secret };

export interface TwilioClientOptions {
  accountSid: string;
  auth: TwilioAuth;
  /** Default `https://api.twilio.com`; point it at the simulator in demo mode and tests. */
  baseUrl?: string;
  /** Per request, from sending to the last byte. Default 15,000 ms. */
  timeoutMs?: number;
  /** Injected for tests; default global `fetch`. */
  fetch?: typeof fetch;
  clock?: Clock;
  userAgent?: string;
}

export const twilioClientDefaults = {
  baseUrl: 'https://api.twilio.com',
  timeoutMs: 15_000,
  userAgent: 'acusms/0.1',
} satisfies Partial<TwilioClientOptions>;

export interface CreateMessageParams {
  to: string;
  /** A number of this account; or give `messagingServiceSid` (or both). */
  from?: string;
  messagingServiceSid?: string;
  body?: string;
  mediaUrl?: readonly string[];
  /** Fragment (`#rc=3&rp=all`) is kept: it is how connection overrides reach Twilio. */
  statusCallback?: string;
  /** Seconds, 1..36000 (default 36000 at Twilio). */
  validityPeriod?: number;
  /** Any other CreateMessage parameter, sent as is (`SmartEncoded`, `ShortenUrls`…). */
  extra?: Readonly<Record<string, string>>;
}

export interface ListMessagesFilter {
  to?: string;
  from?: string;
  /** `DateSent>`: on or after. A `Date` goes as `YYYY-MM-DDTHH:mm:ssZ`, a string as given. */
  dateSentAfter?: Date | string;
  /** `DateSent<`: on or before. */
  dateSentBefore?: Date | string;
  /** `DateSent`: that day (`YYYY-MM-DD`). */
  dateSent?: string;
  /** 1..1000, default 50 at Twilio. */
  pageSize?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface TwilioClient {
  readonly accountSid: string;
  readonly baseUrl: string;
  createMessage(params: CreateMessageParams, options?: CallOptions): Promise<TwilioMessage>;
  fetchMessage(sid: string, options?: CallOptions): Promise<TwilioMessage>;
  /** Every message matching the filter, newest first, following `next_page_uri`. */
  listMessages(filter?: ListMessagesFilter, options?: CallOptions): AsyncGenerator<TwilioMessage>;
  /** One page; pass `pageUri` (a `next_page_uri`) to resume where a cursor left off. */
  listMessagePage(
    filter: ListMessagesFilter | { pageUri: string },
    options?: CallOptions,
  ): Promise<MessagePage>;
  fetchAccount(options?: CallOptions): Promise<TwilioAccount>;
  /** SIDs of the account's numbers equal to `phoneNumber` (empty: not this account's number). */
  findIncomingNumber(phoneNumber: string, options?: CallOptions): Promise<string[]>;
}

const API = '/2010-04-01/Accounts';

/** Twilio's own `DateSent>` format (the SDK sends the same, notes §1.5). */
export function formatDateSentFilter(value: Date | string): string {
  return typeof value === 'string' ? value : `${value.toISOString().slice(0, 19)}Z`;
}

export function listQuery(filter: ListMessagesFilter): URLSearchParams {
  const q = new URLSearchParams();
  if (filter.to !== undefined) q.set('To', filter.to);
  if (filter.from !== undefined) q.set('From', filter.from);
  if (filter.dateSent !== undefined) q.set('DateSent', filter.dateSent);
  if (filter.dateSentBefore !== undefined) q.set('DateSent<', formatDateSentFilter(filter.dateSentBefore));
  if (filter.dateSentAfter !== undefined) q.set('DateSent>', formatDateSentFilter(filter.dateSentAfter));
  if (filter.pageSize !== undefined) {
    if (!Number.isInteger(filter.pageSize) || filter.pageSize < 1 || filter.pageSize > 1000) {
      throw new RangeError(`pageSize must be an integer from 1 to 1000, got ${filter.pageSize}`);
    }
    q.set('PageSize', String(filter.pageSize));
  }
  return q;
}

export function createMessageForm(params: CreateMessageParams): URLSearchParams {
  if (params.from === undefined && params.messagingServiceSid === undefined) {
    throw new TypeError('createMessage needs `from` or `messagingServiceSid`');
  }
  const form = new URLSearchParams();
  form.set('To', params.to);
  if (params.from !== undefined) form.set('From', params.from);
  if (params.messagingServiceSid !== undefined) form.set('MessagingServiceSid', params.messagingServiceSid);
  if (params.body !== undefined) form.set('Body', params.body);
  for (const url of params.mediaUrl ?? []) form.append('MediaUrl', url);
  if (params.statusCallback !== undefined) form.set('StatusCallback', params.statusCallback);
  if (params.validityPeriod !== undefined) form.set('ValidityPeriod', String(params.validityPeriod));
  for (const [k, v] of Object.entries(params.extra ?? {})) form.set(k, v);
  return form;
}

/** Errors from undici that prove the request never reached the server, so nothing was created. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function causeCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e !== null && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function createTwilioClient(options: TwilioClientOptions): TwilioClient {
  const baseUrl = (options.baseUrl ?? twilioClientDefaults.baseUrl).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? twilioClientDefaults.timeoutMs;
  const doFetch = options.fetch ?? fetch;
  const clock = options.clock ?? systemClock;
  const accountPath = `${API}/${encodeURIComponent(options.accountSid)}`;

  function authorization(): string {
    const [user, pass] =
      options.auth.type === 'authToken'
        ? [options.accountSid, options.auth.authToken.reveal()]
        : [options.auth.apiKeySid, options.auth.apiKeySecret.reveal()];
    return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }

  async function call(
    operation: TwilioOperation,
    method: 'GET' | 'POST',
    pathAndQuery: string,
    form: URLSearchParams | undefined,
    callOptions: CallOptions | undefined,
  ): Promise<unknown> {
    const signals = [AbortSignal.timeout(timeoutMs)];
    if (callOptions?.signal) signals.push(callOptions.signal);
    const what = `${method} ${pathAndQuery.split('?')[0]}`;
    let response: Response;
    let text: string;
    try {
      response = await doFetch(`${baseUrl}${pathAndQuery}`, {
        method,
        headers: {
          authorization: authorization(),
          accept: 'application/json',
          'user-agent': options.userAgent ?? twilioClientDefaults.userAgent,
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(form ? { body: form.toString() } : {}),
        signal: AbortSignal.any(signals),
      });
      text = await response.text();
    } catch (error) {
      const code = causeCode(error);
      const neverSent = code !== undefined && NOT_SENT_CODES.has(code);
      // A read that failed is always safe to repeat; a create is only when it never left.
      const kind = operation === 'create' && !neverSent ? 'ambiguous' : 'transient';
      const reason =
        error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : (code ?? 'failed');
      throw new TwilioApiError(`Twilio ${what} ${reason}`, { kind, status: 0, cause: error });
    }
    let json: unknown;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch (error) {
      json = undefined;
      if (response.ok) {
        throw new TwilioApiError(`Twilio ${what} answered ${response.status} with a body that is not JSON`, {
          kind: operation === 'create' ? 'ambiguous' : 'transient',
          status: response.status,
          cause: error,
        });
      }
    }
    if (response.ok) return json;
    const body = twilioErrorBodySchema.safeParse(json);
    const twilioCode = body.success ? (body.data.code ?? null) : null;
    const message = body.success && body.data.message ? body.data.message : response.statusText;
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), clock.now());
    throw new TwilioApiError(
      `Twilio ${what} failed: ${response.status}${twilioCode === null ? '' : ` ${twilioCode}`} ${message}`,
      {
        kind: classifyTwilioError(operation, response.status, twilioCode),
        status: response.status,
        twilioCode,
        moreInfo: body.success ? (body.data.more_info ?? null) : null,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    );
  }

  function parse<T>(
    operation: TwilioOperation,
    what: string,
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: unknown } },
    json: unknown,
  ): T {
    const parsed = schema.safeParse(json);
    if (parsed.success) return parsed.data;
    // On create a 2xx with an unexpected body still means the message probably exists.
    throw new TwilioApiError(`Twilio ${what} returned an unexpected body`, {
      kind: operation === 'create' ? 'ambiguous' : 'permanent',
      status: 200,
      cause: parsed.error,
    });
  }

  async function listMessagePage(
    filter: ListMessagesFilter | { pageUri: string },
    callOptions?: CallOptions,
  ): Promise<MessagePage> {
    const pathAndQuery =
      'pageUri' in filter ? filter.pageUri : `${accountPath}/Messages.json?${listQuery(filter).toString()}`;
    const json = await call('read', 'GET', pathAndQuery, undefined, callOptions);
    return parse('read', 'list messages', messagePageSchema, json);
  }

  return {
    accountSid: options.accountSid,
    baseUrl,
    async createMessage(params, callOptions) {
      const json = await call(
        'create',
        'POST',
        `${accountPath}/Messages.json`,
        createMessageForm(params),
        callOptions,
      );
      return parse('create', 'create message', twilioMessageSchema, json);
    },
    async fetchMessage(sid, callOptions) {
      const json = await call(
        'read',
        'GET',
        `${accountPath}/Messages/${encodeURIComponent(sid)}.json`,
        undefined,
        callOptions,
      );
      return parse('read', 'fetch message', twilioMessageSchema, json);
    },
    async *listMessages(filter = {}, callOptions) {
      let page = await listMessagePage(filter, callOptions);
      for (;;) {
        yield* page.messages;
        if (page.next_page_uri === null) return;
        page = await listMessagePage({ pageUri: page.next_page_uri }, callOptions);
      }
    },
    listMessagePage,
    async fetchAccount(callOptions) {
      const json = await call('read', 'GET', `${accountPath}.json`, undefined, callOptions);
      return parse('read', 'fetch account', twilioAccountSchema, json);
    },
    async findIncomingNumber(phoneNumber, callOptions) {
      const q = new URLSearchParams({ PhoneNumber: phoneNumber });
      const json = await call(
        'read',
        'GET',
        `${accountPath}/IncomingPhoneNumbers.json?${q}`,
        undefined,
        callOptions,
      );
      return parse('read', 'list incoming numbers', incomingNumberPageSchema, json)
        .incoming_phone_numbers.filter((n) => n.phone_number === phoneNumber)
        .map((n) => n.sid);
    },
  };
}
