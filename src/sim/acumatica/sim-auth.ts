import { randomBytes } from 'node:crypto';

export interface SimUser {
  username: string;
  password: string;
}

export interface SimClient {
  /** `<GUID>@<Tenant>`; the tenant is taken from the suffix (notes §1.2). */
  clientId: string;
  secret: string;
}

export interface SimAuthConfig {
  users: SimUser[];
  clients: SimClient[];
  /** "Maximum Number of Web Services API Users" (seats). */
  apiUsers: number;
  accessTokenLifetimeSec: number;
  refreshTokenLifetimeSec: number;
  /** Sessions close after this idle time (10 minutes on real instances). */
  sessionIdleMs: number;
}

interface Session {
  id: string;
  tenant: string;
  username: string;
  kind: 'cookie' | 'oauth';
  lastUsed: number;
  aspxAuth?: string;
  closed: boolean;
}

interface AccessToken {
  sessionId: string;
  expiresAt: number;
}

interface RefreshToken {
  sessionId: string;
  clientId: string;
  chainExpiresAt: number;
}

export type TokenResult = { status: number; body: Record<string, unknown> };

const token = () => randomBytes(24).toString('base64url');

/** Cookie sessions and OAuth tokens for all tenants, with the API-user seat limit. */
export class SimAuth {
  readonly #sessions = new Map<string, Session>();
  readonly #access = new Map<string, AccessToken>();
  readonly #refresh = new Map<string, RefreshToken>();
  readonly counters = { passwordGrants: 0, refreshGrants: 0, logins: 0, logouts: 0, loginLimitHits: 0 };

  constructor(
    readonly config: (tenant: string) => SimAuthConfig | undefined,
    readonly defaultTenant: string,
    private readonly now: () => number,
  ) {}

  activeSessions(tenant: string): number {
    const now = this.now();
    let n = 0;
    for (const s of this.#sessions.values()) {
      if (s.tenant === tenant && !s.closed && s.lastUsed + (this.config(tenant)?.sessionIdleMs ?? 0) > now)
        n += 1;
    }
    return n;
  }

