import { z } from 'zod';
import type { Secret } from '../config/secret.js';
import type { Clock } from '../ops/clock.js';
import {
  type Authenticator,
  type AuthFailure,
  type AuthGrant,
  fetchFailure,
  LoginGuard,
  withTimeout,
} from './auth.js';
import { AcumaticaApiError, isAcumaticaError, responseError } from './errors.js';
import type { AuthStateStore } from './ports.js';

export interface OAuthOptions {
  /** Instance root, e.g. `https://acme.acumatica.com` (or with an instance path). */
  url: string;
  /** acusms tenant id: the key in `auth_state`. */
  tenant: string;
  /** `<GUID>@<Tenant>` from Connected Applications (SM303010); the tenant comes from the suffix. */
  clientId: string;
  clientSecret: Secret;
  username: string;
  password: Secret;
  store: AuthStateStore;
  clock: Clock;
  /** Default `api offline_access`: one session reused across refreshes, no sign-out needed. */
  scope?: string;
  /** Refresh this long before `expires_in` runs out. Default 60 000 ms. */
  refreshAheadMs?: number;
  /** Timeout of a token request. Default 60 000 ms. */
  timeoutMs?: number;
  onAuthFailure?: (failure: AuthFailure) => void;
  fetch?: typeof fetch;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().default('Bearer'),
  expires_in: z.coerce.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

/** What `auth_state.data` holds for OAuth. */
const tokenStateSchema = z.object({
  kind: z.literal('oauth2'),
  clientId: z.string(),
  username: z.string(),
  accessToken: z.string(),
  tokenType: z.string(),
  expiresAt: z.number(),
  refreshToken: z.string().optional(),
});
type TokenState = z.infer<typeof tokenStateSchema>;

/**
 * Resource Owner Password Credentials with rotating refresh tokens (acumatica-notes §1.2). Every
 * token set is written to `auth_state` before it is used, so a crash right after a refresh does
 * not strand the only valid refresh token in memory, and a restart resumes without a new login
 * (a new login would take another API-user seat).
 */
export class OAuthAuthenticator implements Authenticator {
  readonly #o: OAuthOptions;
  readonly #guard: LoginGuard;
  readonly #fetch: typeof fetch;
  #state: TokenState | undefined;
  #loaded = false;
  #generation = 0;
  #invalidated = -1;

  constructor(options: OAuthOptions) {
    this.#o = options;
    this.#fetch = options.fetch ?? fetch;
    this.#guard = new LoginGuard({
      tenant: options.tenant,
      clock: options.clock,
      ...(options.onAuthFailure ? { onAuthFailure: options.onAuthFailure } : {}),
    });
  }

  async grant(signal?: AbortSignal): Promise<AuthGrant> {
    if (!this.#loaded) await this.#load();
    if (!this.#usable()) await this.#guard.run(() => this.#renew(signal));
    const s = this.#state!;
    return { headers: { Authorization: `${s.tokenType} ${s.accessToken}` }, generation: this.#generation };
  }

  invalidate(generation: number): void {
    if (generation === this.#generation) this.#invalidated = generation;
  }

  /** With `offline_access` the session is reused across refreshes and needs no sign-out (§1.2). */
  async close(): Promise<void> {}

  #usable(): boolean {
    const s = this.#state;
    if (!s || this.#invalidated === this.#generation) return false;
    return this.#o.clock.now() < s.expiresAt - (this.#o.refreshAheadMs ?? 60_000);
  }

  async #load(): Promise<void> {
    const raw = await this.#o.store.load(this.#o.tenant);
    this.#loaded = true;
    const parsed = raw === undefined ? undefined : tokenStateSchema.safeParse(safeJson(raw));
    // A stored state for another client or user (config changed) is ignored, not reused.
    if (
      parsed?.success &&
      parsed.data.clientId === this.#o.clientId &&
      parsed.data.username === this.#o.username
    ) {
      this.#adopt(parsed.data);
    }
  }

  #adopt(state: TokenState): void {
    this.#state = state;
    this.#generation += 1;
  }

  async #renew(signal?: AbortSignal): Promise<void> {
    if (this.#usable()) return; // another caller renewed while we queued behind the guard
    const used = this.#state?.refreshToken;
    if (used) {
      try {
        return await this.#request({ grant_type: 'refresh_token', refresh_token: used }, signal);
      } catch (error) {
        if (!isAcumaticaError(error, 'invalid_credentials')) throw error;
        // Another instance may have rotated the token first: the stored one is then newer.
        const raw = await this.#o.store.load(this.#o.tenant);
        const stored = raw === undefined ? undefined : tokenStateSchema.safeParse(safeJson(raw));
        if (stored?.success && stored.data.refreshToken && stored.data.refreshToken !== used) {
          this.#adopt(stored.data);
          if (this.#usable()) return;
          try {
            return await this.#request(
              { grant_type: 'refresh_token', refresh_token: stored.data.refreshToken },
              signal,
            );
          } catch (again) {
            if (!isAcumaticaError(again, 'invalid_credentials')) throw again;
          }
        }
        // The refresh chain is over (expired, revoked, or reused): fall back to a password login.
      }
    }
    await this.#request(
      {
        grant_type: 'password',
        username: this.#o.username,
        password: this.#o.password.reveal(),
        scope: this.#o.scope ?? 'api offline_access',
      },
      signal,
    );
  }

  async #request(params: Record<string, string>, signal?: AbortSignal): Promise<void> {
    const operation = `POST /identity/connect/token (${params.grant_type})`;
    const body = new URLSearchParams({
      ...params,
      client_id: this.#o.clientId,
      client_secret: this.#o.clientSecret.reveal(),
    });
    const s = withTimeout(this.#o.timeoutMs ?? 60_000, signal);
    let res: Response;
    try {
      res = await this.#fetch(new URL('identity/connect/token', withSlash(this.#o.url)), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: s,
      });
    } catch (thrown) {
      throw fetchFailure(thrown, operation, s);
    }
    const text = await res.text();
    if (!res.ok) {
      throw responseError(res, text, operation);
    }
    const token = tokenResponseSchema.safeParse(safeJson(text));
    if (!token.success)
      throw new AcumaticaApiError('server', `${operation} answered 200 without a usable token`);
    const next: TokenState = {
      kind: 'oauth2',
      clientId: this.#o.clientId,
      username: this.#o.username,
      accessToken: token.data.access_token,
      tokenType: token.data.token_type,
      expiresAt: this.#o.clock.now() + token.data.expires_in * 1000,
      // Keep the old refresh token only when the server did not rotate it.
      ...((token.data.refresh_token ?? this.#state?.refreshToken)
        ? { refreshToken: token.data.refresh_token ?? this.#state?.refreshToken }
        : {}),
    };
    await this.#o.store.save(this.#o.tenant, JSON.stringify(next)); // durable before first use
    this.#adopt(next);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
