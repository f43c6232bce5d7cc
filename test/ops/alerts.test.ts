import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigValue } from '../../src/config/parse.js';
import type { AlertConfig } from '../../src/config/schema.js';
import { Secret } from '../../src/config/secret.js';
import type { SmsAlertTransport } from '../../src/ops/alert-sinks-sms.js';
import { twilioAlertTransport } from '../../src/ops/alert-sinks-sms.js';
import { createAlerter } from '../../src/ops/alerts.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { demoAccount, startTwilioSimulator } from '../../src/sim/twilio/index.js';
import { sqlRateLimitStore, sqlSemaphoreStore } from '../../src/store/limits.js';
import { memoryLogger } from '../helpers/logger.js';
import { dialects, dialectTitle, type TestStore } from '../helpers/stores.js';
import { driveClock, type RecordingServer, SleepCountingClock, startRecordingServer } from './helpers.js';

const ALERT = {
  type: 'dead_letter' as const,
  tenant: 'acme',
  message: 'a send job was dead-lettered: twilio_credentials: Authenticate',
  details: { count: 1, deadLetterIds: ['dl-1'] },
};
const WEBHOOK_SECRET = 'whsec-test-0123456789';

function fakeSms(): SmsAlertTransport & { texts: Array<{ tenant: string; to: string; body: string }> } {
  const texts: Array<{ tenant: string; to: string; body: string }> = [];
  return {
    texts,
    async send(tenant, to, body) {
      texts.push({ tenant, to, body });
    },
  };
}

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`alert sinks on ${dialectTitle(dialect)}`, () => {
    let t: TestStore;
    let server: RecordingServer;
    let clock: SleepCountingClock;
    beforeEach(async () => {
      t = await dialect.open();
      server = await startRecordingServer();
      clock = new SleepCountingClock();
    });
    afterEach(async () => {
      await server.close();
      await t.cleanup();
    });

    function alerter(alerts: AlertConfig[], sms?: SmsAlertTransport) {
      const log = memoryLogger();
      const metrics = createMetrics();
      const a = createAlerter({
        config: { alerts },
        store: t.store,
        logger: log.logger,
        clock,
        metrics,
        ...(sms ? { sms } : {}),
      });
      return { alerter: a, lines: log.lines, metrics };
    }

    it('stores the alert and gives every sink a well-formed copy', async () => {
      const sms = fakeSms();
      const {
        alerter: a,
        lines,
        metrics,
      } = alerter(
        [
          { type: 'log' },
          {
            type: 'webhook',
            url: new Secret(`${server.url}/hook?token=s3cr3t`),
            secret: new Secret(WEBHOOK_SECRET),
          },
          { type: 'slack', url: new Secret(`${server.url}/services/T0/B0/xyz`) },
          { type: 'sms', tenant: 'acme', to: ['+13125550111', '+13125550112'] },
        ],
        sms,
      );
      await a.send(ALERT);
      const at = new Date(clock.now()).toISOString();

      const [row] = await t.store.db.selectFrom('alerts').selectAll().execute();
      expect(row).toMatchObject({ type: 'dead_letter', tenant: 'acme', message: ALERT.message });
      expect(JSON.parse(String(row?.details))).toEqual(ALERT.details);
      expect(Number(row?.at)).toBe(clock.now());

      const hook = server.requests.find((r) => r.path.startsWith('/hook'));
      expect(hook?.method).toBe('POST');
      expect(hook?.headers['content-type']).toBe('application/json');
      expect(hook?.body).toBe(
        JSON.stringify({
          type: ALERT.type,
          tenant: 'acme',
          message: ALERT.message,
          details: ALERT.details,
          at,
        }),
      );
      const timestamp = String(hook?.headers['x-acusms-timestamp']);
      expect(Number(timestamp)).toBe(Math.floor(clock.now() / 1000));
      const expected = createHmac('sha256', WEBHOOK_SECRET)
        .update(`${timestamp}.${hook?.body}`)
        .digest('hex');
      expect(hook?.headers['x-acusms-signature']).toBe(`sha256=${expected}`);
      expect(hook?.headers['x-acusms-alert-id']).toBe(row?.id);

      const slack = server.requests.find((r) => r.path.startsWith('/services/'));
      const slackBody = JSON.parse(String(slack?.body)) as { text: string; blocks: Array<{ type: string }> };
      expect(slackBody.text).toBe(`:rotating_light: *dead_letter* (acme): ${ALERT.message}`);
      expect(slackBody.blocks.map((b) => b.type)).toEqual(['section', 'section', 'context']);

      expect(sms.texts).toEqual([
        { tenant: 'acme', to: '+13125550111', body: `acusms dead_letter acme: ${ALERT.message}` },
        { tenant: 'acme', to: '+13125550112', body: `acusms dead_letter acme: ${ALERT.message}` },
      ]);

      const logged = lines().map((l) => JSON.parse(l) as { level: number; alert?: Record<string, unknown> });
      expect(logged.find((l) => l.alert)).toMatchObject({ level: 40, alert: { ...ALERT, at, id: row?.id } });
      // Secrets in sink URLs never reach the log.
      expect(lines().join('\n')).not.toMatch(/s3cr3t|xyz|whsec/);

      const text = await metrics.registry.metrics();
      expect(text).toContain('acusms_alerts_total{type="dead_letter"} 1');
      expect(text).toContain('acusms_alert_deliveries_total{sink="webhook",outcome="delivered"} 1');
    });

    it('sends no signature headers when the webhook has no secret', async () => {
      const { alerter: a } = alerter([{ type: 'webhook', url: new Secret(`${server.url}/plain`) }]);
      await a.send(ALERT);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]?.headers['x-acusms-signature']).toBeUndefined();
      expect(server.requests[0]?.headers['x-acusms-timestamp']).toBeUndefined();
    });

    it('retries a failing webhook with backoff, same body and alert id each time', async () => {
      server.respondWith(500, 503);
      const { alerter: a, metrics } = alerter([{ type: 'webhook', url: new Secret(`${server.url}/flaky`) }]);
      await driveClock(clock, a.send(ALERT), 10_000);
      expect(server.requests).toHaveLength(3);
      expect(new Set(server.requests.map((r) => r.body)).size).toBe(1);
      expect(new Set(server.requests.map((r) => r.headers['x-acusms-alert-id'])).size).toBe(1);
      expect(await metrics.registry.metrics()).toContain(
        'acusms_alert_deliveries_total{sink="webhook",outcome="delivered"} 1',
      );
    });

    it('gives up on a dead webhook after its attempts without throwing; other sinks still deliver', async () => {
      server.respondWith(500, 500, 500, 500, 500);
      const sms = fakeSms();
      const { alerter: a, lines } = alerter(
        [
          { type: 'webhook', url: new Secret(`${server.url}/down?key=hidden-key`) },
          { type: 'sms', tenant: 'acme', to: ['+13125550111'] },
        ],
        sms,
      );
      await expect(driveClock(clock, a.send(ALERT), 10_000)).resolves.toBeUndefined();
      expect(server.requests).toHaveLength(4);
      expect(sms.texts).toHaveLength(1);
      const failure = lines().find((l) => l.includes('alert not delivered'));
      expect(JSON.parse(String(failure))).toMatchObject({
        level: 50,
        sink: 'webhook#0',
        error: 'webhook#0: answered 500',
      });
      expect(lines().join('\n')).not.toContain('hidden-key');
      expect(await t.store.db.selectFrom('alerts').selectAll().execute()).toHaveLength(1);
    });

    it('does not retry a 4xx, and survives an unreachable host', async () => {
      server.respondWith(404);
      const closed = await startRecordingServer();
      await closed.close();
      const { alerter: a, lines } = alerter([
        { type: 'webhook', url: new Secret(`${server.url}/gone`) },
        { type: 'slack', url: new Secret(`${closed.url}/services/x`) },
      ]);
      await driveClock(clock, a.send(ALERT), 10_000);
      expect(server.requests).toHaveLength(1);
      expect(lines().filter((l) => l.includes('alert not delivered'))).toHaveLength(2);
    });

    it('texts on-call numbers through the Twilio simulator, with no status callback', async () => {
      const account = demoAccount(11);
      const twilio = await startTwilioSimulator({ accounts: [account], seed: 11, defaultMps: 50 });
      try {
        const config = parseConfigValue(
          {
            database: t.url,
            publicUrl: 'http://127.0.0.1:1',
            admin: { token: 'x' },
            tenants: [
              {
                id: 'acme',
                timezone: 'America/Chicago',
                acumatica: {
                  url: 'http://127.0.0.1:1',
                  tenant: 'ACME',
                  auth: { type: 'session', username: 'u', password: 'p' },
                },
                twilio: {
                  accountSid: account.accountSid,
                  authToken: account.authToken,
                  baseUrl: twilio.url,
                  from: '+13125550100',
                  mps: 50,
                },
              },
            ],
          },
          { env: {} },
        );
        const transport = twilioAlertTransport({
          config,
          rateLimits: sqlRateLimitStore(t.store),
          semaphores: sqlSemaphoreStore(t.store),
          clock: { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
          instanceId: 'test',
        });
        const { alerter: a } = alerter([{ type: 'sms', tenant: 'acme', to: ['+13125550111'] }], transport);
        await a.send({ ...ALERT, type: 'auth_failure', message: 'Twilio refused our credentials' });
        const creates = twilio.requests.filter(
          (r) => r.method === 'POST' && r.path.endsWith('/Messages.json'),
        );
        expect(creates).toHaveLength(1);
        expect(creates[0]?.status).toBe(201);
        expect(creates[0]?.params).toMatchObject({
          To: '+13125550111',
          From: '+13125550100',
          Body: 'acusms auth_failure acme: Twilio refused our credentials',
        });
        expect(creates[0]?.params.StatusCallback).toBeUndefined();
      } finally {
        await twilio.stop();
      }
    });
  });
}
