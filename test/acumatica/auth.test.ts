import { describe, expect, it, vi } from 'vitest';
import type { AuthFailure } from '../../src/acumatica/auth.js';
import { isAcumaticaError } from '../../src/acumatica/errors.js';
import { MemoryAuthStateStore } from '../../src/acumatica/ports.js';
import { Secret } from '../../src/config/secret.js';
import { ManualClock } from '../../src/ops/clock.js';
import { clientFor, oauth, session, withSim } from './helpers.js';

describe('OAuth password flow', () => {
  it('re-authenticates once when the token expires mid-run, by refresh, not a new login', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim);
      await entities.listPage('Contact', { top: 1 });
      sim.expireAccessTokens();
      await entities.listPage('Contact', { top: 1 });
      const c = sim.counters();
      expect(c.passwordGrants).toBe(1);
      expect(c.refreshGrants).toBe(1);
      expect(c.activeSessions).toBe(1);
    });
  });

  it('refreshes ahead of expiry without waiting for a 401', async () => {
    await withSim({ accessTokenLifetimeSec: 3600 }, async (sim) => {
      const clock = new ManualClock();
      const { entities } = clientFor(sim, { clock });
      await entities.listPage('Contact', { top: 1 });
      await clock.advance(3600_000 - 30_000); // inside the 60 s refresh-ahead window
      await entities.listPage('Contact', { top: 1 });
      expect(sim.counters().refreshGrants).toBe(1);
      expect(sim.counters().requests['GET Contact']).toBe(2); // no 401 round trip
    });
  });

  it('stores every rotated refresh token before using it, and the old one is dead', async () => {
    await withSim({}, async (sim) => {
      const store = new MemoryAuthStateStore();
      const { entities } = clientFor(sim, { authStore: store });
      await entities.listPage('Contact', { top: 1 });
      sim.expireAccessTokens();
      await entities.listPage('Contact', { top: 1 });
      sim.expireAccessTokens();
      await entities.listPage('Contact', { top: 1 });
      const tokens = store.history.map((h) => JSON.parse(h).refreshToken as string);
      expect(tokens).toHaveLength(3);
      expect(new Set(tokens).size).toBe(3);
      const reuse = await fetch(`${sim.url}/identity/connect/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: tokens[0]!,
          client_id: oauth.clientId,
          client_secret: oauth.clientSecret.reveal(),
        }),
      });
      expect(reuse.status).toBe(400);
    });
  });

  it('a restart with the stored token set signs in without a new password login', async () => {
    await withSim({}, async (sim) => {
      const store = new MemoryAuthStateStore();
      const first = clientFor(sim, { authStore: store });
      await first.entities.listPage('Contact', { top: 1 });
      await first.client.close();
      sim.expireAccessTokens(); // the restart happens after the access token died
      const second = clientFor(sim, { authStore: store });
      await second.entities.listPage('Contact', { top: 1 });
      expect(sim.counters().passwordGrants).toBe(1);
      expect(sim.counters().refreshGrants).toBe(1);
    });
  });

  it('falls back to a password login when the refresh chain is gone', async () => {
    await withSim({}, async (sim) => {
      const store = new MemoryAuthStateStore();
      await store.save(
        'acme',
        JSON.stringify({
          kind: 'oauth2',
          clientId: oauth.clientId,
          username: 'admin',
          accessToken: 'dead',
          tokenType: 'Bearer',
          expiresAt: 0,
          refreshToken: 'revoked',
        }),
      );
      const { entities } = clientFor(sim, { authStore: store });
      await entities.listPage('Contact', { top: 1 });
      expect(sim.counters().passwordGrants).toBe(1);
    });
  });

  it('wrong secret: invalid_credentials, alerted once, no retry storm; secrets never in the message', async () => {
    await withSim({}, async (sim) => {
      const failures: AuthFailure[] = [];
      const { entities } = clientFor(sim, {
        auth: { ...oauth, password: new Secret('hunter2-wrong') },
        onAuthFailure: (f) => failures.push(f),
      });
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => entities.listPage('Contact')));
      for (const r of results) {
        expect(r.status).toBe('rejected');
        const e = (r as PromiseRejectedResult).reason;
        expect(isAcumaticaError(e, 'invalid_credentials')).toBe(true);
        expect(String(e.message)).not.toContain('hunter2');
      }
      expect(failures).toHaveLength(1);
      expect(sim.counters().passwordGrants).toBe(1);
      await expect(entities.listPage('Contact')).rejects.toMatchObject({ kind: 'invalid_credentials' });
      expect(sim.counters().passwordGrants).toBe(1); // still backing off
    });
  });
});

describe('cookie session', () => {
  it('sends the whole cookie jar, re-logs in after idle expiry, and logs out on close', async () => {
    await withSim({}, async (sim) => {
      const { entities, client } = clientFor(sim, { auth: session });
      await entities.listPage('Contact', { top: 1 });
      expect(sim.counters().activeSessions).toBe(1);
      sim.expireSessions();
      await entities.listPage('Contact', { top: 1 });
      expect(sim.counters().logins).toBe(2);
      await client.close();
      await client.close(); // idempotent
      expect(sim.counters().logouts).toBe(1);
      expect(sim.counters().activeSessions).toBe(0);
    });
  });

  it('API Login Limit: one login attempt for many callers, alert, back-off', async () => {
    await withSim({ tenants: [{ name: 'Company', apiUsers: 1 }] }, async (sim) => {
      const holder = clientFor(sim, { auth: session });
      await holder.entities.listPage('Contact', { top: 1 });
      const onAuthFailure = vi.fn();
      const { entities } = clientFor(sim, { auth: session, onAuthFailure });
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => entities.listPage('Contact')),
      );
      expect(results.every((r) => r.status === 'rejected' && isAcumaticaError(r.reason, 'login_limit'))).toBe(
        true,
      );
      const err = (results[0] as PromiseRejectedResult).reason;
      expect(err.retryable).toBe(true);
      expect(err.retryAfterMs).toBeGreaterThan(0);
      expect(onAuthFailure).toHaveBeenCalledTimes(1);
      expect(onAuthFailure.mock.calls[0]![0]).toMatchObject({ tenant: 'acme', kind: 'login_limit' });
      expect(sim.counters().logins).toBe(2);
      await holder.client.close();
    });
  });
});
