import type { Secret } from '../config/secret.js';
import { type Clock, systemClock } from '../ops/clock.js';
import {
  MemoryRateLimitStore,
  MemorySemaphoreStore,
  type RateLimitStore,
  type SemaphoreStore,
} from '../ops/rate-limit.js';
import { type Authenticator, type AuthFailure, fetchFailure, withTimeout } from './auth.js';
import { OAuthAuthenticator, withSlash } from './auth-oauth.js';
import { SessionAuthenticator } from './auth-session.js';
import { AcumaticaApiError, responseError } from './errors.js';
import { LicenceLimiter } from './licence-limiter.js';
import { type AuthStateStore, MemoryAuthStateStore } from './ports.js';

export type AcumaticaAuthOptions =
  | {
      type: 'oauth2';
      /** `<GUID>@<Tenant>` (SM303010). */
      clientId: string;
      clientSecret: Secret;
      username: string;
      password: Secret;
      /** Default `api offline_access`. */
      scope?: string;
    }
  | {
      type: 'session';
      username: string;
      password: Secret;
      /** Acumatica tenant login name; needed when the instance has several tenants. */
      company?: string;
      branch?: string;
    };

export interface AcumaticaClientOptions {
  /** Instance root, e.g. `https://acme.acumatica.com`. */
  url: string;
  /** acusms tenant id: keys limits, auth state, alerts. */
  tenant: string;
  /** `<name>/<version>`. Default `Default/24.200.001` (notes §2: pin it). */
  endpoint?: string;
  auth: AcumaticaAuthOptions;
  /** Where OAuth token sets live; required across restarts. Default in-memory. */
  authStore?: AuthStateStore;
  /** Licence: concurrent API requests. Default 2. */
  maxConcurrent?: number;
  /** Licence: API requests per minute. Default 100. */
  requestsPerMinute?: number;
  /** Shared limiter state (SQL-backed on PostgreSQL). Default in-memory. */
  rateStore?: RateLimitStore;
  semaphoreStore?: SemaphoreStore;
  /** Acumatica may hold a request in its queue for up to 10 minutes (§5). Default 300 000 ms. */
  requestTimeoutMs?: number;
  /** Attempts for idempotent GETs on retryable errors. Default 3. Writes are never retried here. */
  getAttempts?: number;
  /**
   * First pause between GET attempts, doubling, capped at 10 s. Default 500 ms. Long waits
   * (429, login limits) are left to the job queue, which reads `retryAfterMs`.
   */
  getRetryDelayMs?: number;
  clock?: Clock;
  onAuthFailure?: (failure: AuthFailure) => void;
  fetch?: typeof fetch;
}

export const ACUMATICA_CLIENT_DEFAULTS = {
  endpoint: 'Default/24.200.001',
  maxConcurrent: 2,
  requestsPerMinute: 100,
  requestTimeoutMs: 300_000,
  getAttempts: 3,
  getRetryDelayMs: 500,
} satisfies Partial<AcumaticaClientOptions>;

export interface AcumaticaRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Relative to the endpoint (`Contact/…`), or absolute from the instance root when it starts with `/`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface AcumaticaResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body (204). */
  body: unknown;
}

/**
 * One tenant's HTTP access to the contract-based API: authentication (with one re-login on
 * 401), the licence limits, long timeouts, and error classification. Entity operations are in
 * `entities.ts`; this file knows nothing about records.
 */
export class AcumaticaClient {
  readonly options: Readonly<AcumaticaClientOptions>;
  readonly endpoint: string;
  readonly #auth: Authenticator;
  readonly #limiter: LicenceLimiter;
  readonly #fetch: typeof fetch;
  readonly #clock: Clock;
  readonly #base: string;

