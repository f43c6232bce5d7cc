import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import type { FlowContext } from '../../src/flows/context.js';
import { messageRow } from '../../src/flows/message-row.js';
import { registerAdminRoutes } from '../../src/http/admin-routes.js';
import { buildServer } from '../../src/http/server.js';
import { ManualClock } from '../../src/ops/clock.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { Queue } from '../../src/queue/queue.js';
import type { NewMessage } from '../../src/store/schema.js';
import { silentLogger } from '../helpers/logger.js';
import { dialects, dialectTitle, type TestStore } from '../helpers/stores.js';

const TOKEN = 'test-admin-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
const HOUR_MS = 60 * 60 * 1000;

const CONFIG_YAML = `
database: "sqlite::memory:"
publicUrl: https://sms.example.com
admin: { token: ${TOKEN} }
tenants:
${['acme', 'globex']
  .map(
    (id) => `  - id: ${id}
    defaultCountry: US
    timezone: America/Chicago
    acumatica:
      url: https://${id}.acumatica.com
      tenant: ${id.toUpperCase()}
      auth: { type: session, username: api, password: pw }
    twilio: { accountSid: ${ACCOUNT_SID}, authToken: auth-token, from: "+13125550100" }`,
  )
  .join('\n')}
`;

/** The flows' gateways must not be reached from the admin API. */
const unreachable = (what: string) => () => {
  throw new Error(`${what} must not be called by admin routes`);
};

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`admin API on ${dialectTitle(dialect)}`, () => {
    let t: TestStore;
    let clock: ManualClock;
    let context: FlowContext;
    let app: FastifyInstance;

    beforeEach(async () => {
      t = await dialect.open();
      clock = new ManualClock();
      const config = parseConfigText(CONFIG_YAML, { env: {}, createDirs: false });
      const queue = new Queue(t.store, { clock });
      context = {
        config,
        store: t.store,
        queue,
        clock,
        logger: silentLogger,
        alerts: { send: async () => undefined },
        sms: unreachable('sms'),
        erp: unreachable('erp'),
      };
      app = buildServer({
        logger: silentLogger,
        metrics: createMetrics(async () => ({})),
        adminToken: config.admin.token,
        readiness: async () => [],
      });
      registerAdminRoutes(app, context);
    });
    afterEach(async () => {
      await app.close();
      await t.cleanup();
    });

    const call = (options: InjectOptions) =>
      app.inject({ ...options, headers: { ...AUTH, ...(options.headers ?? {}) } });
    const get = (url: string) => call({ method: 'GET', url });
    const send = (payload: unknown, key?: string) =>
      call({
        method: 'POST',
        url: '/api/messages',
        payload: payload as object,
        headers: key ? { 'idempotency-key': key } : {},
      });

    async function count(table: 'messages' | 'jobs' | 'dead_letters'): Promise<number> {
      const row = await t.store.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }

    let seq = 0;
    async function insertMessage(overrides: Partial<NewMessage> = {}): Promise<string> {
      seq += 1;
      const id = overrides.id ?? `msg-${String(seq).padStart(4, '0')}`;
      const at = overrides.created_at ?? clock.now();
      await t.store.db
        .insertInto('messages')
        .values(
          messageRow({
            id,
            tenant: 'acme',
            direction: 'outbound',
            to_phone: '+13125550142',
            from_phone: '+13125550100',
            body: `message ${seq}`,
            status: 'delivered',
            segments: 1,
            updated_at: at,
            ...overrides,
            created_at: at,
          }),
        )
        .execute();
      return id;
    }

    async function deadLetter(tenant = 'acme', kind = 'send'): Promise<string> {
      return context.queue.deadLetter(t.store.db, {
        kind,
        tenant,
        payload: { messageId: 'msg-x', nested: [1, 2] },
        error: 'invalid_number: To is not a valid phone number',
      });
    }

    it('refuses every route without the bearer token', async () => {
      for (const url of ['/api/messages', '/api/dead-letters', '/api/opt-outs', '/api/tenants/acme/stats']) {
        const res = await app.inject({ url });
        expect(res.statusCode, url).toBe(401);
        expect(res.json()).toMatchObject({ error: 'unauthorized' });
      }
      const post = await app.inject({
        method: 'POST',
        url: '/api/messages',
        payload: { tenant: 'acme', to: '+13125550142', body: 'hi' },
      });
      expect(post.statusCode).toBe(401);
      expect(await count('messages')).toBe(0);
    });

    describe('POST /api/messages', () => {
      it('accepts with 202, answers a repeated key with 200 and the same id', async () => {
        const input = { tenant: 'acme', to: '(312) 555-0142', body: 'Your order shipped.' };
        const first = await send(input, 'order-1001');
        expect(first.statusCode).toBe(202);
        const accepted = first.json<{ id: string; status: string }>();
        expect(accepted).toEqual({ id: expect.any(String), status: 'queued' });

        const again = await send(input, 'order-1001');
        expect(again.statusCode).toBe(200);
        expect(again.json()).toEqual(accepted);
        expect(await count('messages')).toBe(1);
        expect(await count('jobs')).toBe(1);

        const listed = await get(`/api/messages?idempotencyKey=order-1001`);
        expect(listed.json().items).toMatchObject([
          { id: accepted.id, to: '+13125550142', from: '+13125550100', direction: 'outbound' },
        ]);
      });

      it('answers a repeat with the current status, and sends twice without a key', async () => {
        const first = (await send({ tenant: 'acme', to: '+13125550142', body: 'a' }, 'k1')).json();
        await t.store.db
          .updateTable('messages')
          .set({ status: 'delivered' })
          .where('id', '=', first.id)
          .execute();
        const repeat = await send({ tenant: 'acme', to: '+13125550142', body: 'a' }, 'k1');
        expect(repeat.json()).toEqual({ id: first.id, status: 'delivered' });

        const a = await send({ tenant: 'acme', to: '+13125550143', body: 'no key' });
        const b = await send({ tenant: 'acme', to: '+13125550143', body: 'no key' });
        expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
        expect(a.json().id).not.toBe(b.json().id);
        expect(await count('messages')).toBe(3);
      });

      it.each([
        ['an invalid phone', { tenant: 'acme', to: '12', body: 'hi' }, 'invalid_phone'],
        [
          'a body of 1601 characters',
          { tenant: 'acme', to: '+13125550142', body: 'x'.repeat(1601) },
          'body_too_long',
        ],
        ['an empty body', { tenant: 'acme', to: '+13125550142', body: '  ' }, 'body_empty'],
        ['a missing body', { tenant: 'acme', to: '+13125550142' }, 'bad_request'],
        ['a missing to', { tenant: 'acme', body: 'hi' }, 'bad_request'],
        ['an unknown field', { tenant: 'acme', to: '+13125550142', body: 'hi', from: 'x' }, 'bad_request'],
        ['a number as body', { tenant: 'acme', to: '+13125550142', body: 42 }, 'bad_request'],
      ])('refuses %s with 400 and stores nothing', async (_name, payload, code) => {
        const res = await send(payload, 'key-1');
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({ error: code, message: expect.any(String) });
        expect(await count('messages')).toBe(0);
        expect(await count('jobs')).toBe(0);
      });

      it('accepts a body of exactly 1600 characters', async () => {
        const res = await send({ tenant: 'acme', to: '+13125550142', body: 'x'.repeat(1600) });
        expect(res.statusCode).toBe(202);
      });

      it('refuses malformed JSON and a blank idempotency key with 400', async () => {
        const malformed = await call({
          method: 'POST',
          url: '/api/messages',
          headers: { 'content-type': 'application/json' },
          payload: '{"tenant":"acme","to":',
        });
        expect(malformed.statusCode).toBe(400);
        expect(malformed.json()).toEqual({ error: expect.any(String), message: expect.any(String) });
        const blankKey = await send({ tenant: 'acme', to: '+13125550142', body: 'hi' }, ' ');
        expect(blankKey.statusCode).toBe(400);
        expect(await count('messages')).toBe(0);
      });

      it('answers an unknown tenant with 404 and stores nothing', async () => {
        const res = await send({ tenant: 'initech', to: '+13125550142', body: 'hi' }, 'k');
        expect(res.statusCode).toBe(404);
        expect(res.json()).toMatchObject({ error: 'unknown_tenant' });
        expect(await count('messages')).toBe(0);
        expect(await count('jobs')).toBe(0);
      });
    });

    describe('GET /api/messages', () => {
      it('shows every field, times as ISO 8601', async () => {
        const id = await insertMessage({
          direction: 'inbound',
          to_phone: '+13125550100',
          from_phone: '+13125550142',
          body: 'STOP',
          status: 'received',
          error_code: 30003,
          twilio_sid: `SM${'a'.repeat(32)}`,
          acumatica_id: 'act-1',
          idempotency_key: 'idem-1',
          updated_at: clock.now() + 1000,
        });
        const res = await get('/api/messages');
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({
          items: [
            {
              id,
              tenant: 'acme',
              direction: 'inbound',
              to: '+13125550100',
              from: '+13125550142',
              body: 'STOP',
              status: 'received',
              errorCode: 30003,
              twilioSid: `SM${'a'.repeat(32)}`,
              acumaticaId: 'act-1',
              idempotencyKey: 'idem-1',
              createdAt: new Date(clock.now()).toISOString(),
              updatedAt: new Date(clock.now() + 1000).toISOString(),
            },
          ],
          nextCursor: null,
        });
      });

      it('filters by tenant, direction, status, to in any format, twilioSid and idempotencyKey', async () => {
        const inbound = await insertMessage({ direction: 'inbound', status: 'received' });
        const failed = await insertMessage({ status: 'failed', to_phone: '+13125550143' });
        const withSid = await insertMessage({ twilio_sid: `SM${'b'.repeat(32)}` });
        const keyed = await insertMessage({ idempotency_key: 'rule:order-shipped:SO001' });
        const other = await insertMessage({ tenant: 'globex' });
        const ids = async (query: string) =>
          ((await get(`/api/messages?${query}`)).json().items as { id: string }[]).map((i) => i.id).sort();

        expect(await ids('tenant=globex')).toEqual([other]);
        expect(await ids('direction=inbound')).toEqual([inbound]);
        expect(await ids('status=failed')).toEqual([failed]);
        expect(await ids(`to=${encodeURIComponent('(312) 555-0143')}`)).toEqual([failed]);
        expect(await ids(`tenant=acme&to=${encodeURIComponent('312.555.0143')}`)).toEqual([failed]);
        expect(await ids(`twilioSid=SM${'b'.repeat(32)}`)).toEqual([withSid]);
        expect(await ids('idempotencyKey=rule:order-shipped:SO001')).toEqual([keyed]);
        expect(await ids('tenant=acme&direction=outbound&status=delivered')).toEqual([withSid, keyed].sort());
        expect(await ids('unknownKey=1&status=failed')).toEqual([failed]);
      });

      it.each([
        ['an invalid to', 'to=not-a-phone', 'invalid_phone'],
        ['a bad direction', 'direction=sideways', 'bad_request'],
        ['a limit over 500', 'limit=501', 'bad_request'],
        ['a zero limit', 'limit=0', 'bad_request'],
        ['a non-numeric limit', 'limit=ten', 'bad_request'],
        ['a forged cursor', 'cursor=bm90LWEtY3Vyc29y', 'bad_request'],
      ])('refuses %s with 400', async (_name, query, code) => {
        const res = await get(`/api/messages?${query}`);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({ error: code, message: expect.any(String) });
      });

      it('answers an unknown tenant with 404', async () => {
        const res = await get('/api/messages?tenant=initech');
        expect(res.statusCode).toBe(404);
        expect(res.json()).toMatchObject({ error: 'unknown_tenant' });
      });

      it('pages 120 messages newest first with no duplicates or gaps', async () => {
        const base = clock.now();
        // Three rows share each millisecond, so the id must break ties for the cursor.
        for (let i = 0; i < 120; i++) await insertMessage({ created_at: base + Math.floor(i / 3) });
        const expected = (
          await t.store.db
            .selectFrom('messages')
            .select(['id', 'created_at'])
            .orderBy('created_at', 'desc')
            .orderBy('id', 'desc')
            .execute()
        ).map((r) => r.id);

        const seen: string[] = [];
        const sizes: number[] = [];
        let cursor: string | null = null;
        do {
          const url: string = `/api/messages?tenant=acme&limit=50${cursor ? `&cursor=${cursor}` : ''}`;
          const page = (await get(url)).json<{ items: { id: string }[]; nextCursor: string | null }>();
          sizes.push(page.items.length);
          seen.push(...page.items.map((i) => i.id));
          cursor = page.nextCursor;
        } while (cursor !== null);

        expect(sizes).toEqual([50, 50, 20]);
        expect(seen).toEqual(expected);
        expect(new Set(seen).size).toBe(120);
        expect((await get('/api/messages')).json().items).toHaveLength(50);
      });

      it('gives no next cursor when the last page is exactly full', async () => {
        for (let i = 0; i < 4; i++) await insertMessage({ created_at: clock.now() + i });
        const first = (await get('/api/messages?limit=2')).json();
        expect(first.nextCursor).toEqual(expect.any(String));
        const second = (await get(`/api/messages?limit=2&cursor=${first.nextCursor}`)).json();
        expect(second.items).toHaveLength(2);
        expect(second.nextCursor).toBeNull();
      });
    });

    describe('dead letters', () => {
      it('lists, shows, replays once, then refuses a second replay with 409', async () => {
        const id = await deadLetter();
        await clock.advance(1000);
        const other = await deadLetter('globex', 'inbound');

        const list = (await get('/api/dead-letters?tenant=acme')).json();
        expect(list).toEqual({
          items: [
            {
              id,
              kind: 'send',
              tenant: 'acme',
              error: 'invalid_number: To is not a valid phone number',
              attempts: 0,
              payload: { messageId: 'msg-x', nested: [1, 2] },
              createdAt: new Date(clock.now() - 1000).toISOString(),
              replayedAt: null,
            },
          ],
          nextCursor: null,
        });
        const all = (await get('/api/dead-letters')).json().items.map((i: { id: string }) => i.id);
        expect(all).toEqual([other, id]);
        expect((await get('/api/dead-letters?kind=inbound')).json().items).toHaveLength(1);

        const shown = await get(`/api/dead-letters/${id}`);
        expect(shown.statusCode).toBe(200);
        expect(shown.json()).toEqual(list.items[0]);

        const replay = await call({ method: 'POST', url: `/api/dead-letters/${id}/replay` });
        expect(replay.statusCode).toBe(202);
        const { jobId } = replay.json();
        expect(replay.json()).toEqual({ id, jobId: expect.any(String) });
        const job = await t.store.db
          .selectFrom('jobs')
          .selectAll()
          .where('id', '=', jobId)
          .executeTakeFirst();
        expect(job).toMatchObject({ kind: 'send', tenant: 'acme' });
        expect(JSON.parse(job!.payload)).toEqual({ messageId: 'msg-x', nested: [1, 2] });

        const twice = await call({ method: 'POST', url: `/api/dead-letters/${id}/replay` });
        expect(twice.statusCode).toBe(409);
        expect(twice.json()).toMatchObject({ error: 'already_replayed' });
        expect(await count('jobs')).toBe(1);

        // Replayed letters leave the default list but stay visible on request.
        expect((await get('/api/dead-letters?tenant=acme')).json().items).toEqual([]);
        const withReplayed = (await get('/api/dead-letters?tenant=acme&includeReplayed=true')).json();
        expect(withReplayed.items).toMatchObject([{ id, replayedAt: new Date(clock.now()).toISOString() }]);
      });

      it('deletes with 204, then answers 404 everywhere', async () => {
        const id = await deadLetter();
        const deleted = await call({ method: 'DELETE', url: `/api/dead-letters/${id}` });
        expect(deleted.statusCode).toBe(204);
        expect(deleted.body).toBe('');
        expect(await count('dead_letters')).toBe(0);
        for (const [method, url] of [
          ['DELETE', `/api/dead-letters/${id}`],
          ['GET', `/api/dead-letters/${id}`],
          ['POST', `/api/dead-letters/${id}/replay`],
        ] as const) {
          const res = await call({ method, url });
          expect(res.statusCode, `${method} ${url}`).toBe(404);
          expect(res.json()).toMatchObject({ error: 'not_found' });
        }
      });

      it('pages with a cursor and refuses an unknown tenant', async () => {
        for (let i = 0; i < 5; i++) await deadLetter();
        const first = (await get('/api/dead-letters?limit=3')).json();
        const second = (await get(`/api/dead-letters?limit=3&cursor=${first.nextCursor}`)).json();
        expect(first.items).toHaveLength(3);
        expect(second.items).toHaveLength(2);
        expect(second.nextCursor).toBeNull();
        const ids = [...first.items, ...second.items].map((i: { id: string }) => i.id);
        expect(new Set(ids).size).toBe(5);
        expect((await get('/api/dead-letters?tenant=initech')).statusCode).toBe(404);
        expect((await get('/api/dead-letters?includeReplayed=maybe')).statusCode).toBe(400);
      });
    });

    it('lists reconciliations newest first with parsed missing SIDs', async () => {
      const day = 24 * HOUR_MS;
      const base = clock.now();
      const sid = `SM${'c'.repeat(32)}`;
      for (const [id, tenant, createdAt, missing] of [
        ['rec-1', 'acme', base - day, [] as string[]],
        ['rec-2', 'acme', base, [sid]],
        ['rec-3', 'globex', base, []],
      ] as const) {
        await t.store.db
          .insertInto('reconciliations')
          .values({
            id,
            tenant,
            since: createdAt - day,
            until: createdAt,
            source_count: 10,
            ledger_count: 10,
            destination_count: 10 - missing.length,
            missing: JSON.stringify(missing),
            repaired: 0,
            created_at: createdAt,
          })
          .execute();
      }
      const res = await get('/api/reconciliations?tenant=acme');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        items: [
          {
            id: 'rec-2',
            tenant: 'acme',
            since: new Date(base - day).toISOString(),
            until: new Date(base).toISOString(),
            sourceCount: 10,
            destinationCount: 9,
            missing: [sid],
            repaired: 0,
            createdAt: new Date(base).toISOString(),
          },
          expect.objectContaining({ id: 'rec-1', missing: [] }),
        ],
      });
      expect((await get('/api/reconciliations?limit=1')).json().items).toHaveLength(1);
      expect((await get('/api/reconciliations?tenant=initech')).statusCode).toBe(404);
    });

    it('counts a tenant: statuses, queue depth, open dead letters and the 24 h error rate', async () => {
      const now = clock.now();
      for (const status of ['delivered', 'delivered', 'delivered', 'failed', 'undelivered']) {
        await insertMessage({ status, created_at: now - HOUR_MS });
      }
      await insertMessage({ status: 'dead', created_at: now - 25 * HOUR_MS }); // outside the window
      await insertMessage({ status: 'failed', direction: 'inbound', created_at: now }); // not outbound
      await insertMessage({ tenant: 'globex', status: 'failed' });
      await send({ tenant: 'acme', to: '+13125550142', body: 'queued one' }); // +1 queued, +1 job
      await context.queue.enqueue(t.store.db, { kind: 'send', tenant: 'globex', payload: {} });
      await deadLetter();
      const replayed = await deadLetter();
      await context.queue.replayDeadLetter(replayed); // +1 job, letter no longer counted
      await deadLetter('globex');

      const res = await get('/api/tenants/acme/stats');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        tenant: 'acme',
        messages: { delivered: 3, failed: 2, undelivered: 1, dead: 1, queued: 1 },
        queueDepth: 2,
        deadLetters: 1,
        // 2 errors (failed, undelivered) of 6 outbound messages created in the last 24 h.
        errorRate: 2 / 6,
      });
    });

    it('reports a tenant with no traffic as zeros, and an unknown tenant as 404', async () => {
      expect((await get('/api/tenants/globex/stats')).json()).toEqual({
        tenant: 'globex',
        messages: {},
        queueDepth: 0,
        deadLetters: 0,
        errorRate: 0,
      });
      const unknown = await get('/api/tenants/initech/stats');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ error: 'unknown_tenant' });
    });

    it('lists opt-outs newest first, filters by tenant and phone, and pages', async () => {
      const now = clock.now();
      const rows = [
        { tenant: 'acme', phone: '+13125550142', source: 'inbound:SM0001', created_at: now - 2000 },
        { tenant: 'acme', phone: '+13125550143', source: 'twilio:21610', created_at: now - 1000 },
        { tenant: 'acme', phone: '+13125550144', source: 'inbound:SM0001', created_at: now - 1000 },
        { tenant: 'globex', phone: '+13125550142', source: 'inbound:SM0002', created_at: now },
      ];
      await t.store.db.insertInto('opt_outs').values(rows).execute();

      const acme = (await get('/api/opt-outs?tenant=acme')).json();
      expect(acme).toEqual({
        items: [
          {
            tenant: 'acme',
            phone: '+13125550144',
            source: 'inbound:SM0001',
            createdAt: new Date(now - 1000).toISOString(),
          },
          {
            tenant: 'acme',
            phone: '+13125550143',
            source: 'twilio:21610',
            createdAt: new Date(now - 1000).toISOString(),
          },
          {
            tenant: 'acme',
            phone: '+13125550142',
            source: 'inbound:SM0001',
            createdAt: new Date(now - 2000).toISOString(),
          },
        ],
        nextCursor: null,
      });
      const byPhone = (await get(`/api/opt-outs?phone=${encodeURIComponent('312-555-0142')}`)).json();
      expect(byPhone.items.map((i: { tenant: string }) => i.tenant)).toEqual(['globex', 'acme']);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { tenant: string; phone: string }[]; nextCursor: string | null } = (
          await get(`/api/opt-outs?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        seen.push(...page.items.map((i) => `${i.tenant}/${i.phone}`));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual([
        'globex/+13125550142',
        'acme/+13125550144',
        'acme/+13125550143',
        'acme/+13125550142',
      ]);
      expect((await get('/api/opt-outs?tenant=initech')).statusCode).toBe(404);
      expect((await get('/api/opt-outs?phone=nope')).statusCode).toBe(400);
    });
  });
}
