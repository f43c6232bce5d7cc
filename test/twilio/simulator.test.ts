import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { ManualClock } from '../../src/ops/clock.js';
import { runTwilioSimulatorCli, type TwilioSimulator } from '../../src/sim/twilio/index.js';
import {
  buildInboundWebhookUrl,
  buildStatusCallbackUrl,
  verifyTwilioSignature,
} from '../../src/twilio/signature.js';
import { ACCOUNT, clientFor, FROM, SERVICE_SID, startReceiver, startSim, TO } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup(options: Parameters<typeof startSim>[0] = {}) {
  const receiver = await startReceiver();
  const sim = await startSim({ inboundUrl: buildInboundWebhookUrl(receiver.url, 'acme'), ...options });
  cleanups.push(
    () => receiver.close(),
    () => sim.stop(),
  );
  return { sim, receiver, client: clientFor(sim), statusUrl: buildStatusCallbackUrl(receiver.url, 'acme') };
}

function verified(
  receiverUrl: string,
  hook: { url: string; headers: Record<string, unknown>; params: Record<string, string> },
) {
  verifyTwilioSignature({
    authToken: new Secret(ACCOUNT.authToken),
    publicUrl: receiverUrl,
    requestUrl: hook.url,
    params: hook.params,
    signature: hook.headers['x-twilio-signature'] as string,
  });
  return true;
}

