import { afterEach, describe, expect, it } from 'vitest';
import type { TwilioSimulator } from '../../src/sim/twilio/index.js';
import { type AttemptWindow, isTwilioApiError } from '../../src/twilio/errors.js';
import { sendMessage } from '../../src/twilio/send.js';
import { ACCOUNT, clientFor, FROM, SERVICE_SID, startSim, TO } from './helpers.js';

let sim: TwilioSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** What the job queue does: retry retryable failures, carrying the unresolved attempts along. */
async function sendLikeTheQueue(send: (prior: readonly AttemptWindow[]) => ReturnType<typeof sendMessage>) {
  let prior: readonly AttemptWindow[] = [];
  for (let attempt = 1; attempt <= 30; attempt++) {
    try {
      return { ...(await send(prior)), attempt };
    } catch (error) {
      if (!isTwilioApiError(error) || !error.retryable) throw error;
      if (error.attempts.length > 0) prior = error.attempts;
    }
  }
  throw new Error('gave up after 30 attempts');
}

describe('sendMessage: one logical send ⇒ at most one message', () => {
  it('200 sends under timeout-after-create, 5xx and 429 faults: exactly 200 messages, no duplicate', async () => {
    sim = await startSim({
      seed: 20260105,
      faults: {
        timeoutAfterCreateRate: 0.3,
        serverErrorAfterCreateRate: 0.05,
        serverErrorRate: 0.05,
        rateLimitRate: 0.05,
      },
    });
    const s = sim;
    const client = clientFor(s);
    const results = [];
    const ids = Array.from({ length: 200 }, (_, i) => i);
    // Ten at a time, like ten workers, to the same ten recipients.
    for (let i = 0; i < ids.length; i += 10) {
      results.push(
        ...(await Promise.all(
          ids.slice(i, i + 10).map((n) =>
            sendLikeTheQueue((prior) =>
              sendMessage(
                client,
                {
                  to: `+131255501${String(n % 10).padStart(2, '0')}`,
                  from: FROM,
                  body: `Order ${n} has shipped.`,
                },
                { priorAttempts: prior },
              ),
            ),
          ),
        )),
      );
    }

    const outbound = s.messages().filter((m) => m.direction === 'outbound-api');
    expect(outbound.length).toBe(200);
    expect(new Set(outbound.map((m) => m.body)).size).toBe(200);
    const sids = new Set(outbound.map((m) => m.sid));
    expect(new Set(results.map((r) => r.message.sid))).toEqual(sids);
    for (const r of results) {
      const at = outbound.find((m) => m.sid === r.message.sid);
      expect(at?.body).toBe(r.message.body);
    }
    // The faults really fired and the lookup path really ran.
    const lost = s.requests.filter((r) => r.fault === 'timeoutAfterCreateRate').length;
    expect(lost).toBeGreaterThan(30);
    expect(results.filter((r) => r.resolvedBy === 'lookup').length).toBeGreaterThan(30);
    expect(s.requests.some((r) => r.fault === 'serverErrorRate' && r.method === 'POST')).toBe(true);
  });

  it('not found after an ambiguous failure: retryable error with attempts; next try looks up first', async () => {
    sim = await startSim({ faults: { serverErrorRate: 1 } });
    const client = clientFor(sim);
    const error = await sendMessage(client, { to: TO, from: FROM, body: 'x' }).catch((e: unknown) => e);
    expect(isTwilioApiError(error)).toBe(true);
    if (!isTwilioApiError(error)) return;
    // The lookup itself hit the 500 too: still ambiguous, still retryable, attempts kept.
    expect([error.kind, error.retryable, error.attempts.length]).toEqual(['ambiguous', true, 1]);

    sim.setFaults({ serverErrorRate: 0 });
    sim.clearRequests();
    const second = await sendMessage(
      client,
      { to: TO, from: FROM, body: 'x' },
      { priorAttempts: error.attempts },
    );
    expect(second.resolvedBy).toBe('create');
    expect(sim.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('a failure after an unresolved attempt keeps the attempt for the next try', async () => {
    sim = await startSim({ faults: { rateLimitRate: 1 } });
    const client = clientFor(sim);
    const prior = [{ startedAtMs: Date.now() - 1000, endedAtMs: Date.now() }];
    const e = await sendMessage(client, { to: TO, from: FROM, body: 'x' }, { priorAttempts: prior }).catch(
      (err: unknown) => err,
    );
    expect(e).toMatchObject({ kind: 'rate_limited', retryable: true, attempts: prior });
  });

  it('a prior attempt that created nothing: one lookup, then one create', async () => {
    sim = await startSim();
    const client = clientFor(sim);
    const now = Date.now();
    const result = await sendMessage(
      client,
      { to: TO, from: FROM, body: 'never created' },
      {
        priorAttempts: [{ startedAtMs: now - 1000, endedAtMs: now }],
      },
    );
    expect(result.resolvedBy).toBe('create');
    expect(sim.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('the lookup matches body, sender and time, and skips claimed SIDs', async () => {
    sim = await startSim({
      accounts: [{ ...ACCOUNT, messagingServices: [{ sid: SERVICE_SID, numbers: [FROM] }] }],
    });
    const client = clientFor(sim);
    // Same To and body, but from another logical send that already owns its SID.
    const other = await client.createMessage({ to: TO, from: FROM, body: 'Your code is ready' });
    sim.setFaults({ timeoutAfterCreateRate: 1 });
    const found = await sendMessage(
      client,
      { to: TO, from: FROM, body: 'Your code is ready' },
      {
        isClaimed: (sid) => sid === other.sid,
      },
    );
    // Response lost: the lookup adopts the new message, not the look-alike `other`.
    expect(found.resolvedBy).toBe('lookup');
    expect(found.message.sid).not.toBe(other.sid);

    // Messaging Service sends match on messaging_service_sid, with a different body not matching.
    const viaService = await sendMessage(client, {
      to: TO,
      messagingServiceSid: SERVICE_SID,
      body: 'via service',
    });
    expect(viaService.resolvedBy).toBe('lookup');
    expect(viaService.message.messaging_service_sid).toBe(SERVICE_SID);
    expect(viaService.message.body).toBe('via service');
  });

  it('each error class leads to its outcome without a lookup', async () => {
    sim = await startSim({ landlineNumbers: ['+13125550177'] });
    const s = sim;
    const client = clientFor(s);
    const outcome = async (params: Parameters<typeof sendMessage>[1]) => {
      s.clearRequests();
      const e = await sendMessage(client, params).catch((err: unknown) => err);
      if (!isTwilioApiError(e)) throw new Error('expected a TwilioApiError');
      return { kind: e.kind, retryable: e.retryable, requests: s.requests.map((r) => r.method).join(',') };
    };
    expect(await outcome({ to: '+15551234567', from: FROM, body: 'x' })).toEqual({
      kind: 'permanent',
      retryable: false,
      requests: 'POST',
    });
    expect(await outcome({ to: '+13125550177', from: FROM, body: 'x' })).toMatchObject({ kind: 'permanent' });
    await s.injectInbound({ from: '+13125550166', to: FROM, body: 'unsubscribe' });
    expect(await outcome({ to: '+13125550166', from: FROM, body: 'x' })).toEqual({
      kind: 'opted_out',
      retryable: false,
      requests: 'POST',
    });
    s.setFaults({ rateLimitRate: 1 });
    expect(await outcome({ to: TO, from: FROM, body: 'x' })).toEqual({
      kind: 'rate_limited',
      retryable: true,
      requests: 'POST',
    });
    s.setFaults({ rateLimitRate: 0, authFailure: true });
    expect(await outcome({ to: TO, from: FROM, body: 'x' })).toEqual({
      kind: 'credentials',
      retryable: false,
      requests: 'POST',
    });
    s.setFaults({ authFailure: false, serverErrorAfterCreateRate: 1 });
    const resolved = await sendMessage(client, { to: TO, from: FROM, body: 'created then 500' });
    expect(resolved.resolvedBy).toBe('lookup');
    expect(s.messages().filter((m) => m.body === 'created then 500').length).toBe(1);
  });
});
