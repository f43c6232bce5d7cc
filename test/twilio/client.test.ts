import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { isRetryable } from '../../src/errors.js';
import type { TwilioSimulator } from '../../src/sim/twilio/index.js';
import { createTwilioClient } from '../../src/twilio/client.js';
import {
  classifyDeliveryErrorCode,
  classifyTwilioError,
  isTwilioApiError,
  parseRetryAfterMs,
  type TwilioApiError,
} from '../../src/twilio/errors.js';
import { ACCOUNT, clientFor, FROM, startSim, TO } from './helpers.js';

async function failure(p: Promise<unknown>): Promise<TwilioApiError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isTwilioApiError(error)) throw new Error(`expected TwilioApiError, got ${String(error)}`);
  return error;
}

describe('classification table', () => {
  it('maps codes and statuses to kinds', () => {
    for (const code of [21211, 21604, 21614, 21617, 21606, 21408, 21612]) {
      expect(classifyTwilioError('create', 400, code)).toBe('permanent');
    }
    expect(classifyTwilioError('create', 400, 21610)).toBe('opted_out');
    expect(classifyTwilioError('read', 401, 20003)).toBe('credentials');
    expect(classifyTwilioError('read', 401, null)).toBe('credentials');
    expect(classifyTwilioError('create', 429, 20429)).toBe('rate_limited');
    expect(classifyTwilioError('create', 429, null)).toBe('rate_limited');
    expect(classifyTwilioError('create', 400, 21611)).toBe('rate_limited');
    expect(classifyTwilioError('create', 500, null)).toBe('ambiguous');
    expect(classifyTwilioError('create', 503, 20500)).toBe('ambiguous');
    expect(classifyTwilioError('read', 503, null)).toBe('transient');
    expect(classifyTwilioError('read', 404, 20404)).toBe('not_found');
    expect(classifyTwilioError('create', 400, 29999)).toBe('permanent');
    expect(classifyDeliveryErrorCode(21610)).toBe('opted_out');
    expect(classifyDeliveryErrorCode(30007)).toBe('permanent');
  });

  it('parses Retry-After as seconds or HTTP date', () => {
    expect(parseRetryAfterMs('3', 0)).toBe(3000);
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfterMs(null, 0)).toBeUndefined();
    expect(parseRetryAfterMs('soon', 0)).toBeUndefined();
  });
});

