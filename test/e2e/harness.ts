import { createServer } from 'node:net';
import { type App, createApp } from '../../src/app.js';
import { parseConfigValue } from '../../src/config/parse.js';
import type { Clock } from '../../src/ops/clock.js';
import {
  type AcumaticaSimulator,
  SIM_DEFAULT_CREDENTIALS,
  startAcumaticaSimulator,
} from '../../src/sim/acumatica/index.js';
import { simulatedTenant } from '../../src/sim/simulated-tenant.js';
import { demoAccount, startTwilioSimulator, type TwilioSimulator } from '../../src/sim/twilio/index.js';
import { silentLogger } from '../helpers/logger.js';
import type { TestStore } from '../helpers/stores.js';
import { waitFor } from '../helpers/wait.js';

export const FROM = '+13125550100';
export const PUSH_SECRET = 'e2e-push-secret';
export const ADMIN_TOKEN = 'e2e-admin-token';

export interface Harness {
  app: App;
  twilio: TwilioSimulator;
  acumatica: AcumaticaSimulator;
  baseUrl: string;
  /** Restarts acusms on the same database, as after a crash or a deploy. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  quietHours?: { start: string; end: string } | null;
  clock?: Clock;
  rules?: unknown[];
  /** Short leases let a test watch a crashed worker's job come back. */
  leaseSeconds?: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export const shippedRule = {
  id: 'order-shipped',
  query: 'ShippedOrders',
  when: { field: 'Status', becomes: 'Shipped' },
  key: '{{OrderNbr}}',
  to: '{{ContactPhone}}',
  body: 'Hi {{CustomerName}}, order {{OrderNbr}} has shipped.',
};

/** Both simulators and acusms, over real sockets, on one test database. */
export async function startHarness(t: TestStore, options: HarnessOptions = {}): Promise<Harness> {
  const account = demoAccount(7);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const twilio = await startTwilioSimulator({
    accounts: [account],
    seed: 7,
    defaultMps: 50,
    inboundUrl: `${baseUrl}/webhooks/twilio/acme/inbound`,
  });
  const acumatica = await startAcumaticaSimulator({
    port: 0,
    tenants: [{ name: SIM_DEFAULT_CREDENTIALS.tenant }],
  });
  const tenant = simulatedTenant({
    id: 'acme',
    acumaticaUrl: acumatica.url,
    twilioUrl: twilio.url,
    account,
    from: FROM,
    pushSecret: PUSH_SECRET,
  });
  const config = parseConfigValue(
    {
      database: t.url,
      publicUrl: baseUrl,
      http: { host: '127.0.0.1', port },
      admin: { token: ADMIN_TOKEN },
      ...(options.leaseSeconds ? { queue: { leaseSeconds: options.leaseSeconds } } : {}),
      tenants: [
        {
          ...tenant,
          twilio: { ...tenant.twilio, mps: 50 },
          quietHours: options.quietHours === undefined ? null : options.quietHours,
          rules: options.rules ?? [shippedRule],
        },
      ],
    },
    { env: {} },
  );
  const boot = async () => {
    const app = await createApp(config, {
      logger: silentLogger,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    await app.start();
    // The phone index fills on start-up from the simulator's contacts; flows match on it.
    await waitFor(
      async () =>
        (await app.store.db.selectFrom('phone_index').select('phone').limit(1).execute()).length > 0,
      {
        what: 'phone index',
      },
    );
    return app;
  };
  const harness: Harness = {
    app: await boot(),
    twilio,
    acumatica,
    baseUrl,
    async restart() {
      await harness.app.stop({ hard: true });
      harness.app = await boot();
    },
    async close() {
      await harness.app.stop();
      await twilio.stop();
      await acumatica.stop();
    },
  };
  return harness;
}

/** Posts a push notification the way SM302000 does (one attempt unless told otherwise). */
export async function push(
  h: Harness,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${h.baseUrl}/webhooks/acumatica/acme`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': PUSH_SECRET, ...headers },
    body: JSON.stringify(body),
  });
}

export function shippedEvent(id: string, order: string, phone: string, before = 'Open') {
  const row = { OrderNbr: order, CustomerName: 'Ava', ContactPhone: phone };
  return {
    Query: 'ShippedOrders',
    CompanyId: 'Company',
    Id: id,
    TimeStamp: 1,
    AdditionalInfo: {},
    Inserted: [{ ...row, Status: 'Shipped' }],
    Deleted: before === 'none' ? [] : [{ ...row, Status: before }],
  };
}

export async function api(h: Harness, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${h.baseUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  });
}

export function creates(h: Harness): number {
  return h.twilio.requests.filter(
    (r) => r.method === 'POST' && r.path.endsWith('/Messages.json') && r.status === 201,
  ).length;
}

/** The simulator keeps wire-shaped records (`{"Field": {"value": …}}`); tests read plain values. */
export function plainRecords(h: Harness, entity: string): Array<Record<string, unknown>> {
  return h.acumatica
    .records(entity)
    .map((record) =>
      Object.fromEntries(
        Object.entries(record).map(([k, v]) => [
          k,
          v && typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : v,
        ]),
      ),
    );
}