describe('status callbacks', () => {
  it('queued → sent → delivered: no callback for the initial status, signed, form-encoded', async () => {
    const { sim, receiver, client, statusUrl } = await setup();
    const m = await client.createMessage({ to: TO, from: FROM, body: 'track me', statusCallback: statusUrl });
    await sim.waitFor(() => receiver.received.length === 2);
    await sim.settled();
    expect(receiver.received.map((r) => r.params.MessageStatus)).toEqual(['sent', 'delivered']);
    for (const hook of receiver.received) {
      expect(hook.url).toBe('/webhooks/twilio/acme/status');
      expect(hook.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(hook.headers['i-twilio-idempotency-token']).toBeTruthy();
      expect(verified(receiver.url, hook)).toBe(true);
      expect(hook.params).toMatchObject({
        MessageSid: m.sid,
        SmsSid: m.sid,
        AccountSid: ACCOUNT.accountSid,
        From: FROM,
        To: TO,
        ApiVersion: '2010-04-01',
      });
    }
    expect(receiver.received[1]?.params.RawDlrDoneDate).toMatch(/^\d{10}$/);
    expect(receiver.received[0]?.params.ErrorCode).toBeUndefined();
  });

  it('failing numbers: undelivered or failed with ErrorCode', async () => {
    const { sim, receiver, client, statusUrl } = await setup({
      failingNumbers: {
        '+13125550190': { status: 'undelivered', errorCode: 30003 },
        '+13125550191': { status: 'failed', errorCode: 30007 },
      },
    });
    const u = await client.createMessage({
      to: '+13125550190',
      from: FROM,
      body: 'u',
      statusCallback: statusUrl,
    });
    const f = await client.createMessage({
      to: '+13125550191',
      from: FROM,
      body: 'f',
      statusCallback: statusUrl,
    });
    await sim.waitFor(() => receiver.received.length === 3);
    const byStatus = (sid: string) =>
      receiver.received
        .filter((r) => r.params.MessageSid === sid)
        .map((r) => `${r.params.MessageStatus}:${r.params.ErrorCode ?? ''}`);
    expect(byStatus(u.sid)).toEqual(['sent:', 'undelivered:30003']);
    expect(byStatus(f.sid)).toEqual(['failed:30007']);
    const fetched = await client.fetchMessage(u.sid);
    expect([fetched.status, fetched.error_code, fetched.error_message]).toEqual([
      'undelivered',
      30003,
      'Unreachable destination handset',
    ]);
  });

  it('Messaging Service: accepted at create, then queued callback, sender from the pool', async () => {
    const { sim, receiver, client, statusUrl } = await setup({
      accounts: [
        { ...ACCOUNT, messagingServices: [{ sid: SERVICE_SID, numbers: [FROM], statusCallback: '' }] },
      ],
    });
    const m = await client.createMessage({
      to: TO,
      messagingServiceSid: SERVICE_SID,
      body: 'pool',
      statusCallback: statusUrl,
    });
    expect([m.status, m.num_segments, m.from]).toEqual(['accepted', '0', null]);
    await sim.waitFor(() => receiver.received.length === 3);
    expect(receiver.received.map((r) => r.params.MessageStatus)).toEqual(['queued', 'sent', 'delivered']);
    expect(receiver.received[0]?.params).toMatchObject({ MessagingServiceSid: SERVICE_SID, From: FROM });
  });

  it('duplicate and reorder knobs', async () => {
    const { sim, receiver, client, statusUrl } = await setup({
      faults: { callbackDuplicateRate: 1, callbackReorderRate: 1 },
    });
    await client.createMessage({ to: TO, from: FROM, body: 'chaos', statusCallback: statusUrl });
    await sim.waitFor(() => receiver.received.length === 4);
    await sim.settled();
    expect(receiver.received.map((r) => r.params.MessageStatus)).toEqual([
      'delivered',
      'delivered',
      'sent',
      'sent',
    ]);
    const tokens = receiver.received.map((r) => r.headers['i-twilio-idempotency-token']);
    expect(new Set(tokens).size).toBe(4);
  });

  it('connection overrides: #rc=3&rp=all retries a 500 three times; the default does not', async () => {
    const { sim, receiver, client, statusUrl } = await setup();
    receiver.setStatus(500);
    await client.createMessage({ to: TO, from: FROM, body: 'retry', statusCallback: statusUrl });
    await client.createMessage({
      to: '+13125550143',
      from: FROM,
      body: 'no retry',
      statusCallback: statusUrl.split('#')[0],
    });
    await sim.waitFor(() => sim.webhooks.length === 4);
    const tries = (to: string) => sim.webhooks.filter((w) => w.params.To === to).map((w) => w.tries);
    expect(tries(TO)).toEqual([
      [500, 500, 500, 500],
      [500, 500, 500, 500],
    ]);
    expect(tries('+13125550143')).toEqual([[500], [500]]);
  });
});

describe('sender queues', () => {
  it('drain at the sender mps in segments: 3-segment message, then 1 s per segment', async () => {
    const clock = new ManualClock();
    const { sim, client } = await setup({
      clock,
      defaultMps: 1,
      accounts: [{ ...ACCOUNT, numbers: [{ phoneNumber: FROM, mps: 1 }] }],
    });
    const a = await client.createMessage({ to: TO, from: FROM, body: 'x'.repeat(400) });
    const b = await client.createMessage({ to: TO, from: FROM, body: 'one' });
    const c = await client.createMessage({ to: TO, from: FROM, body: 'two' });
    const t0 = clock.now();
    for (let i = 0; i < 60; i++) await clock.advance(100);
    const sentAt = (sid: string) =>
      Date.parse(String(sim.messages().find((m) => m.sid === sid)?.date_sent)) - Math.floor(t0 / 1000) * 1000;
    expect([sentAt(a.sid), sentAt(b.sid), sentAt(c.sid)]).toEqual([0, 3000, 4000]);
    expect(sim.messages().find((m) => m.sid === a.sid)?.price).toBe('-0.02370');
  });

  it('a queue over 10 hours of segments rejects with 21611', async () => {
    const clock = new ManualClock();
    // At 0.01 mps a segment takes 100 s, so 10 hours hold 360 segments: 32 messages of 11.
    const { client } = await setup({ clock, defaultMps: 0.01 });
    const body = 'y'.repeat(1600);
    let last: unknown;
    for (let i = 0; i < 40 && last === undefined; i++) {
      await client.createMessage({ to: TO, from: FROM, body }).catch((e: unknown) => {
        last = e;
      });
    }
    expect(last).toMatchObject({ twilioCode: 21611, kind: 'rate_limited', retryable: true });
  });
});

describe('inbound messages and keywords', () => {
  it('injected inbound is delivered signed, with Twilio webhook parameters', async () => {
    const { sim, receiver } = await setup();
    const result = await sim.injectInbound({ from: TO, to: FROM, body: 'Hi there 👋' });
    expect(result.webhook?.tries).toEqual([200]);
    expect(result.webhook?.responseBody).toBe('<Response/>');
    const hook = receiver.received[0];
    expect(hook?.url).toBe('/webhooks/twilio/acme/inbound');
    expect(hook && verified(receiver.url, hook)).toBe(true);
    expect(hook?.params).toMatchObject({
      MessageSid: result.message.sid,
      SmsMessageSid: result.message.sid,
      SmsSid: result.message.sid,
      AccountSid: ACCOUNT.accountSid,
      From: TO,
      To: FROM,
      Body: 'Hi there 👋',
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
      FromCountry: 'US',
    });
    expect(hook?.params.OptOutType).toBeUndefined();
    expect(result.message).toMatchObject({ direction: 'inbound', status: 'received' });
  });

  it('STOP-family keywords opt out (single word, any case); START/UNSTOP/YES opt back in; HELP answers', async () => {
    const { sim, receiver, client } = await setup();
    for (const word of [
      'STOP',
      'stop',
      ' Unsubscribe ',
      'END',
      'QUIT',
      'STOPALL',
      'REVOKE',
      'OPTOUT',
      'CANCEL',
    ]) {
      await sim.injectInbound({ from: TO, to: FROM, body: word });
      expect(sim.isOptedOut(TO, FROM)).toBe(true);
      await expect(client.createMessage({ to: TO, from: FROM, body: 'x' })).rejects.toMatchObject({
        twilioCode: 21610,
      });
      await sim.injectInbound({
        from: TO,
        to: FROM,
        body: ['START', 'unstop', 'Yes'][word.length % 3] as string,
      });
      expect(sim.isOptedOut(TO, FROM)).toBe(false);
    }
    await sim.injectInbound({ from: TO, to: FROM, body: 'STOP PLEASE' });
    expect(sim.isOptedOut(TO, FROM)).toBe(false);
    await sim.injectInbound({ from: TO, to: FROM, body: 'help' });
    const types = receiver.received.map((r) => r.params.OptOutType ?? '-');
    expect(types.slice(0, 2)).toEqual(['STOP', 'START']);
    expect(types.slice(-2)).toEqual(['-', 'HELP']);
    expect(sim.autoReplies.at(-1)?.body).toMatch(/Reply STOP to unsubscribe/);
    // The block is per sender number: another number of ours may still text.
    await sim.injectInbound({ from: TO, to: FROM, body: 'STOP' });
    await expect(client.createMessage({ to: TO, from: '+13125550101', body: 'x' })).resolves.toMatchObject({
      to: TO,
    });
  });

  it('a STOP to a Messaging Service number blocks the whole service', async () => {
    const { sim, client } = await setup({
      accounts: [{ ...ACCOUNT, messagingServices: [{ sid: SERVICE_SID, numbers: [FROM, '+13125550101'] }] }],
    });
    await sim.injectInbound({ from: TO, to: '+13125550101', body: 'STOP' });
    await expect(
      client.createMessage({ to: TO, messagingServiceSid: SERVICE_SID, body: 'x' }),
    ).rejects.toMatchObject({ twilioCode: 21610 });
    await expect(client.createMessage({ to: TO, from: FROM, body: 'x' })).rejects.toMatchObject({
      kind: 'opted_out',
    });
  });
});

describe('control API and determinism', () => {
  it('HTTP control routes: inbound, faults, requests', async () => {
    const { sim, receiver, client } = await setup();
    const inbound = await fetch(`${sim.url}/_sim/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: TO, to: FROM, body: 'STOP' }),
    });
    expect(inbound.status).toBe(200);
    expect(receiver.received.length).toBe(1);
    expect(((await (await fetch(`${sim.url}/_sim/opt-outs`)).json()) as { items: unknown[] }).items).toEqual([
      { scope: `num:${FROM}`, recipient: TO },
    ]);

    const bad = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"rateLimitRate": 2}',
    });
    expect(bad.status).toBe(400);
    const set = await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"rateLimitRate": 1, "retryAfterSeconds": 2}',
    });
    expect(await set.json()).toMatchObject({ rateLimitRate: 1, retryAfterSeconds: 2 });
    await expect(client.fetchAccount()).rejects.toMatchObject({ kind: 'rate_limited', retryAfterMs: 2000 });
    sim.setFaults({ rateLimitRate: 0 });

    const log = (await (await fetch(`${sim.url}/_sim/requests`)).json()) as {
      items: { path: string; status: number; fault?: string }[];
    };
    expect(log.items.at(-1)).toMatchObject({
      path: `/2010-04-01/Accounts/${ACCOUNT.accountSid}.json`,
      status: 429,
      fault: 'rateLimitRate',
    });
    expect((await fetch(`${sim.url}/2010-04-01/Nope.json`)).status).toBe(404);
  });

  it('the same seed gives the same SIDs and the same fault decisions', async () => {
    const run = async () => {
      const sim = await startSim({ seed: 99, faults: { serverErrorRate: 0.5 } });
      const client = clientFor(sim);
      const out: string[] = [];
      for (let i = 0; i < 10; i++) {
        out.push(
          await client.createMessage({ to: TO, from: FROM, body: `d${i}` }).then(
            (m) => m.sid,
            (e: { status: number }) => String(e.status),
          ),
        );
      }
      await sim.stop();
      return out;
    };
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    expect(a.some((x) => x === '500')).toBe(true);
    expect(a.some((x) => x.startsWith('SM'))).toBe(true);
  });

  it('runTwilioSimulatorCli prints the URL and credentials and stops on abort', async () => {
    let printed = '';
    const controller = new AbortController();
    let url = '';
    const running = runTwilioSimulatorCli({
      port: 0,
      signal: controller.signal,
      out: { write: (t: string) => (printed += t) },
      onListening: (sim: TwilioSimulator) => {
        url = sim.url;
        controller.abort();
      },
    });
    await running;
    expect(printed).toContain(`Twilio simulator listening on ${url}`);
    expect(printed).toMatch(/twilio\.accountSid: AC[0-9a-f]{32}/);
    expect(printed).toMatch(/twilio\.authToken: +[0-9a-f]{32}/);
    await expect(fetch(`${url}/_sim/faults`)).rejects.toThrow();
  });
});
