import { describe, expect, it } from 'vitest';
import { ActivityWriter, CONTACT_ENTITY_TYPE } from '../../src/acumatica/activity-writer.js';
import type { EntityClient } from '../../src/acumatica/entities.js';
import { isAcumaticaError } from '../../src/acumatica/errors.js';
import { MemoryActivityLedger } from '../../src/acumatica/ports.js';
import type { AcumaticaSimulator } from '../../src/sim/acumatica/index.js';
import { clientFor, withSim } from './helpers.js';

const SID = 'SM0123456789abcdef0123456789abcdef';

function sms(sim: AcumaticaSimulator, overrides: Partial<Parameters<ActivityWriter['write']>[0]> = {}) {
  const ava = sim.records('Contact').find((r) => (r.LastName as { value: string }).value === 'Chen')!;
  return {
    sid: SID,
    direction: 'outbound' as const,
    phone: '+13125550101',
    body: 'Hi Ava, order 000101 has shipped.',
    date: new Date(Date.UTC(2026, 0, 5, 15, 0, 0)),
    related: { noteId: ava.id as string, type: CONTACT_ENTITY_TYPE },
    ...overrides,
  };
}

function activitiesWith(sim: AcumaticaSimulator, sid: string) {
  return sim.records('Activity').filter((a) => {
    const summary = (a.Summary as { value?: string }).value ?? '';
    const custom = JSON.stringify(a.custom);
    return summary.includes(sid) || custom.includes(sid);
  });
}

function writer(entities: EntityClient, ledger: MemoryActivityLedger, sidField: string | null = null) {
  return new ActivityWriter({ tenant: 'acme', entities, ledger, activityType: 'SMS', sidField });
}

describe('activity writer', () => {
  it('writes the SMS activity shape DESIGN.md fixes', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim);
      const result = await writer(entities, new MemoryActivityLedger()).write(sms(sim));
      expect(result.created).toBe(true);
      const [stored] = activitiesWith(sim, SID);
      expect(stored).toMatchObject({
        id: result.activityId,
        Type: { value: 'SMS' },
        Summary: { value: `SMS to +13125550101: Hi Ava, order 000101 has shipped. [${SID}]` },
        Body: { value: 'Hi Ava, order 000101 has shipped.' },
        RelatedEntityType: { value: 'PX.Objects.CR.Contact' },
        Date: { value: '2026-01-05T15:00:00.000+00:00' },
      });
    });
  });

  it.each([null, 'Activities.UsrTwilioMessageSid'])(
    'exactly one Activity per SID when the PUT answer is lost (sidField %s)',
    async (sidField) => {
      await withSim({}, async (sim) => {
        const { entities } = clientFor(sim);
        const ledger = new MemoryActivityLedger();
        const w = writer(entities, ledger, sidField);
        sim.fault({ kind: 'timeoutAfterWrite', method: 'PUT', entity: 'Activity' });
        const first = await w.write(sms(sim)).catch((e: unknown) => e);
        expect(isAcumaticaError(first, 'network')).toBe(true);
        expect(await ledger.findActivityId('acme', SID)).toBeUndefined();
        const retry = await w.write(sms(sim));
        const again = await w.write(sms(sim));
        expect(retry.created).toBe(false);
        expect(again.activityId).toBe(retry.activityId);
        expect(activitiesWith(sim, SID)).toHaveLength(1);
        expect(sim.counters().requests['PUT Activity']).toBe(1);
      });
    },
  );

  it('a ledger hit costs no request at all', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim);
      const ledger = new MemoryActivityLedger();
      await ledger.recordActivityId('acme', SID, 'known-id');
      await expect(writer(entities, ledger).write(sms(sim))).resolves.toEqual({
        activityId: 'known-id',
        created: false,
      });
      expect(sim.counters().requests['GET Activity']).toBeUndefined();
    });
  });

  it('keeps Summary within 255 characters without cutting the SID or an emoji', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim);
      const w = writer(entities, new MemoryActivityLedger());
      const summary = w.summaryOf(sms(sim, { body: `${'🚚'.repeat(300)}`, direction: 'inbound' }));
      expect([...summary].length).toBeLessThanOrEqual(255);
      expect(summary.startsWith('SMS from +13125550101: 🚚')).toBe(true);
      expect(summary.endsWith(`… [${SID}]`)).toBe(true);
      expect(summary).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    });
  });

  it('updates status, re-reading after a lock conflict', async () => {
    await withSim({}, async (sim) => {
      const { entities } = clientFor(sim);
      const ledger = new MemoryActivityLedger();
      const w = writer(entities, ledger);
      const { activityId } = await w.write(sms(sim, { status: 'Open' }));
      sim.fault({ kind: 'lock', method: 'PUT', entity: 'Activity' });
      await expect(w.update(SID, { status: 'Completed' })).resolves.toBe(activityId);
      expect(activitiesWith(sim, SID)[0]).toMatchObject({ Status: { value: 'Completed' } });
    });
  });

  it('an unknown activity type is a permanent validation error', async () => {
    await withSim({ tenants: [{ name: 'Company', activityTypes: ['M'] }] }, async (sim) => {
      const { entities } = clientFor(sim);
      await expect(writer(entities, new MemoryActivityLedger()).write(sms(sim))).rejects.toMatchObject({
        kind: 'validation',
        retryable: false,
        message: expect.stringContaining("Type: 'Type' cannot be found in the system."),
      });
    });
  });
});
