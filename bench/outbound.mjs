// Outbound pace: N sends through the real SmsGateway (shared SQL pacer) to the Twilio
// simulator, split over one or several "instances" (separate store connections and pacers).
// Reports achieved / allowed pace and the most sends seen at the simulator in any 1-s window.
//   npm run build && node bench/outbound.mjs [--sends 100] [--mps 10] [--instances 1|3] [--database URL]
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseConfigValue } from '../dist/config/parse.js';
import { systemClock } from '../dist/ops/clock.js';
import { simulatedTenant } from '../dist/sim/simulated-tenant.js';
import { demoAccount, startTwilioSimulator } from '../dist/sim/twilio/index.js';
import { openStore } from '../dist/store/db.js';
import { sqlRateLimitStore, sqlSemaphoreStore } from '../dist/store/limits.js';
import { createSmsGateway } from '../dist/twilio/sms-gateway.js';

const { values } = parseArgs({
  options: {
    sends: { type: 'string', default: '100' },
    mps: { type: 'string', default: '10' },
    instances: { type: 'string', default: '1' },
    database: { type: 'string', default: 'sqlite:/tmp/acusms-outbound-bench.db' },
  },
});
const [sends, mps, instances] = [Number(values.sends), Number(values.mps), Number(values.instances)];
if (values.database.startsWith('sqlite:')) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${values.database.slice(7)}${suffix}`, { force: true });
}
const account = demoAccount(3);
const twilio = await startTwilioSimulator({ accounts: [account], seed: 3, defaultMps: 1_000_000 });
const tenant = simulatedTenant({
  id: 'bench',
  acumaticaUrl: 'http://127.0.0.1:9',
  twilioUrl: twilio.url,
  account,
  from: '+13125550100',
});
const config = parseConfigValue(
  {
    publicUrl: 'http://127.0.0.1:9',
    admin: { token: 'bench' },
    tenants: [{ ...tenant, twilio: { ...tenant.twilio, mps } }],
  },
  { env: {} },
);
const stores = [];
const gateways = [];
for (let i = 0; i < instances; i++) {
  const store = await openStore(values.database);
  stores.push(store);
  gateways.push(
    createSmsGateway({
      twilio: config.tenants[0].twilio,
      rateLimits: sqlRateLimitStore(store),
      semaphores: sqlSemaphoreStore(store),
      clock: systemClock,
      instanceId: `bench-${i}`,
    }),
  );
}
const started = Date.now();
await Promise.all(
  Array.from({ length: sends }, (_, i) =>
    gateways[i % instances].send({
      to: `+1312555${String(100 + (i % 100)).padStart(4, '0')}`,
      body: `Order ${i} has shipped.`,
      statusCallbackUrl: 'http://127.0.0.1:9/status',
      unresolvedSinceMs: null,
      isClaimed: async () => false,
    }),
  ),
);
const creates = twilio.requests
  .filter((r) => r.method === 'POST' && r.status === 201)
  .map((r) => r.at)
  .sort((a, b) => a - b);
const achieved = (creates.length - 1) / ((creates.at(-1) - creates[0]) / 1000);
let worst = 0;
for (let i = 0, j = 0; i < creates.length; i++) {
  while (creates[i] - creates[j] >= 1000) j++;
  worst = Math.max(worst, i - j + 1);
}
console.log(
  `${creates.length} sends at mps ${mps} over ${instances} instance(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
console.log(`achieved / allowed pace = ${(achieved / mps).toFixed(3)}  (target >= 0.97)`);
console.log(`most sends in any 1-s window = ${worst}  (limit ${mps})`);
for (const store of stores) await store.close();
await twilio.stop();