describe('Twilio client against the simulator', () => {
  let sim: TwilioSimulator;
  beforeAll(async () => {
    sim = await startSim({
      accounts: [{ ...ACCOUNT, numbers: [{ phoneNumber: FROM }] }],
      landlineNumbers: ['+13125550177'],
    });
  });
  afterAll(() => sim.stop());

  it('creates, fetches and lists across pages, form-encoded with Basic auth', async () => {
    const client = clientFor(sim);
    const sids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const m = await client.createMessage({
        to: TO,
        from: FROM,
        body: `Paging ${i}`,
        statusCallback: 'http://127.0.0.1:1/cb#rc=3&rp=all',
      });
      sids.push(m.sid);
    }
    const create = sim.requests.find((r) => r.method === 'POST');
    expect(create?.params).toMatchObject({
      To: TO,
      From: FROM,
      Body: 'Paging 0',
      StatusCallback: 'http://127.0.0.1:1/cb#rc=3&rp=all',
    });
    expect(create?.authUser).toBe(ACCOUNT.accountSid);

    const fetched = await client.fetchMessage(sids[2] as string);
    expect(fetched.body).toBe('Paging 2');
    expect(fetched.num_segments).toBe('1');

    sim.clearRequests();
    const listed: string[] = [];
    for await (const m of client.listMessages({ to: TO, from: FROM, pageSize: 2 })) listed.push(m.sid);
    expect(listed).toEqual([...sids].reverse());
    expect(sim.requests.length).toBe(3);
    expect(sim.requests[0]?.query).toMatchObject({ To: TO, From: FROM, PageSize: '2' });

    const first = await client.listMessagePage({ to: TO, pageSize: 2 });
    const resumed = await client.listMessagePage({ pageUri: first.next_page_uri as string });
    expect(resumed.messages.map((m) => m.sid)).toEqual([sids[2], sids[1]]);
    await expect(client.listMessages({ pageSize: 1001 }).next()).rejects.toThrow(RangeError);
  });

  it('sends DateSent> and DateSent< as Twilio expects', async () => {
    const client = clientFor(sim);
    sim.clearRequests();
    const since = new Date(Date.UTC(2026, 0, 5, 15, 0, 0));
    for await (const _ of client.listMessages({ dateSentAfter: since, dateSentBefore: '2026-01-06' })) {
      // drain
    }
    expect(sim.requests[0]?.query).toMatchObject({
      'DateSent>': '2026-01-05T15:00:00Z',
      'DateSent<': '2026-01-06',
    });
  });

  it('authenticates with an API key SID and secret', async () => {
    const key = ACCOUNT.apiKeys?.[0];
    const client = clientFor(sim, {
      auth: {
        type: 'apiKey',
        apiKeySid: key?.sid as string,
        apiKeySecret: new Secret(key?.secret as string),
      },
    });
    const account = await client.fetchAccount();
    expect(account.sid).toBe(ACCOUNT.accountSid);
    expect(sim.requests[sim.requests.length - 1]?.authUser).toBe(key?.sid);
  });

  it('permanent errors: not retryable, Twilio code kept', async () => {
    const client = clientFor(sim);
    const cases: [Parameters<typeof client.createMessage>[0], number][] = [
      [{ to: '+15551234567', from: FROM, body: 'x' }, 21211],
      [{ to: '', from: FROM, body: 'x' }, 21604],
      [{ to: '+13125550177', from: FROM, body: 'x' }, 21614],
      [{ to: TO, from: FROM, body: 'x'.repeat(1601) }, 21617],
      [{ to: TO, from: '+13125550199', body: 'x' }, 21606],
    ];
    for (const [params, code] of cases) {
      const e = await failure(client.createMessage(params));
      expect(e.kind).toBe('permanent');
      expect(e.twilioCode).toBe(code);
      expect(e.status).toBe(400);
      expect(e.retryable).toBe(false);
      expect(isRetryable(e)).toBe(false);
      expect(e.moreInfo).toBe(`https://www.twilio.com/docs/errors/${code}`);
    }
  });

  it('21610 after STOP is opted_out; START re-enables', async () => {
    const client = clientFor(sim);
    const person = '+13125550155';
    await sim.injectInbound({ from: person, to: FROM, body: ' stop ' });
    const e = await failure(client.createMessage({ to: person, from: FROM, body: 'hi' }));
    expect([e.kind, e.twilioCode, e.retryable, e.code]).toEqual([
      'opted_out',
      21610,
      false,
      'twilio_opted_out',
    ]);
    await sim.injectInbound({ from: person, to: FROM, body: 'START' });
    await expect(client.createMessage({ to: person, from: FROM, body: 'hi' })).resolves.toMatchObject({
      to: person,
    });
  });

  it('20003 is credentials: not retryable', async () => {
    const client = clientFor(sim, { auth: { type: 'authToken', authToken: new Secret('wrong') } });
    const e = await failure(client.fetchAccount());
    expect([e.kind, e.status, e.twilioCode, e.retryable]).toEqual(['credentials', 401, 20003, false]);
    expect(e.message).not.toContain('wrong');
    sim.setFaults({ authFailure: true });
    const e2 = await failure(clientFor(sim).createMessage({ to: TO, from: FROM, body: 'x' }));
    expect(e2.kind).toBe('credentials');
    sim.setFaults({ authFailure: false });
  });

  it('429 is rate_limited and honours Retry-After when present', async () => {
    const client = clientFor(sim);
    sim.setFaults({ rateLimitRate: 1, retryAfterSeconds: 7 });
    const e = await failure(client.createMessage({ to: TO, from: FROM, body: 'x' }));
    expect([e.kind, e.status, e.twilioCode, e.retryable, e.retryAfterMs]).toEqual([
      'rate_limited',
      429,
      20429,
      true,
      7000,
    ]);
    sim.setFaults({ retryAfterSeconds: null });
    const e2 = await failure(client.createMessage({ to: TO, from: FROM, body: 'x' }));
    expect(e2.retryAfterMs).toBeUndefined();
    sim.setFaults({ rateLimitRate: 0 });
  });

  it('5xx: ambiguous on create, transient on reads', async () => {
    const client = clientFor(sim);
    sim.setFaults({ serverErrorRate: 1 });
    const e = await failure(client.createMessage({ to: TO, from: FROM, body: 'x' }));
    expect([e.kind, e.status, e.retryable]).toEqual(['ambiguous', 500, true]);
    const r = await failure(client.fetchMessage(`SM${'1'.repeat(32)}`));
    expect([r.kind, r.retryable]).toEqual(['transient', true]);
    sim.setFaults({ serverErrorRate: 0 });
  });

  it('timeout after create (reset or hang) is ambiguous; the message exists', async () => {
    const client = clientFor(sim, { timeoutMs: 300 });
    for (const timeoutMode of ['reset', 'hang'] as const) {
      sim.setFaults({ timeoutAfterCreateRate: 1, timeoutMode });
      const before = sim.messages().length;
      const e = await failure(client.createMessage({ to: TO, from: FROM, body: `lost ${timeoutMode}` }));
      expect([e.kind, e.status, e.retryable]).toEqual(['ambiguous', 0, true]);
      expect(sim.messages().length).toBe(before + 1);
    }
    sim.setFaults({ timeoutAfterCreateRate: 0 });
  });

  it('a refused connection on create is transient (nothing was sent)', async () => {
    const closed = await startSim();
    const url = closed.url;
    await closed.stop();
    const client = createTwilioClient({
      accountSid: ACCOUNT.accountSid,
      auth: { type: 'authToken', authToken: new Secret(ACCOUNT.authToken) },
      baseUrl: url,
    });
    const e = await failure(client.createMessage({ to: TO, from: FROM, body: 'x' }));
    expect([e.kind, e.retryable]).toEqual(['transient', true]);
  });

  it('passes an AbortSignal through; an aborted create is ambiguous', async () => {
    sim.setFaults({ timeoutAfterCreateRate: 1, timeoutMode: 'hang' });
    const controller = new AbortController();
    const pending = failure(
      clientFor(sim).createMessage({ to: TO, from: FROM, body: 'aborted' }, { signal: controller.signal }),
    );
    await sim.waitFor(() => sim.messages().some((m) => m.body === 'aborted'));
    controller.abort();
    expect((await pending).kind).toBe('ambiguous');
    sim.setFaults({ timeoutAfterCreateRate: 0 });
  });

  it('a 2xx body that does not match the schema: ambiguous on create, permanent on read', async () => {
    const fakeFetch: typeof fetch = async () => new Response('{"hello":"world"}', { status: 201 });
    const client = createTwilioClient({
      accountSid: ACCOUNT.accountSid,
      auth: { type: 'authToken', authToken: new Secret('x') },
      fetch: fakeFetch,
    });
    expect((await failure(client.createMessage({ to: TO, from: FROM, body: 'x' }))).kind).toBe('ambiguous');
    expect((await failure(client.fetchMessage(`SM${'1'.repeat(32)}`))).kind).toBe('permanent');
  });

  it('never puts the secret in errors or logs', () => {
    const client = clientFor(sim);
    expect(JSON.stringify(client)).not.toContain(ACCOUNT.authToken);
  });
});
