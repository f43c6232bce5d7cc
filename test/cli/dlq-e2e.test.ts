import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, creates, type Harness, startHarness } from '../e2e/harness.js';
import { dialects, dialectTitle, type TestStore } from '../helpers/stores.js';
import { waitFor } from '../helpers/wait.js';
import { acusms, writeConfig } from '../ops/dlq-cli.js';

const AVA = '+13125550101';
const MARCO = '+13125550102';

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(
    `dead letter → fix → dlq replay, over real sockets on ${dialectTitle(dialect)}`,
    () => {
      let t: TestStore;
      let h: Harness | undefined;
      let config: ReturnType<typeof writeConfig>;
      beforeEach(async () => {
        t = await dialect.open();
        config = writeConfig(t.url);
      });
      afterEach(async () => {
        await h?.close();
        config.cleanup();
        await t.cleanup();
      });

      async function statusOf(id: string): Promise<Record<string, unknown>> {
        const res = await api(h!, `/api/messages?tenant=acme&idempotencyKey=${id}`);
        return ((await res.json()) as { items: Array<Record<string, unknown>> }).items[0] ?? {};
      }

      it('sends dead-lettered by refused Twilio credentials go out after the fix and a replay', async () => {
        h = await startHarness(t);
        h.twilio.setFaults({ authFailure: true });
        for (const [key, to] of [
          ['k-ava', AVA],
          ['k-marco', MARCO],
        ] as const) {
          const res = await api(h, '/api/messages', {
            method: 'POST',
            headers: { 'idempotency-key': key },
            body: JSON.stringify({ tenant: 'acme', to, body: `Your order ships today (${key})` }),
          });
          expect(res.status).toBe(202);
        }
        await waitFor(
          async () =>
            (await statusOf('k-ava')).status === 'dead' && (await statusOf('k-marco')).status === 'dead',
          {
            what: 'both sends dead',
            timeoutMs: 20_000,
          },
        );
        const letters = await h.app.store.db.selectFrom('dead_letters').selectAll().execute();
        expect(letters.map((l) => l.kind)).toEqual(['send', 'send']);
        expect(await statusOf('k-ava')).toMatchObject({ errorCode: 20003, twilioSid: null });

        // Alerts: the first dead letter at once (the second is held by the debounce), and
        // auth_failure on the second refusal in a row.
        const alertTypes = async () =>
          (await t.store.db.selectFrom('alerts').select('type').execute()).map((a) => a.type).sort();
        await waitFor(async () => (await alertTypes()).length === 2, { what: 'alerts' });
        expect(await alertTypes()).toEqual(['auth_failure', 'dead_letter']);

        h.twilio.setFaults({ authFailure: false });
        const replay = await acusms(['dlq', 'replay', '--all', '--tenant', 'acme', '--config', config.path]);
        expect(replay.code).toBe(0);
        expect(replay.stdout).toContain('replayed 2 of 2 dead letter(s)');

        // The running worker (another "process" on the same database) picks the jobs up.
        await waitFor(
          async () => (await statusOf('k-ava')).twilioSid && (await statusOf('k-marco')).twilioSid,
          {
            what: 'replayed sends to reach Twilio',
            timeoutMs: 20_000,
          },
        );
        expect(creates(h)).toBe(2);
        expect((await acusms(['dlq', 'list', '--json', '--config', config.path])).stdout).toBe(
          '{"items":[]}\n',
        );
        const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
        expect(metrics).toContain('acusms_alerts_total{type="dead_letter"} 1');
        expect(metrics).toMatch(
          /acusms_upstream_calls_total\{tenant="acme",target="twilio",outcome="failure"\} 2/,
        );

        // The held dead-letter summary goes out when the app drains.
        await h.app.stop();
        expect(await alertTypes()).toEqual(['auth_failure', 'dead_letter', 'dead_letter']);
      });
    },
  );
}
