import { describe, expect, it } from 'vitest';
import { PHONE_INDEX_CURSOR, PhoneIndex } from '../../src/acumatica/phone-index.js';
import { normalizePhone } from '../../src/acumatica/phone-normalize.js';
import { MemoryCursorStore, MemoryPhoneIndexStore } from '../../src/acumatica/ports.js';
import { timeZoneForAddress } from '../../src/acumatica/time-zone.js';
import { ManualClock } from '../../src/ops/clock.js';
import type { AcumaticaSimulator } from '../../src/sim/acumatica/index.js';
import { clientFor, withSim } from './helpers.js';

describe('normalizePhone', () => {
  it.each([
    ['(312) 555-0101', '+13125550101'],
    ['+1 312-555-0102', '+13125550102'],
    ['312.555.0103 x12', '+13125550103'],
    ['cell: 1-312-555-0104', '+13125550104'],
    ['512 555 0110 ext. 7', '+15125550110'],
    ['tel:+1 (206) 555-0142', '+12065550142'],
    ['+44 20 7946 0958', '+442079460958'],
    ['n/a', undefined],
    ['555-0101', undefined],
    ['', undefined],
  ])('%j ⇒ %s', (text, e164) => {
    expect(normalizePhone(text, 'US')).toBe(e164);
  });

  it('reads national numbers with the tenant country', () => {
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
  });
});

describe('timeZoneForAddress', () => {
  it('uses state, then country, else null', () => {
    expect(timeZoneForAddress('US', 'IL')).toBe('America/Chicago');
    expect(timeZoneForAddress('United States', 'wa')).toBe('America/Los_Angeles');
    expect(timeZoneForAddress('GB', undefined)).toBe('Europe/London');
    expect(timeZoneForAddress(undefined, 'TX', 'US')).toBe('America/Chicago');
    expect(timeZoneForAddress('US', undefined)).toBeNull();
    expect(timeZoneForAddress('BR', 'SP')).toBeNull();
  });
});

function makeIndex(sim: AcumaticaSimulator) {
  const store = new MemoryPhoneIndexStore();
  const cursors = new MemoryCursorStore();
  const { entities } = clientFor(sim);
  const index = new PhoneIndex({
    tenant: 'acme',
    entities,
    store,
    cursors,
    defaultCountry: 'US',
    pageSize: 2,
  });
  return { store, cursors, index };
}

describe('phone index', () => {
  it('full scan: every phone field in E.164, duplicates resolved and reported, cursor stored', async () => {
    await withSim({}, async (sim) => {
      const { store, cursors, index } = makeIndex(sim);
      const report = await index.sync();
      expect(report.mode).toBe('full');
      expect(report.contacts).toBe(6);
      expect(store.all('acme').map((e) => [e.phone, e.contactId])).toEqual([
        ['+12065550142', 106],
        ['+13125550101', 101],
        ['+13125550102', 102],
        ['+13125550103', 101],
        ['+13125550104', 102],
        ['+15125550110', 103],
        ['+442079460958', 105],
      ]);
      // 103 and 104 share +1 512-555-0110; 103 was modified later.
      expect(report.conflicts).toEqual([
        {
          phone: '+15125550110',
          winner: { contactId: 103, displayName: 'Priya Natarajan' },
          losers: [{ contactId: 104, displayName: 'Sam Okafor' }],
        },
      ]);
      expect(report.invalid).toEqual([{ contactId: 103, field: 'Phone2', text: 'n/a' }]);
      expect(await store.lookup('acme', '+13125550101')).toMatchObject({
        displayName: 'Ava Chen',
        timeZone: 'America/Chicago',
      });
      expect(await store.lookup('acme', '+442079460958')).toMatchObject({ timeZone: 'Europe/London' });
      expect(await cursors.get('acme', PHONE_INDEX_CURSOR)).toBe('2026-01-04T12:00:00.000Z');
    });
  });

  it('equal modification times fall back to the lowest ContactID', async () => {
    // A stopped clock at the simulator gives both contacts the same LastModifiedDateTime.
    await withSim({ tenants: [{ name: 'Company', seed: false }], clock: new ManualClock() }, async (sim) => {
      const { store, index } = makeIndex(sim);
      sim.upsert('Contact', { ContactID: 202, LastName: 'B', DisplayName: 'B', Phone1: '(773) 555-0120' });
      sim.upsert('Contact', { ContactID: 201, LastName: 'A', DisplayName: 'A', Phone1: '773-555-0120' });
      const report = await index.fullScan();
      expect(report.conflicts).toEqual([
        {
          phone: '+17735550120',
          winner: { contactId: 201, displayName: 'A' },
          losers: [{ contactId: 202, displayName: 'B' }],
        },
      ]);
      expect((await store.lookup('acme', '+17735550120'))?.contactId).toBe(201);
    });
  });

  it('incremental scan picks up changed contacts after the cursor', async () => {
    await withSim({}, async (sim) => {
      const { store, cursors, index } = makeIndex(sim);
      await index.sync();
      const before = await cursors.get('acme', PHONE_INDEX_CURSOR);
      const [sam] = sim.records('Contact').filter((r) => (r.ContactID as { value: number }).value === 104);
      sim.upsert('Contact', { id: sam!.id, Phone1: '(512) 555-0111' }); // Sam changes number: now newest
      sim.upsert('Contact', {
        ContactID: 107,
        LastName: 'Quinn',
        DisplayName: 'Rae Quinn',
        Phone2: '+1 (415) 555-0177',
      });
      const report = await index.sync();
      expect(report.mode).toBe('incremental');
      // The two changed contacts, plus Noah (106), modified at the cursor and re-read by the overlap.
      expect(report.contacts).toBe(3);
      expect((await store.lookup('acme', '+15125550111'))?.contactId).toBe(104);
      expect((await store.lookup('acme', '+14155550177'))?.displayName).toBe('Rae Quinn');
      expect((await store.lookup('acme', '+15125550110'))?.contactId).toBe(103);
      expect(Date.parse((await cursors.get('acme', PHONE_INDEX_CURSOR))!)).toBeGreaterThan(
        Date.parse(before!),
      );
    });
  });
});
