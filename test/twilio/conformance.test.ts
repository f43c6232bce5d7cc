import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TwilioSimulator } from '../../src/sim/twilio/index.js';
import { ACCOUNT, FROM, loadSpec, type SpecExtract, startSim } from './helpers.js';

/**
 * The official SDK, pointed at the simulator (`client.api.baseUrl`, notes §8.2), is the judge of
 * whether the simulator speaks Twilio: create, list with paging, fetch, and error bodies.
 */
const { spec, fromFullSpec } = loadSpec();
const RFC2822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

/** Checks one message resource against the spec schema: every property present, typed as declared. */
function checkMessage(resource: Record<string, unknown>, s: SpecExtract): string[] {
  const problems: string[] = [];
  for (const [name, prop] of Object.entries(s.message.properties)) {
    if (!(name in resource)) {
      problems.push(`missing ${name}`);
      continue;
    }
    const v = resource[name];
    if (prop.$ref) {
      const enumName = prop.$ref.split('/').pop() as 'message_enum_status' | 'message_enum_direction';
      if (!s[enumName].enum.includes(v as string)) problems.push(`${name}=${String(v)} not in ${enumName}`);
      continue;
    }
    if (v === null) {
      if (!prop.nullable) problems.push(`${name} is null but not nullable`);
      continue;
    }
    const ok =
      prop.type === 'string'
        ? typeof v === 'string'
        : prop.type === 'integer'
          ? Number.isInteger(v)
          : prop.type === 'object'
            ? typeof v === 'object'
            : false;
    if (!ok) problems.push(`${name} should be ${prop.type}, got ${typeof v}`);
    if (prop.format === 'date-time-rfc-2822' && !RFC2822.test(String(v)))
      problems.push(`${name} not RFC 2822: ${v}`);
  }
  return problems;
}