  #open(tenant: string, username: string, kind: Session['kind']): Session | 'limit' {
    const cfg = this.config(tenant)!;
    if (this.activeSessions(tenant) >= cfg.apiUsers) {
      this.counters.loginLimitHits += 1;
      return 'limit';
    }
    const s: Session = { id: token(), tenant, username, kind, lastUsed: this.now(), closed: false };
    this.#sessions.set(s.id, s);
    return s;
  }

  tokenRequest(form: Record<string, string>): TokenResult {
    const clientId = form.client_id ?? '';
    const tenant = clientId.includes('@') ? clientId.slice(clientId.indexOf('@') + 1) : this.defaultTenant;
    const cfg = this.config(tenant);
    const client = cfg?.clients.find((c) => c.clientId === clientId);
    if (!cfg || !client || client.secret !== form.client_secret) {
      return { status: 400, body: { error: 'invalid_client' } };
    }
    const now = this.now();
    if (form.grant_type === 'password') {
      this.counters.passwordGrants += 1;
      const user = cfg.users.find((u) => u.username === form.username && u.password === form.password);
      if (!user)
        return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid credentials.' } };
      const scopes = (form.scope ?? '').split(/\s+/);
      if (!scopes.includes('api')) return { status: 400, body: { error: 'invalid_scope' } };
      const session = this.#open(tenant, user.username, 'oauth');
      if (session === 'limit') {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'API Login Limit' } };
      }
      const offline = scopes.includes('offline_access');
      return this.#issue(
        session,
        clientId,
        offline ? now + cfg.refreshTokenLifetimeSec * 1000 : undefined,
        form.scope,
      );
    }
    if (form.grant_type === 'refresh_token') {
      this.counters.refreshGrants += 1;
      const rt = this.#refresh.get(form.refresh_token ?? '');
      // Rotation: a refresh token works once; reuse or expiry ends the chain.
      if (!rt || rt.clientId !== clientId || rt.chainExpiresAt <= now) {
        return { status: 400, body: { error: 'invalid_grant' } };
      }
      this.#refresh.delete(form.refresh_token ?? '');
      const session = this.#sessions.get(rt.sessionId);
      if (!session) return { status: 400, body: { error: 'invalid_grant' } };
      // "A refreshed token reuses the first token's session ID" (notes §1.2).
      session.closed = false;
      session.lastUsed = now;
      return this.#issue(session, clientId, rt.chainExpiresAt, 'api offline_access');
    }
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  }

  #issue(
    session: Session,
    clientId: string,
    chainExpiresAt: number | undefined,
    scope?: string,
  ): TokenResult {
    const cfg = this.config(session.tenant)!;
    const access = token();
    this.#access.set(access, {
      sessionId: session.id,
      expiresAt: this.now() + cfg.accessTokenLifetimeSec * 1000,
    });
    const body: Record<string, unknown> = {
      access_token: access,
      expires_in: cfg.accessTokenLifetimeSec,
      token_type: 'Bearer',
      scope: scope ?? 'api',
    };
    if (chainExpiresAt !== undefined) {
      const refresh = token();
      this.#refresh.set(refresh, { sessionId: session.id, clientId, chainExpiresAt });
      body.refresh_token = refresh;
    }
    return { status: 200, body };
  }

  /** Cookie login; returns Set-Cookie lines or an error message. */
  login(body: Record<string, unknown>): { cookies: string[] } | { status: number; message: string } {
    const tenant =
      typeof body.tenant === 'string'
        ? body.tenant
        : typeof body.company === 'string'
          ? body.company
          : this.defaultTenant;
    const cfg = this.config(tenant);
    const user = cfg?.users.find((u) => u.username === body.name && u.password === body.password);
    this.counters.logins += 1;
    if (!cfg || !user) return { status: 500, message: 'Error: Invalid credentials. Please try again.' };
    const session = this.#open(tenant, user.username, 'cookie');
    if (session === 'limit') return { status: 500, message: 'API Login Limit' };
    session.aspxAuth = token();
    return {
      cookies: [
        `ASP.NET_SessionId=${session.id}; path=/; HttpOnly; SameSite=Lax`,
        `.ASPXAUTH=${session.aspxAuth}; path=/; HttpOnly`,
        'UserBranch=1; path=/; secure; HttpOnly',
        'Locale=Culture=en-US&TimeZone=GMTM0600A; path=/',
      ],
    };
  }

  logout(headers: { cookie?: string; authorization?: string }): void {
    this.counters.logouts += 1;
    const s = this.#resolve(headers, false);
    if (s) s.closed = true;
  }

  /** The session behind a request, touched; undefined ⇒ 401. */
  authenticate(headers: { cookie?: string; authorization?: string }): Session | undefined {
    return this.#resolve(headers, true);
  }

  #resolve(headers: { cookie?: string; authorization?: string }, touch: boolean): Session | undefined {
    const now = this.now();
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    let s: Session | undefined;
    if (bearer) {
      const at = this.#access.get(bearer);
      if (!at || at.expiresAt <= now) return undefined;
      s = this.#sessions.get(at.sessionId);
      // An OAuth session idle-closed is reopened by its still-valid token (single session per grant).
      if (s && !s.closed && touch) s.lastUsed = now;
      return s?.closed ? undefined : s;
    }
    const jar = parseCookies(headers.cookie ?? '');
    s = this.#sessions.get(jar['ASP.NET_SessionId'] ?? '');
    if (s?.kind !== 'cookie' || s.closed || s.aspxAuth !== jar['.ASPXAUTH']) return undefined;
    if (s.lastUsed + (this.config(s.tenant)?.sessionIdleMs ?? 0) <= now) {
      s.closed = true;
      return undefined;
    }
    if (touch) s.lastUsed = now;
    return s;
  }

  /** Fault knob: every access token expires now (refresh tokens stay valid). */
  expireAccessTokens(): void {
    for (const at of this.#access.values()) at.expiresAt = 0;
  }

  /** Fault knob: every session idles out now. */
  expireSessions(): void {
    for (const s of this.#sessions.values()) if (s.kind === 'cookie') s.closed = true;
  }
}

function parseCookies(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}
