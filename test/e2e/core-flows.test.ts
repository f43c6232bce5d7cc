import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AcumaticaGateway } from '../../src/acumatica/gateway.js';
import { relinkUnmatched } from '../../src/flows/activity.js';
import type { ErpGateway } from '../../src/flows/ports.js';
import { dialects, dialectTitle, type TestStore } from '../helpers/stores.js';
import { waitFor } from '../helpers/wait.js';
import {
  api,
  creates,
  FROM,
  type Harness,
  plainRecords,
  push,
  shippedEvent,
  startHarness,
} from './harness.js';

// Contact 101 in the simulator's seed data owns (312) 555-0101; 102 owns +1 312-555-0102.
const AVA = '+13125550101';
const MARCO = '+13125550102';
const STRANGER = '+13125550199';

async function messages(h: Harness, query = ''): Promise<Array<Record<string, unknown>>> {
  const res = await api(h, `/api/messages?tenant=acme${query}`);
  return ((await res.json()) as { items: Array<Record<string, unknown>> }).items;
}

async function drained(h: Harness): Promise<void> {
  await waitFor(async () => Object.keys(await h.app.queue.depth()).length === 0, {
    what: 'outbox to drain',
    timeoutMs: 20_000,
  });
}

function activitiesFor(h: Harness, sid: string) {
  return plainRecords(h, 'Activity').filter((a) => String(a.Summary ?? '').includes(sid));
}

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`core flows over real sockets on ${dialectTitle(dialect)}`, () => {
    let t: TestStore;
    let h: Harness;
    beforeEach(async () => {
      t = await dialect.open();
    });
    afterEach(async () => {
      await h?.close();
      await t.cleanup();
    });

    it('a push notification resent 3 times sends one SMS and writes one Activity on the contact', async () => {
      h = await startHarness(t);
      const event = shippedEvent(randomUUID(), 'SO-1001', '(312) 555-0101');
      for (let i = 0; i < 3; i++) expect((await push(h, event)).status).toBe(200);
      await waitFor(async () => (await messages(h))[0]?.acumaticaId, {
        what: 'activity id',
        timeoutMs: 20_000,
      });
      await drained(h);
      expect(creates(h)).toBe(1);
      const [message] = await messages(h);
      expect(message).toMatchObject({
        direction: 'outbound',
        to: AVA,
        from: FROM,
        body: 'Hi Ava, order SO-1001 has shipped.',
      });
      const activities = activitiesFor(h, String(message?.twilioSid));
      expect(activities).toHaveLength(1);
      expect(activities[0]?.Summary).toMatch(/^SMS to \+13125550101: Hi Ava/);
      expect(activities[0]?.Body).toBe('Hi Ava, order SO-1001 has shipped.');
      expect(activities[0]?.RelatedEntityType).toBe('PX.Objects.CR.Contact');
    });

    it('the same order key from a new push Id sends once; an unchanged status sends nothing', async () => {
      h = await startHarness(t);
      await push(h, shippedEvent(randomUUID(), 'SO-2001', '(312) 555-0101'));
      await push(h, shippedEvent(randomUUID(), 'SO-2001', '(312) 555-0101'));
      await push(h, shippedEvent(randomUUID(), 'SO-2002', '(312) 555-0101', 'Shipped'));
      await waitFor(() => creates(h) >= 1);
      await drained(h);
      expect(creates(h)).toBe(1);
      expect(await messages(h)).toHaveLength(1);
    });

    it('a template field missing from the event dead-letters it with the reason; nothing is sent', async () => {
      h = await startHarness(t);
      const event = shippedEvent(randomUUID(), 'SO-3001', '(312) 555-0101');
      event.Inserted = [{ ...event.Inserted[0]!, CustomerName: '' }];
      await push(h, event);
      await drained(h);
      const res = await api(h, '/api/dead-letters');
      const { items } = (await res.json()) as { items: Array<{ kind: string; error: string }> };
      expect(items).toHaveLength(1);
      expect(items[0]?.error).toContain('{{CustomerName}}');
      expect(creates(h)).toBe(0);
    });

    it('a crash after Twilio accepted but before the SID was stored does not send twice', async () => {
      h = await startHarness(t, { leaseSeconds: 2 });
      // The create reaches Twilio and is committed there; the answer never comes back.
      h.twilio.setFaults({ timeoutAfterCreateRate: 1, timeoutMode: 'hang' });
      const res = await api(h, '/api/messages', {
        method: 'POST',
        headers: { 'idempotency-key': 'crash-1' },
        body: JSON.stringify({ tenant: 'acme', to: '(312) 555-0101', body: 'Your invoice is ready' }),
      });
      expect(res.status).toBe(202);
      await waitFor(
        () => creates(h) + h.twilio.requests.filter((r) => r.fault === 'timeoutAfterCreateRate').length >= 1,
      );
      await h.restart(); // the process dies mid-request
      h.twilio.setFaults({ timeoutAfterCreateRate: 0 });
      await waitFor(async () => (await messages(h))[0]?.twilioSid, {
        what: 'SID adopted by lookup',
        timeoutMs: 30_000,
      });
      await drained(h);
      const created = h.twilio.messages().filter((m) => m.direction === 'outbound-api');
      expect(created).toHaveLength(1);
      expect((await messages(h))[0]?.twilioSid).toBe(created[0]?.sid);
    });

    it('STOP, stop again and START: suppressed while opted out, flag set on the contact, sent after START', async () => {
      h = await startHarness(t);
      const send = (key: string) =>
        api(h, '/api/messages', {
          method: 'POST',
          headers: { 'idempotency-key': key },
          body: JSON.stringify({ tenant: 'acme', to: MARCO, body: `Update ${key}` }),
        });
      await h.twilio.injectInbound({ from: MARCO, to: FROM, body: 'STOP' });
      await h.twilio.injectInbound({ from: MARCO, to: FROM, body: 'stop' });
      await drained(h);
      const optOuts = (await (await api(h, '/api/opt-outs?tenant=acme')).json()) as {
        items: Array<{ phone: string }>;
      };
      expect(optOuts.items.map((o) => o.phone)).toEqual([MARCO]);
      const contact = plainRecords(h, 'Contact').find((c) => c.ContactID === 102);
      expect(contact?.DoNotCall).toBe(true);
      await send('while-stopped');
      await drained(h);
      expect((await messages(h, '&direction=outbound'))[0]?.status).toBe('suppressed');
      expect(creates(h)).toBe(0);

      await h.twilio.injectInbound({ from: MARCO, to: FROM, body: 'START' });
      await drained(h);
      expect(plainRecords(h, 'Contact').find((c) => c.ContactID === 102)?.DoNotCall).toBe(false);
      await send('after-start');
      await waitFor(() => creates(h) === 1, { what: 'send after START' });
    });

    it('21610 from Twilio marks the message suppressed and records the opt-out', async () => {
      h = await startHarness(t);
      await h.app.stop(); // the STOP reaches Twilio while acusms is down
      await h.twilio.injectInbound({ from: AVA, to: FROM, body: 'STOP' });
      await h.restart();
      await api(h, '/api/messages', {
        method: 'POST',
        headers: { 'idempotency-key': 'k21610' },
        body: JSON.stringify({ tenant: 'acme', to: AVA, body: 'hello' }),
      });
      await waitFor(async () => (await messages(h))[0]?.status === 'suppressed', { what: 'suppressed' });
      expect((await messages(h))[0]?.errorCode).toBe(21610);
      const optOuts = (await (await api(h, '/api/opt-outs?tenant=acme')).json()) as {
        items: Array<{ phone: string; source: string }>;
      };
      expect(optOuts.items).toMatchObject([{ phone: AVA, source: 'twilio:21610' }]);
    });

    it('duplicated and reordered status callbacks end in the right final status', async () => {
      h = await startHarness(t);
      h.twilio.setFaults({ callbackDuplicateRate: 1, callbackReorderRate: 1 });
      for (let i = 0; i < 5; i++) {
        await api(h, '/api/messages', {
          method: 'POST',
          headers: { 'idempotency-key': `cb-${i}` },
          body: JSON.stringify({ tenant: 'acme', to: AVA, body: `message ${i}` }),
        });
      }
      await waitFor(() => creates(h) === 5);
      await h.twilio.settled();
      await waitFor(async () => (await messages(h)).every((m) => m.status === 'delivered'), {
        what: 'all delivered',
        timeoutMs: 20_000,
      });
      await h.twilio.settled();
      await drained(h);
      expect((await messages(h)).map((m) => m.status)).toEqual(Array(5).fill('delivered'));
    });

    it('one inbound SMS delivered 4 times makes one ledger row and one Activity', async () => {
      h = await startHarness(t);
      const { webhook } = await h.twilio.injectInbound({
        from: AVA,
        to: FROM,
        body: 'Is my order on its way?',
      });
      expect(webhook?.responseBody).toContain('<Response/>');
      for (let i = 0; i < 3; i++) {
        const res = await fetch(webhook!.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': webhook!.signature,
          },
          body: new URLSearchParams(webhook!.params).toString(),
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('text/xml');
      }
      await waitFor(async () => (await messages(h, '&direction=inbound'))[0]?.acumaticaId, {
        what: 'inbound activity',
      });
      await drained(h);
      const inbound = await messages(h, '&direction=inbound');
      expect(inbound).toHaveLength(1);
      expect(activitiesFor(h, String(inbound[0]?.twilioSid))).toHaveLength(1);
      expect(activitiesFor(h, String(inbound[0]?.twilioSid))[0]?.Summary).toMatch(
        /^SMS from \+13125550101: Is my order/,
      );
    });

    it('an inbound SMS from an unknown number is kept and listed, and linked once the number becomes a contact', async () => {
      h = await startHarness(t);
      await h.twilio.injectInbound({ from: STRANGER, to: FROM, body: 'who is this?' });
      await drained(h);
      const inbound = await messages(h, '&direction=inbound');
      expect(inbound).toMatchObject([
        { from: STRANGER, body: 'who is this?', acumaticaId: null, status: 'received' },
      ]);

      // The number becomes a contact in Acumatica; the next phone-index refresh links the text.
      h.acumatica.upsert('Contact', { FirstName: 'Riley', LastName: 'Moss', Phone1: '(312) 555-0199' });
      const erp = h.app.context.erp('acme') as ErpGateway & { gateway: AcumaticaGateway };
      await erp.gateway.phoneIndex.sync();
      expect(await relinkUnmatched(h.app.context, 'acme')).toBe(1);
      await waitFor(async () => (await messages(h, '&direction=inbound'))[0]?.acumaticaId, {
        what: 'late Activity',
      });
      const sid = String((await messages(h, '&direction=inbound'))[0]?.twilioSid);
      expect(activitiesFor(h, sid)).toHaveLength(1);
      await drained(h);
      expect(await relinkUnmatched(h.app.context, 'acme')).toBe(0);
    });

    it('refuses bad webhooks with the right status and stores nothing', async () => {
      h = await startHarness(t);
      const { webhook } = await h.twilio.injectInbound({ from: STRANGER, to: FROM, body: 'first' });
      await drained(h);
      const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
      const post = (path: string, body: string, headers: Record<string, string>) =>
        fetch(`${h.baseUrl}${path}`, { method: 'POST', headers, body });
      const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
      const tampered = { ...webhook!.params, MessageSid: `SM${'f'.repeat(32)}`, Body: 'tampered' };
      expect((await post('/webhooks/twilio/acme/inbound', form(tampered), formHeaders)).status).toBe(400);
      expect(
        (
          await post('/webhooks/twilio/acme/inbound', form(tampered), {
            ...formHeaders,
            'x-twilio-signature': webhook!.signature,
          })
        ).status,
      ).toBe(403);
      expect((await post('/webhooks/twilio/nope/inbound', form(tampered), formHeaders)).status).toBe(404);
      expect((await push(h, shippedEvent('x', 'SO-9', AVA), { 'x-api-key': 'wrong' })).status).toBe(401);
      const malformed = await fetch(`${h.baseUrl}/webhooks/acumatica/acme`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'e2e-push-secret' },
        body: '{"Inserted": [',
      });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toHaveProperty('error');
      const noQuery = await push(h, { Inserted: [], Deleted: [] });
      expect(noQuery.status).toBe(400);
      expect(
        (await push(h, { ...shippedEvent('big', 'SO-10', AVA), pad: 'x'.repeat(2 * 1024 * 1024) })).status,
      ).toBe(413);
      await drained(h);
      expect(await messages(h)).toHaveLength(1);
      const events = await h.app.store.db.selectFrom('push_events').selectAll().execute();
      expect(events).toEqual([]);
    });
  });
}
