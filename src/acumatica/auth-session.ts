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
import { withSlash } from './auth-oauth.js';
import { responseError } from './errors.js';

export interface SessionOptions {
  url: string;
  /** acusms tenant id (alerts). */
  tenant: string;
  username: string;
  password: Secret;
  /** Acumatica tenant login name (SM203520); sent as `tenant`, the current field name (§1.1). */
  company?: string;
  /** Branch ID (CS102000), optional. */
  branch?: string;
  clock: Clock;
  timeoutMs?: number;
  onAuthFailure?: (failure: AuthFailure) => void;
  fetch?: typeof fetch;
}

/**
 * Cookie session via `/entity/auth/login`. The whole cookie jar is kept and sent back
 * (`ASP.NET_SessionId`, `.ASPXAUTH`, `UserBranch`, …; notes §1.1). Each open session holds one
 * API-user seat until sign-out or a 10-minute idle timeout, so `close()` always signs out.
 */
export class SessionAuthenticator implements Authenticator {
  readonly #o: SessionOptions;
  readonly #guard: LoginGuard;
  readonly #fetch: typeof fetch;
  readonly #jar = new Map<string, string>();
  #generation = 0;
  #live = false;

  constructor(options: SessionOptions) {
    this.#o = options;
    this.#fetch = options.fetch ?? fetch;
    this.#guard = new LoginGuard({
      tenant: options.tenant,
      clock: options.clock,
      ...(options.onAuthFailure ? { onAuthFailure: options.onAuthFailure } : {}),
    });
  }

  async grant(signal?: AbortSignal): Promise<AuthGrant> {
    if (!this.#live) await this.#guard.run(() => this.#login(signal));
    return { headers: { Cookie: this.#cookieHeader() }, generation: this.#generation };
  }

  invalidate(generation: number): void {
    // The server already dropped this session (idle expiry); its seat is free, the jar is stale.
    if (generation === this.#generation) {
      this.#live = false;
      this.#jar.clear();
    }
  }

  observe(headers: Headers): void {
    if (this.#live) this.#absorb(headers);
  }

  async close(): Promise<void> {
    if (!this.#live) return;
    const cookie = this.#cookieHeader();
    this.#live = false;
    this.#jar.clear();
    try {
      // Sign-out skips the licence queue (notes §1.1), so it does not wait behind our own requests.
      await this.#fetch(new URL('entity/auth/logout', withSlash(this.#o.url)), {
        method: 'POST',
        headers: { Cookie: cookie },
        signal: AbortSignal.timeout(this.#o.timeoutMs ?? 30_000),
      });
    } catch {
      // Nothing more to do: the seat frees itself after the idle timeout.
    }
  }

  async #login(signal?: AbortSignal): Promise<void> {
    if (this.#live) return;
    const operation = 'POST /entity/auth/login';
    const s = withTimeout(this.#o.timeoutMs ?? 60_000, signal);
    let res: Response;
    try {
      res = await this.#fetch(new URL('entity/auth/login', withSlash(this.#o.url)), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          name: this.#o.username,
          password: this.#o.password.reveal(),
          ...(this.#o.company ? { tenant: this.#o.company } : {}),
          ...(this.#o.branch ? { branch: this.#o.branch } : {}),
        }),
        signal: s,
      });
    } catch (thrown) {
      throw fetchFailure(thrown, operation, s);
    }
    const text = await res.text();
    if (!res.ok) {
      throw responseError(res, text, operation);
    }
    this.#jar.clear();
    this.#absorb(res.headers);
    this.#live = true;
    this.#generation += 1;
  }

  #absorb(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.#jar.delete(name);
      else this.#jar.set(name, value);
    }
  }

  #cookieHeader(): string {
    return [...this.#jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}
