/**
 * Every default of the configuration, in one place. The schema reads these and the reference in
 * docs/configuration.md lists them; change a value here and nowhere else.
 */
export const CONFIG_DEFAULTS = {
  /** The embedded default: one SQLite file next to the config file. */
  database: 'sqlite:./data/acusms.db',
  http: { host: '0.0.0.0', port: 8080 },
  log: { level: 'info' },
  alerts: [{ type: 'log' }],
  tenant: {
    defaultCountry: 'US',
    /** Recipient-local; compliance by default (TCPA-style 9 pm – 8 am), `null` turns it off. */
    quietHours: { start: '21:00', end: '08:00' },
  },
  acumatica: {
    endpoint: 'Default/24.200.001',
    /** Licence defaults of a small Acumatica subscription; read the real ones from SM604000. */
    maxConcurrent: 2,
    requestsPerMinute: 100,
    /** Acumatica queues requests beyond the licence silently and may hold them for minutes. */
    requestTimeoutMs: 300_000,
    activityType: 'SMS',
    activitySidField: null,
    optOutField: 'DoNotCall',
    phoneIndexRefreshEvery: '15m',
  },
  twilio: {
    baseUrl: 'https://api.twilio.com',
    /** Segments per second per sender: a US long code's default throughput. */
    mps: 1,
    /** Twilio retries a callback only on connect failure unless told otherwise (rc = retry count, rp = all). */
    statusCallbackFragment: 'rc=3&rp=all',
    /** Account-level cap on concurrent REST calls from this service. */
    maxConcurrent: 10,
    requestTimeoutMs: 30_000,
  },
  rules: [],
  sync: { overlap: '10m', batchSize: 100 },
  reconcile: { schedule: '0 3 * * *', window: '24h', threshold: 0, autoRepair: false },
  pushLog: { retentionDays: 30 },
  errorRate: { windowSeconds: 300, threshold: 0.2, minVolume: 20, cooldownSeconds: 1800 },
} as const;
