import { afterEach, describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import type { TwilioSimulator } from '../../src/sim/twilio/index.js';
import { checkTwilio } from '../../src/twilio/doctor.js';
import { ACCOUNT, clientFor, FROM, SERVICE_SID, startSim } from './helpers.js';

let sim: TwilioSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe('checkTwilio', () => {
  it('passes with valid credentials and an owned number', async () => {
    sim = await startSim({ accounts: [{ ...ACCOUNT, numbers: [{ phoneNumber: FROM }] }] });
    const checks = await checkTwilio({ client: clientFor(sim), tenant: 'acme', from: FROM });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['acme: Twilio credentials', true],
      ['acme: Twilio sender', true],
    ]);
  });

  it('explains bad credentials in plain words', async () => {
    sim = await startSim();
    const client = clientFor(sim, { auth: { type: 'authToken', authToken: new Secret('nope') } });
    const [creds] = await checkTwilio({ client, from: FROM });
    expect(creds?.ok).toBe(false);
    expect(creds?.fix).toMatch(/Account SID and Auth Token/);
    expect(JSON.stringify(creds)).not.toContain('nope');
  });

  it('flags a missing, malformed or foreign sender', async () => {
    sim = await startSim({ accounts: [{ ...ACCOUNT, numbers: [{ phoneNumber: FROM }] }] });
    const client = clientFor(sim);
    const none = await checkTwilio({ client });
    expect(none[1]).toMatchObject({ ok: false, name: 'Twilio sender' });
    const malformed = await checkTwilio({ client, from: '312-555-0100' });
    expect(malformed[1]?.fix).toMatch(/E\.164|\+ and country code/);
    const foreign = await checkTwilio({ client, from: '+13125550199' });
    expect(foreign[1]).toMatchObject({ ok: false });
    expect(foreign[1]?.fix).toMatch(/21606/);
    const service = await checkTwilio({ client, messagingServiceSid: SERVICE_SID });
    expect(service[1]).toMatchObject({ ok: true });
  });

  it('reports an unreachable Twilio without throwing', async () => {
    sim = await startSim();
    const url = sim.url;
    await sim.stop();
    sim = undefined;
    const client = clientFor({ url } as TwilioSimulator);
    const [creds] = await checkTwilio({ client, from: FROM });
    expect(creds?.ok).toBe(false);
    expect(creds?.fix).toMatch(/could not be reached/);
  });
});
