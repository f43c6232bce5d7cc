// acusms itself, web role: verify, validate, durable group-commit insert (SQLite WAL,
// synchronous=FULL, or PostgreSQL), then <Response/>.
import { createApp } from '../../dist/app.js';
import { parseConfigValue } from '../../dist/config/parse.js';
import { createLogger } from '../../dist/ops/logger.js';

const { AUTH_TOKEN, PUBLIC_URL, PORT, DATABASE } = process.env;
const config = parseConfigValue(
  {
    database: DATABASE,
    publicUrl: PUBLIC_URL,
    http: { host: '127.0.0.1', port: Number(PORT) },
    admin: { token: 'bench-admin-token' },
    log: { level: 'warn' },
    tenants: [
      {
        id: 'bench',
        timezone: 'America/Chicago',
        acumatica: {
          url: 'http://127.0.0.1:9',
          tenant: 'Company',
          auth: { type: 'session', username: 'u', password: 'p' },
        },
        twilio: {
          accountSid: `AC${'0'.repeat(32)}`,
          authToken: AUTH_TOKEN,
          baseUrl: 'http://127.0.0.1:9',
          from: '+13125550100',
        },
      },
    ],
  },
  { env: {} },
);
const app = await createApp(config, { role: 'web', logger: createLogger({ level: 'warn' }) });
await app.start();
process.send?.('ready');
process.on('SIGTERM', () => app.stop().then(() => process.exit(0)));