describe('simulator conformance with the official twilio SDK', () => {
  let sim: TwilioSimulator;
  let client: ReturnType<typeof twilio>;

  beforeAll(async () => {
    sim = await startSim();
    client = twilio(ACCOUNT.accountSid, ACCOUNT.authToken);
    client.api.baseUrl = sim.url;
  });
  afterAll(() => sim.stop());

  it('derives the field list from the spec', () => {
    expect(Object.keys(spec.message.properties).length).toBe(20);
    expect(spec.message.properties.num_segments?.type).toBe('string');
    // Informational: CI without ../shared uses the checked-in extract.
    expect(typeof fromFullSpec).toBe('boolean');
  });

  it('creates, lists across pages and fetches', async () => {
    const created = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        await client.messages.create({ to: `+1312555012${i}`, from: FROM, body: `Conformance ${i}` }),
      );
    }
    expect(created[0]?.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(created[0]?.status).toBe('queued');
    expect(created[0]?.numSegments).toBe('1');
    expect(created[0]?.dateCreated).toBeInstanceOf(Date);

    const listed = await client.messages.list({ pageSize: 2 });
    expect(listed.map((m) => m.sid)).toEqual(created.map((m) => m.sid).reverse());
    const pageRequests = sim.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/Messages.json'));
    expect(pageRequests.length).toBe(3);
    expect(pageRequests[1]?.query.PageToken).toMatch(/^PA/);

    const page0 = await client.messages.page({ pageSize: 2 });
    const page1 = await page0.nextPage();
    expect(page1?.instances.map((m) => m.sid)).toEqual([created[2]?.sid, created[1]?.sid]);
    const back = await page1?.previousPage();
    expect(back?.instances.map((m) => m.sid)).toEqual(page0.instances.map((m) => m.sid));

    const fetched = await client.messages(created[3]?.sid as string).fetch();
    expect(fetched.body).toBe('Conformance 3');
    expect(fetched.to).toBe('+13125550123');

    const filtered = await client.messages.list({ to: '+13125550121' });
    expect(filtered.map((m) => m.sid)).toEqual([created[1]?.sid]);
  });

  it('every response carries every field of the spec schema with its type', async () => {
    const headers = {
      authorization: `Basic ${Buffer.from(`${ACCOUNT.accountSid}:${ACCOUNT.authToken}`).toString('base64')}`,
    };
    const base = `${sim.url}/2010-04-01/Accounts/${ACCOUNT.accountSid}`;
    const createRes = await fetch(`${base}/Messages.json`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ To: '+13125550142', From: FROM, Body: 'Hello! 👍' }),
    });
    expect(createRes.status).toBe(201);
    const created = (await createRes.json()) as Record<string, unknown>;
    expect(checkMessage(created, spec)).toEqual([]);
    expect(created.num_segments).toBe('1');
    expect(created.price).toBeNull();
    expect(created.date_sent).toBeNull();

    await sim.waitFor(() => sim.messages().some((m) => m.sid === created.sid && m.status === 'delivered'));
    const fetched = (await (
      await fetch(`${base}/Messages/${created.sid}.json`, { headers })
    ).json()) as Record<string, unknown>;
    expect(checkMessage(fetched, spec)).toEqual([]);
    expect(fetched.status).toBe('delivered');
    expect(fetched.price).toBe('-0.00790');
    expect(typeof fetched.date_sent).toBe('string');

    const page = (await (await fetch(`${base}/Messages.json?PageSize=3`, { headers })).json()) as Record<
      string,
      unknown
    >;
    for (const [name, prop] of Object.entries(spec.ListMessageResponse.properties)) {
      expect(page, `list field ${name}`).toHaveProperty(name);
      const v = page[name];
      if (v === null) expect(prop.nullable, `${name} nullable`).toBe(true);
      else if (prop.type === 'array') expect(Array.isArray(v)).toBe(true);
      else expect(typeof v, name).toBe(prop.type === 'integer' ? 'number' : prop.type);
    }
    expect(Object.keys(page).sort()).toEqual(Object.keys(spec.ListMessageResponse.properties).sort());
    for (const m of page.messages as Record<string, unknown>[]) expect(checkMessage(m, spec)).toEqual([]);
    expect(page.first_page_uri).toBe(
      `/2010-04-01/Accounts/${ACCOUNT.accountSid}/Messages.json?PageSize=3&Page=0`,
    );
    expect(page.next_page_uri).toMatch(/PageSize=3&Page=1&PageToken=PA/);
    expect(page.previous_page_uri).toBeNull();
    expect([page.start, page.end, page.page, page.page_size]).toEqual([0, 2, 0, 3]);
  });

  it('DateSent filters are encoded and applied as Twilio does', async () => {
    await sim.waitFor(() => sim.messages().every((m) => m.date_sent !== null));
    const all = await client.messages.list({});
    const after = await client.messages.list({ dateSentAfter: new Date(Date.now() - 60_000) });
    expect(after.length).toBe(all.length);
    const before = await client.messages.list({ dateSentBefore: new Date(Date.now() - 3600_000) });
    expect(before).toEqual([]);
    const last = sim.requests[sim.requests.length - 1];
    expect(Object.keys(last?.query ?? {})).toContain('DateSent<');
  });

  it('errors come back as Twilio bodies the SDK turns into RestException', async () => {
    const expectRest = async (p: Promise<unknown>, status: number, code: number) => {
      const error = (await p.then(
        () => undefined,
        (e: unknown) => e,
      )) as { status?: number; code?: number; moreInfo?: string };
      expect(error?.status).toBe(status);
      expect(error?.code).toBe(code);
      expect(error?.moreInfo).toBe(`https://www.twilio.com/docs/errors/${code}`);
    };
    await expectRest(client.messages.create({ to: '+15551234567', from: FROM, body: 'x' }), 400, 21211);
    await expectRest(client.messages.create({ to: '', from: FROM, body: 'x' }), 400, 21604);
    await expectRest(
      client.messages.create({ to: '+13125550142', from: FROM, body: 'x'.repeat(1601) }),
      400,
      21617,
    );
    await expectRest(client.messages(`SM${'0'.repeat(32)}`).fetch(), 404, 20404);

    const bad = twilio(ACCOUNT.accountSid, 'wrong-token');
    bad.api.baseUrl = sim.url;
    await expectRest(bad.messages.list({ limit: 1 }), 401, 20003);

    sim.setFaults({ rateLimitRate: 1 });
    await expectRest(client.messages.list({ limit: 1 }), 429, 20429);
    sim.setFaults({ rateLimitRate: 0 });
  });

  it('accepts API key credentials', async () => {
    const key = ACCOUNT.apiKeys?.[0];
    const viaKey = twilio(key?.sid, key?.secret, { accountSid: ACCOUNT.accountSid });
    viaKey.api.baseUrl = sim.url;
    const m = await viaKey.messages.create({ to: '+13125550142', from: FROM, body: 'via key' });
    expect(m.accountSid).toBe(ACCOUNT.accountSid);
  });
});
