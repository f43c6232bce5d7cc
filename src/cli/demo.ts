import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../app.js';
import { parseConfigValue } from '../config/parse.js';
import { createLogger } from '../ops/logger.js';
import { SIM_DEFAULT_CREDENTIALS, startAcumaticaSimulator } from '../sim/acumatica/index.js';
import { startTraffic, UNREACHABLE } from '../sim/demo/traffic.js';
import { simulatedTenant } from '../sim/simulated-tenant.js';
import { DEMO_FROM, demoAccount, startTwilioSimulator } from '../sim/twilio/index.js';
import type { CommandContext } from './context.js';

export interface DemoOptions {
  port?: string;
  /** Milliseconds between two traffic events. */
  every?: string;
}

const PUSH_SECRET = 'demo-push-secret';

/**
 * `acusms demo`: both simulators in-process, a sample tenant, a fresh SQLite file under
 * ./data, and a traffic generator; prints where to look. Ctrl-C stops everything cleanly.
 */
export async function demo(context: CommandContext, options: DemoOptions): Promise<void> {
  const port = Number(options.port ?? process.env.ACUSMS_DEMO_PORT ?? 8080);
  const baseUrl = `http://127.0.0.1:${port}`;
  const logger = createLogger({ level: process.env.ACUSMS_LOG_LEVEL ?? 'info' });
  const dbFile = join(context.cwd, 'data', 'demo.db');
  // The simulators start empty every run, so the ledger does too.
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });

  const seed = Date.now() % 1_000_000;
  const account = demoAccount(seed);
  const twilio = await startTwilioSimulator({
    accounts: [account],
    seed,
    defaultMps: 1,
    inboundUrl: `${baseUrl}/webhooks/twilio/demo/inbound`,
    failingNumbers: { [UNREACHABLE]: { status: 'undelivered', errorCode: 30003 } },
  });
  const acumatica = await startAcumaticaSimulator({
    port: 0,
    tenants: [{ name: SIM_DEFAULT_CREDENTIALS.tenant }],
  });
  const adminToken = randomBytes(16).toString('hex');
  const config = parseConfigValue(
    {
      database: `sqlite:${dbFile}`,
      publicUrl: baseUrl,
      http: { host: '127.0.0.1', port },
      admin: { token: adminToken },
      tenants: [
        {
          ...simulatedTenant({
            id: 'demo',
            acumaticaUrl: acumatica.url,
            twilioUrl: twilio.url,
            account,
            from: DEMO_FROM,
            pushSecret: PUSH_SECRET,
          }),
          // Off so the demo texts at any hour; production keeps the 21:00–08:00 default.
          quietHours: null,
          rules: [
            {
              id: 'order-shipped',
              query: 'ShippedOrders',
              when: { field: 'Status', becomes: 'Shipped' },
              key: '{{OrderNbr}}',
              to: '{{ContactPhone}}',
              body: 'Hi {{CustomerName}}, order {{OrderNbr}} has shipped.',
            },
          ],
        },
      ],
    },
    { env: {} },
  );
  const app = await createApp(config, { logger });
  await app.start();

  const auth = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const traffic = startTraffic({
    acumatica,
    twilio,
    pushUrl: `${baseUrl}/webhooks/acumatica/demo`,
    pushHeader: 'X-Api-Key',
    pushSecret: PUSH_SECRET,
    ourNumber: DEMO_FROM,
    logger: logger.child({ component: 'demo-traffic' }),
    ...(options.every ? { everyMs: Number(options.every) } : {}),
    apiSend: async (to, body, key) => {
      await fetch(`${baseUrl}/api/messages`, {
        method: 'POST',
        headers: { ...auth, 'idempotency-key': key },
        body: JSON.stringify({ tenant: 'demo', to, body }),
      });
    },
  });

  context.stdout.write(
    [
      '',
      `acusms demo running at ${baseUrl}`,
      `  admin token:       ${adminToken}`,
      `  messages:          curl -s -H 'authorization: Bearer ${adminToken}' ${baseUrl}/api/messages?tenant=demo`,
      `  tenant stats:      curl -s -H 'authorization: Bearer ${adminToken}' ${baseUrl}/api/tenants/demo/stats`,
      `  opt-outs:          curl -s -H 'authorization: Bearer ${adminToken}' ${baseUrl}/api/opt-outs`,
      `  dead letters:      curl -s -H 'authorization: Bearer ${adminToken}' ${baseUrl}/api/dead-letters`,
      `  metrics:           ${baseUrl}/metrics`,
      `  Twilio simulator:  ${twilio.url}   Acumatica simulator: ${acumatica.url}`,
      `  database:          ${dbFile}`,
      'Orders ship every few seconds; customers reply; Marco texts STOP and later START. Ctrl-C stops.',
      '',
    ].join('\n'),
  );

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  context.stdout.write('stopping…\n');
  await traffic.stop();
  await app.stop();
  await twilio.stop();
  await acumatica.stop();
  context.stdout.write('demo stopped\n');
}
