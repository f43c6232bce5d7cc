import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlowContext } from '../../src/flows/context.js';
import { createIngest, type IngestItem } from '../../src/flows/ingest.js';
import { ManualClock } from '../../src/ops/clock.js';
import { Queue } from '../../src/queue/queue.js';
import { silentLogger } from '../helpers/logger.js';
import { dialects, dialectTitle, type TestStore } from '../helpers/stores.js';

const sid = (n: number) => `SM${String(n).padStart(32, '0')}`;
const inbound = (n: number): IngestItem => ({
  type: 'inbound',
  tenant: 'acme',
  params: {
    MessageSid: sid(n),
    AccountSid: 'AC1',
    From: '+13125550142',
    To: '+13125550100',
    Body: `text ${n}`,
  },
});
const push = (id: string): IngestItem => ({
  type: 'push',
  tenant: 'acme',
  notification: { Query: 'ShippedOrders', CompanyId: 'Company', Id: id, Inserted: [], Deleted: [] },
});
const status = (n: number, s: string): IngestItem => ({
  type: 'status',
  tenant: 'acme',
  params: { MessageSid: sid(n), MessageStatus: s },
});

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`webhook ingest on ${dialectTitle(dialect)}`, () => {
    let t: TestStore;
    let context: FlowContext;
    beforeEach(async () => {
      t = await dialect.open();
      const clock = new ManualClock();
      const unused = () => {
        throw new Error('no gateway on the request path');
      };
      context = {
        config: {} as FlowContext['config'],
        store: t.store,
        queue: new Queue(t.store, { clock }),
        clock,
        logger: silentLogger,
        alerts: { send: async () => undefined },
        sms: unused,
        erp: unused,
      };
    });
    afterEach(async () => {
      await t.cleanup();
    });

    it('answers each webhook in one shared commit; repeats inside and across batches are no-ops', async () => {
      const ingest = createIngest(context);
      const first = [
        inbound(1),
        inbound(1),
        status(1, 'sent'),
        push('e1'),
        push('e1'),
        inbound(2),
        status(1, 'sent'),
      ];
      expect(await Promise.all(first.map((item) => ingest.submit(item)))).toEqual([
        true,
        false,
        true,
        true,
        false,
        true,
        false,
      ]);
      expect(ingest.stats.transactions).toBe(1);
      expect(
        await Promise.all([inbound(2), push('e1'), inbound(3)].map((item) => ingest.submit(item))),
      ).toEqual([false, false, true]);
      const messages = await t.store.db
        .selectFrom('messages')
        .select('twilio_sid')
        .orderBy('twilio_sid')
        .execute();
      expect(messages.map((m) => m.twilio_sid)).toEqual([sid(1), sid(2), sid(3)]);
      expect(await context.queue.depth()).toEqual({ inbound: 3, status: 1, push: 1 });
    });
  });
}