  constructor(options: AcumaticaClientOptions) {
    this.options = options;
    this.endpoint = options.endpoint ?? ACUMATICA_CLIENT_DEFAULTS.endpoint;
    if (!/^[A-Za-z0-9_]+\/\d+\.\d+\.\d+$/.test(this.endpoint)) {
      throw new TypeError(`endpoint must look like Default/24.200.001, got "${this.endpoint}"`);
    }
    this.#fetch = options.fetch ?? fetch;
    this.#clock = options.clock ?? systemClock;
    this.#base = withSlash(options.url);
    this.#auth = makeAuthenticator(options, this.#clock, this.#fetch);
    const timeout = options.requestTimeoutMs ?? ACUMATICA_CLIENT_DEFAULTS.requestTimeoutMs;
    this.#limiter = new LicenceLimiter({
      key: options.tenant,
      maxConcurrent: options.maxConcurrent ?? ACUMATICA_CLIENT_DEFAULTS.maxConcurrent,
      requestsPerMinute: options.requestsPerMinute ?? ACUMATICA_CLIENT_DEFAULTS.requestsPerMinute,
      rateStore: options.rateStore ?? new MemoryRateLimitStore(),
      semaphoreStore: options.semaphoreStore ?? new MemorySemaphoreStore(),
      clock: this.#clock,
      leaseMs: timeout + 60_000,
    });
  }

  /** Runs one request under the limits. Idempotent GETs retry transient failures a few times. */
  async request(req: AcumaticaRequest): Promise<AcumaticaResponse> {
    const attempts =
      req.method === 'GET' ? (this.options.getAttempts ?? ACUMATICA_CLIENT_DEFAULTS.getAttempts) : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#limiter.run(() => this.#send(req), req.signal);
      } catch (error) {
        if (!(error instanceof AcumaticaApiError) || !error.retryable || attempt >= attempts) throw error;
        const base = this.options.getRetryDelayMs ?? ACUMATICA_CLIENT_DEFAULTS.getRetryDelayMs;
        await this.#clock.sleep(Math.min(base * 2 ** (attempt - 1), 10_000), req.signal);
      }
    }
  }

  /** Signs out of a cookie session (frees the licence seat); OAuth needs nothing. Idempotent. */
  async close(): Promise<void> {
    await this.#auth.close();
  }

  /** Obtains credentials now (doctor, start-up), so a bad password shows before the first job. */
  async authenticate(signal?: AbortSignal): Promise<void> {
    await this.#auth.grant(signal);
  }

  #url(req: AcumaticaRequest): URL {
    const path = req.path.startsWith('/') ? req.path.slice(1) : `entity/${this.endpoint}/${req.path}`;
    const url = new URL(path, this.#base);
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  async #send(req: AcumaticaRequest): Promise<AcumaticaResponse> {
    const url = this.#url(req);
    const operation = `${req.method} ${url.pathname.replace(/^.*\/entity\/[^/]+\/[^/]+\//, '')}`;
    for (let reauthed = false; ; reauthed = true) {
      const grant = await this.#auth.grant(req.signal);
      const signal = withTimeout(
        this.options.requestTimeoutMs ?? ACUMATICA_CLIENT_DEFAULTS.requestTimeoutMs,
        req.signal,
      );
      let res: Response;
      let text: string;
      try {
        res = await this.#fetch(url, {
          method: req.method,
          headers: {
            accept: 'application/json',
            ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...req.headers,
            ...grant.headers,
          },
          ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
          signal,
        });
        text = await res.text();
      } catch (thrown) {
        throw fetchFailure(thrown, operation, signal);
      }
      this.#auth.observe?.(res.headers);
      if (res.status === 401 && !reauthed) {
        // Expired token or idle-expired session: one fresh login, one retry (then give up).
        this.#auth.invalidate(grant.generation);
        continue;
      }
      if (!res.ok) {
        throw responseError(res, text, operation);
      }
      return { status: res.status, headers: res.headers, body: parseBody(text, res, operation) };
    }
  }
}

function parseBody(text: string, res: Response, operation: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    // A proxy or IIS can answer 200 with an HTML page (login redirect, maintenance).
    throw new AcumaticaApiError('server', `${operation} answered ${res.status} with a non-JSON body`, {
      cause,
    });
  }
}

function makeAuthenticator(o: AcumaticaClientOptions, clock: Clock, fetchFn: typeof fetch): Authenticator {
  const common = {
    url: o.url,
    tenant: o.tenant,
    clock,
    fetch: fetchFn,
    ...(o.onAuthFailure ? { onAuthFailure: o.onAuthFailure } : {}),
  };
  switch (o.auth.type) {
    case 'oauth2':
      return new OAuthAuthenticator({
        ...common,
        clientId: o.auth.clientId,
        clientSecret: o.auth.clientSecret,
        username: o.auth.username,
        password: o.auth.password,
        store: o.authStore ?? new MemoryAuthStateStore(),
        ...(o.auth.scope ? { scope: o.auth.scope } : {}),
      });
    case 'session':
      return new SessionAuthenticator({
        ...common,
        username: o.auth.username,
        password: o.auth.password,
        ...(o.auth.company ? { company: o.auth.company } : {}),
        ...(o.auth.branch ? { branch: o.auth.branch } : {}),
      });
    default: {
      const never: never = o.auth;
      throw new TypeError(`unknown auth type ${JSON.stringify(never)}`);
    }
  }
}
