import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { checkAcumatica } from '../../src/acumatica/doctor.js';
import { and, eq, startswith } from '../../src/acumatica/filter.js';
import { Secret } from '../../src/config/secret.js';
import { loadSeedFile, startAcumaticaSimulator, ticksOf } from '../../src/sim/acumatica/index.js';
import { clientFor, oauth, withSim } from './helpers.js';

describe('simulator record shape and queries', () => {
  it('returns id, rowNumber, note, custom, and {} for empty fields; linked entities only when expanded', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim);
      const [plain] = await entities.listPage('Contact', { top: 1 });
      expect(plain).toMatchObject({
        rowNumber: 1,
        note: {},
        custom: {},
        Fax: {},
        DisplayName: { value: 'Ava Chen' },
      });
      expect(plain!.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(plain!.Address).toBeUndefined();
      const [expanded] = await entities.listPage('Contact', {
        top: 1,
        select: ['DisplayName', 'Address/State'],
        expand: ['Address'],
      });
      expect(Object.keys(expanded!).sort()).toEqual([
        'Address',
        'DisplayName',
        'custom',
        'id',
        'note',
        'rowNumber',
      ]);
      expect(expanded!.Address).toMatchObject({ State: { value: 'IL' } });
    });
  });

  it('pages with $top/$skip and filters linked fields', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim);
      const ids: string[] = [];
      for await (const r of entities.list('Contact', { pageSize: 4, select: ['ContactID'] })) ids.push(r.id!);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
      const orders = await entities.listPage('SalesOrder', {
        filter: and(startswith('ShipToContact/Phone1', '(312)'), eq('Status', 'open')),
        expand: ['ShipToContact'],
      });
      expect(orders.map((o) => (o.OrderNbr as { value: string }).value)).toEqual(['000101']);
    });
  });

  it('is deterministic for a given seed', async () => {
    const ids = async () => {
      const sim = await startAcumaticaSimulator({ seed: 7 });
      try {
        return sim.records('Contact').map((r) => r.id);
      } finally {
        await sim.stop();
      }
    };
    expect(await ids()).toEqual(await ids());
  });

  it('loads an exported seed file in wire format', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acusms-seed-'));
    const file = join(dir, 'seed.json');
    await writeFile(
      file,
      JSON.stringify({
        Contact: [
          {
            id: '8aa2b525-0f96-e411-b335-e006e6dac1d7',
            ContactID: { value: 7 },
            LastName: { value: 'Albarn' },
            Phone1: { value: '+61 (2) 3849 9201' },
            Fax: {},
          },
        ],
      }),
    );
    const seed = await loadSeedFile(file);
    await withSim({ tenants: [{ name: 'Company', seed }] }, async (sim) => {
      expect(sim.records('Contact')).toEqual([
        expect.objectContaining({
          id: '8aa2b525-0f96-e411-b335-e006e6dac1d7',
          Phone1: { value: '+61 (2) 3849 9201' },
          Fax: {},
        }),
      ]);
    });
  });
});

describe('push notifications', () => {
  it('posts the documented payload with the header, retrying up to 5 times', async () => {
    const seen: Array<{ header: unknown; body: string }> = [];
    const receiver = Fastify();
    receiver.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) =>
      done(null, body),
    );
    receiver.post('/webhooks/acumatica/acme', async (req, reply) => {
      seen.push({ header: req.headers['x-api-key'], body: String(req.body) });
      return reply.code(seen.length < 3 ? 500 : 200).send();
    });
    const url = await receiver.listen({ port: 0, host: '127.0.0.1' });
    try {
      await withSim({}, async (sim) => {
        const result = await sim.sendPush({
          url: `${url}/webhooks/acumatica/acme`,
          header: 'X-Api-Key',
          secret: 'push-secret',
          query: 'ShippedOrders',
          inserted: [{ OrderNbr: '000101', Status: 'Shipped' }],
          deleted: [{ OrderNbr: '000101', Status: 'Open' }],
          now: Date.UTC(2026, 0, 5, 15, 0, 0),
        });
        expect(result).toMatchObject({ delivered: true, attempts: 3, statuses: [500, 500, 200] });
      });
      expect(new Set(seen.map((s) => s.body)).size).toBe(1); // a resend is the same notification
      expect(seen[0]!.header).toBe('push-secret');
      const body = JSON.parse(seen[0]!.body);
      expect(Object.keys(body)).toEqual([
        'Inserted',
        'Deleted',
        'Query',
        'CompanyId',
        'Id',
        'TimeStamp',
        'AdditionalInfo',
      ]);
      expect(body).toMatchObject({
        Query: 'ShippedOrders',
        CompanyId: 'Company',
        Inserted: [{ Status: 'Shipped' }],
      });
      expect(seen[0]!.body).toContain(`"TimeStamp":${ticksOf(Date.UTC(2026, 0, 5, 15, 0, 0))}`);
    } finally {
      await receiver.close();
    }
  });

  it('gives up after 5 attempts', async () => {
    await withSim({}, async (sim) => {
      const result = await sim.sendPush({ url: 'http://127.0.0.1:9/none', query: 'Q' });
      expect(result).toMatchObject({ delivered: false, attempts: 5 });
    });
  });
});

describe('doctor', () => {
  it('passes against a healthy instance', async () => {
    await withSim({}, async (sim) => {
      const checks = await checkAcumatica({ url: sim.url, tenant: 'acme', auth: oauth, activityType: 'SMS' });
      expect(checks.map((c) => [c.name, c.ok])).toEqual([
        ['acumatica[acme] auth', true],
        ['acumatica[acme] endpoint', true],
        ['acumatica[acme] activity type', true],
      ]);
      expect(checks[2]!.detail).toContain('CR102000');
    });
  });

  it('explains a wrong secret and a missing endpoint version', async () => {
    await withSim({}, async (sim) => {
      const bad = await checkAcumatica({
        url: sim.url,
        tenant: 'acme',
        auth: { ...oauth, clientSecret: new Secret('wrong') },
        activityType: 'SMS',
      });
      expect(bad).toEqual([expect.objectContaining({ ok: false, fix: expect.stringContaining('SM303010') })]);
      expect(JSON.stringify(bad)).not.toContain('wrong');
      const old = await checkAcumatica({
        url: sim.url,
        tenant: 'acme',
        auth: oauth,
        endpoint: 'Default/25.200.001',
        activityType: 'SMS',
      });
      expect(old[1]).toMatchObject({ ok: false, fix: expect.stringContaining('24.200.001') });
    });
  });
});
