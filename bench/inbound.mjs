// Inbound webhook throughput: acusms (durable) vs a bare signature-checking Fastify route and
// Twilio's Express quick-start, measured in the same run with the same load.
//   npm run build && node bench/inbound.mjs [--seconds 10] [--connections 50] [--database URL] [--requests N]
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import twilio from 'twilio';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    database: { type: 'string' },
    requests: { type: 'string', default: '300000' },
  },
});
const AUTH_TOKEN = randomBytes(16).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'acusms-bench-'));
const database = values.database ?? `sqlite:${join(dir, 'bench.db')}`;

async function start(name, file, port) {
  const publicUrl = `http://127.0.0.1:${port}`;
  const child = fork(new URL(`./servers/${file}`, import.meta.url), {
    env: { ...process.env, AUTH_TOKEN, PUBLIC_URL: publicUrl, PORT: String(port), DATABASE: database },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return { child, publicUrl };
}

/**
 * Signed requests are built before the clock starts: an HMAC per request inside the load
 * generator would make it, not the server, the bottleneck on a 2-core machine. Every request
 * carries its own MessageSid, so acusms really inserts each one.
 */
function signedRequests(publicUrl, path, count) {
  const requests = new Array(count);
  for (let n = 0; n < count; n++) {
    const params = {
      MessageSid: `SM${n.toString(16).padStart(8, '0')}${randomBytes(12).toString('hex')}`,
      AccountSid: `AC${'0'.repeat(32)}`,
      From: '+13125550142',
      To: '+13125550100',
      Body: `Reply number ${n}`,
      NumMedia: '0',
    };
    requests[n] = {
      method: 'POST',
      path,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${publicUrl}${path}`, params),
      },
      body: new URLSearchParams(params).toString(),
    };
  }
  return requests;
}

async function load(publicUrl) {
  const path = '/webhooks/twilio/bench/inbound';
  const prepared = signedRequests(publicUrl, path, Number(values.requests));
  let n = 0;
  const result = await autocannon({
    url: publicUrl,
    connections: Number(values.connections),
    duration: Number(values.seconds),
    requests: [{ setupRequest: () => prepared[n++ % prepared.length] }],
  });
  const ok = result['2xx'];
  if (n > prepared.length)
    console.warn(`warning: ${n} requests reused ${prepared.length} prepared ones; raise --requests`);
  return { rps: ok / Number(values.seconds), p99: result.latency.p99, errors: result.non2xx + result.errors };
}

const peers = [
  ['bare Fastify + signature check', 'bare.mjs', 4801],
  ['Express + twilio.webhook() (quick-start)', 'express-quickstart.mjs', 4802],
  [`acusms inbound, durable (${database.split(':')[0]})`, 'acusms.mjs', 4803],
];
const results = [];
for (const [name, file, port] of peers) {
  const { child, publicUrl } = await start(name, file, port);
  await load(publicUrl); // warm-up, discarded
  const r = await load(publicUrl);
  child.kill('SIGTERM');
  results.push({ name, ...r });
}
rmSync(dir, { recursive: true, force: true });
const [bare, express, acusms] = results;
for (const r of results) {
  console.log(
    `${r.name.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s  p99 ${String(r.p99).padStart(3)} ms  errors ${r.errors}`,
  );
}
console.log(`acusms / bare Fastify   = ${(acusms.rps / bare.rps).toFixed(2)}  (target >= 0.75)`);
console.log(`acusms / Express quick-start = ${(acusms.rps / express.rps).toFixed(2)}  (target >= 3)`);
