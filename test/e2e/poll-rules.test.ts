import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialects, dialectTitle, type TestStore } from '../helpers/stores.js';
import { waitFor } from '../helpers/wait.js';
import { type Harness, startHarness } from './harness.js';

const welcome = {
  id: 'welcome',
  poll: { entity: 'Customer', filter: "Status eq 'Active'", expand: ['MainContact'], every: '1s' },
  key: '{{CustomerID}}',
  to: '{{MainContact_Phone1}}',
  body: 'Welcome aboard, {{CustomerName}}!',
};

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`polling rules over real sockets on ${dialectTitle(dialect)}`, () => {
    let t: TestStore;
    let h: Harness;
    beforeEach(async () => {
      t = await dialect.open();
    });
    afterEach(async () => {
      await h?.close();
      await t.cleanup();
    });

    const sent = async () =>
      await h.app.store.db
        .selectFrom('messages')
        .select(['to_phone', 'body', 'idempotency_key'])
        .orderBy('to_phone')
        .execute();

    it('texts each matching record once, however often it is polled or changed, and picks up new ones', async () => {
      h = await startHarness(t, { rules: [welcome] });
      // The simulator's seed has three active customers, one with a UK number.
      await waitFor(async () => (await sent()).length === 3, { what: 'three welcome texts' });
      expect(await sent()).toEqual([
        {
          to_phone: '+13125550101',
          body: 'Welcome aboard, Lakeshore Bikes!',
          idempotency_key: 'rule:welcome:C000001',
        },
        {
          to_phone: '+15125550110',
          body: 'Welcome aboard, Prairie Coffee Co.!',
          idempotency_key: 'rule:welcome:C000002',
        },
        {
          to_phone: '+442079460958',
          body: 'Welcome aboard, Harbour Books Ltd!',
          idempotency_key: 'rule:welcome:C000003',
        },
      ]);
      const cursor = () =>
        h.app.store.db
          .selectFrom('cursors')
          .select('value')
          .where('name', '=', 'poll:welcome')
          .executeTakeFirst();
      expect((await cursor())?.value).toBeTruthy();

      // A change to a customer who already got the text: read again, not texted again.
      h.acumatica.upsert('Customer', { CustomerID: 'C000001', CustomerName: 'Lakeshore Bikes & Co' });
      h.acumatica.upsert('Customer', {
        CustomerID: 'C000009',
        CustomerName: 'Northwind Cycles',
        Status: 'Active',
        MainContact: { Phone1: '312-555-0109' },
      });
      // Both changed before the same poll, so the poll that found the new one re-read C000001.
      await waitFor(async () => (await sent()).length === 4, { what: 'the new customer' });
      expect((await sent()).map((m) => m.idempotency_key)).toContain('rule:welcome:C000009');
      expect((await sent()).filter((m) => m.idempotency_key === 'rule:welcome:C000001')).toHaveLength(1);
    });
  });
}
