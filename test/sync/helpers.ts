import type { AcumaticaGateway } from '../../src/acumatica/gateway.js';
import { type App, createApp } from '../../src/app.js';
import { parseConfigValue } from '../../src/config/parse.js';
import type { Config } from '../../src/config/schema.js';
import type { ErpGateway } from '../../src/flows/ports.js';
import type { Alert } from '../../src/ops/alert.js';
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

// Contacts 101 and 102 of the simulator's seed own these; nobody owns STRANGER.
export const AVA = '+13125550101';
export const MARCO = '+13125550102';
export const STRANGER = '+13125550199';
export const OUR_NUMBER = '+13125550100';

export interface Sims {
  twilio: TwilioSimulator;
  acumatica: AcumaticaSimulator;
  config: Config;
  /** The config as a YAML/JSON tree, for CLI tests that write it to a file. */
  tree: Record<string, unknown>;
  stop(): Promise<void>;
}

/** Both simulators, tuned so the licence is not what a 10,000-message test measures. */
export async function startSims(
  t: TestStore,
  overrides: { sync?: unknown; reconcile?: unknown } = {},
): Promise<Sims> {
  const account = demoAccount(11);
  const twilio = await startTwilioSimulator({
    accounts: [account],
    seed: 11,
    defaultMps: 1_000_000,
    deliveryDelayMs: 0,
  });
  const acumatica = await startAcumaticaSimulator({
    tenants: [
      {
        name: SIM_DEFAULT_CREDENTIALS.tenant,
        maxConcurrent: 8,
        queueLength: 100,
        requestsPerMinute: 100_000_000,
        perMinuteDelay: false,
      },
    ],
  });
  const base = simulatedTenant({
    id: 'acme',
    acumaticaUrl: acumatica.url,
    twilioUrl: twilio.url,
    account,
    from: OUR_NUMBER,
  });
  const tree: Record<string, unknown> = {
    database: t.url,
    publicUrl: 'http://127.0.0.1:9',
    admin: { token: 'sync-admin-token' },
    log: { level: 'silent' },
    ...overrides,
    tenants: [
      {
        ...base,
        quietHours: null,
        // The fractional-step fix is in limits.ts; 60,000/min simply keeps the limiter out of the way.
        acumatica: { ...base.acumatica, maxConcurrent: 4, requestsPerMinute: 60_000 },
      },
    ],
  };
  const config = parseConfigValue(tree, { env: {} });
  return {
    twilio,
    acumatica,
    config,
    tree,
    async stop() {
      await twilio.stop();
      await acumatica.stop();
    },
  };
}

export interface SyncApp {
  app: App;
  /** The tenant's Acumatica gateway (for direct reads and deletes at the simulator). */
  erp: ErpGateway & { gateway: AcumaticaGateway };
  alerts: Alert[];
}

/** The app as `serve` builds it (no loops started), with alerts recorded and the phone index filled. */
export async function openSyncApp(
  config: Config,
  options: { wrapErp?: (erp: ErpGateway) => ErpGateway } = {},
): Promise<SyncApp> {
  const app = await createApp(config, { role: 'worker', logger: silentLogger });
  const erp = app.context.erp(config.tenants[0]!.id) as SyncApp['erp'];
  if (options.wrapErp) {
    const wrapped = options.wrapErp(erp);
    app.context.erp = () => wrapped;
  }
  const alerts: Alert[] = [];
  app.context.alerts = {
    send: async (alert) => {
      alerts.push({ ...alert, at: new Date().toISOString() });
    },
  };
  await erp.gateway.phoneIndex.sync();
  return { app, erp, alerts };
}

/**
 * History straight into the Twilio simulator: inbound texts through its in-process API (no
 * inbound URL configured, so no webhook), outbound ones through its REST API at 1,000,000 mps.
 */
export async function seedHistory(
  sims: Sims,
  counts: { inbound: number; outbound: number; strangers?: number },
): Promise<void> {
  const phones = [AVA, MARCO];
  for (let i = 0; i < counts.inbound; i++) {
    await sims.twilio.injectInbound({ from: phones[i % 2]!, to: OUR_NUMBER, body: `History text ${i}` });
  }
  for (let i = 0; i < (counts.strangers ?? 0); i++) {
    await sims.twilio.injectInbound({ from: STRANGER, to: OUR_NUMBER, body: `Who is this ${i}` });
  }
  const account = sims.twilio.accounts[0]!;
  const auth = `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`;
  let next = 0;
  const lane = async () => {
    while (next < counts.outbound) {
      const i = next++;
      const res = await fetch(`${sims.twilio.url}/2010-04-01/Accounts/${account.accountSid}/Messages.json`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: phones[i % 2]!, From: OUR_NUMBER, Body: `Outbound ${i}` }).toString(),
      });
      if (res.status !== 201) throw new Error(`seed create answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, lane));
  const total = counts.inbound + counts.outbound + (counts.strangers ?? 0);
  // Outbound messages get date_sent when the simulated sender queue sends them.
  await waitFor(
    () =>
      sims.twilio.messages().every((m) => m.date_sent !== null) && sims.twilio.messages().length === total,
    {
      what: 'seeded messages to be sent',
      timeoutMs: 30_000,
      intervalMs: 50,
    },
  );
}

/** SMS Activities at the simulator, by SID (from the Summary marker). */
export function activitySids(sims: Sims): string[] {
  return sims.acumatica
    .records('Activity')
    .map(
      (r) =>
        /\[((?:SM|MM)[0-9a-f]{32})\]$/i.exec(String((r.Summary as { value?: unknown })?.value ?? ''))?.[1],
    )
    .filter((s): s is string => s !== undefined);
}

/** A window that surely holds everything seeded by this test. */
export function wideWindow(): { since: Date; until: Date } {
  return { since: new Date(Date.now() - 3_600_000), until: new Date(Date.now() + 3_600_000) };
}
