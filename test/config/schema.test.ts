// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about ${ENV} references in config text
import { describe, expect, it } from 'vitest';
import { parseConfigValue } from '../../src/config/parse.js';
import { Secret } from '../../src/config/secret.js';
import {
  ACCOUNT_SID,
  API_KEY_SID,
  issuesOf,
  messagesAt,
  minimalConfig,
  minimalTenant,
  SERVICE_SID,
} from './helpers.js';

const parse = (tree: unknown) =>
  parseConfigValue(tree, { env: {}, baseDir: '/srv/acusms', createDirs: false });

type Tree = Record<string, unknown>;
const tenantOf = (config: Tree) => (config.tenants as Tree[])[0]!;
const twilioOf = (config: Tree) => tenantOf(config).twilio as Tree;
const acumaticaOf = (config: Tree) => tenantOf(config).acumatica as Tree;

describe('defaults', () => {
  it('fills every optional key from one defaults table', () => {
    const config = parse(minimalConfig());
    expect(config.database).toEqual({ dialect: 'sqlite', file: '/srv/acusms/data/acusms.db' });
    expect(config.http).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.alerts).toEqual([{ type: 'log' }]);
    expect(config.metrics.token).toBeNull();
    expect(config.sync).toEqual({ everyMs: null, overlapMs: 600_000, batchSize: 100 });
    expect(config.reconcile).toEqual({
      schedule: '0 3 * * *',
      windowMs: 86_400_000,
      threshold: 0,
      autoRepair: false,
    });
    expect(config.pushLog).toEqual({ retentionDays: 30 });
    expect(config.errorRate).toEqual({
      windowSeconds: 300,
      threshold: 0.2,
      minVolume: 20,
      cooldownSeconds: 1800,
    });
    expect(config.queue).toEqual({});

    const tenant = config.tenants[0]!;
    expect(tenant.defaultCountry).toBe('US');
    expect(tenant.quietHours).toEqual({ start: '21:00', end: '08:00', startMinute: 1260, endMinute: 480 });
    expect(tenant.rules).toEqual([]);
    expect(tenant.acumatica).toMatchObject({
      url: 'https://acme.acumatica.com',
      endpoint: 'Default/24.200.001',
      maxConcurrent: 2,
      requestsPerMinute: 100,
      requestTimeoutMs: 300_000,
      push: null,
      activityType: 'SMS',
      activitySidField: null,
      optOutField: 'DoNotCall',
      phoneIndex: { refreshEveryMs: 900_000 },
    });
    expect(tenant.twilio).toMatchObject({
      accountSid: ACCOUNT_SID,
      baseUrl: 'https://api.twilio.com',
      sender: { type: 'from', from: '+13125550100' },
      apiKey: null,
      mps: 1,
      statusCallbackFragment: 'rc=3&rp=all',
    });
  });

  it('turns quiet hours off with null', () => {
    const config = minimalConfig();
    tenantOf(config).quietHours = null;
    expect(parse(config).tenants[0]!.quietHours).toBeNull();
  });

  it('freezes the parsed config all the way down', () => {
    const config = parse(minimalConfig());
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.tenants[0]!.twilio.sender)).toBe(true);
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe('either/or settings become discriminated unions', () => {
  it('parses oauth2 and session auth', () => {
    const config = minimalConfig();
    acumaticaOf(config).auth = {
      type: 'oauth2',
      clientId: '7f1c@ACME',
      clientSecret: 'cs',
      username: 'api',
      password: 'pw',
    };
    const auth = parse(config).tenants[0]!.acumatica.auth;
    expect(auth.type).toBe('oauth2');
    if (auth.type !== 'oauth2') throw new Error('unreachable');
    expect(auth.clientSecret).toBeInstanceOf(Secret);
    expect(auth.clientSecret.reveal()).toBe('cs');
  });

  it('rejects an unknown auth type and the fields of the other variant', () => {
    const config = minimalConfig();
    acumaticaOf(config).auth = { type: 'basic', username: 'u', password: 'p' };
    expect(
      messagesAt(
        issuesOf(() => parse(config)),
        'tenants[0].acumatica.auth.type',
      ),
    ).toEqual(['expected one of: oauth2, session']);
    acumaticaOf(config).auth = { type: 'session', username: 'u', password: 'p', clientId: 'x' };
    expect(
      messagesAt(
        issuesOf(() => parse(config)),
        'tenants[0].acumatica.auth.clientId',
      ),
    ).toEqual(['unknown key']);
  });

  it('needs exactly one of from and messagingServiceSid', () => {
    const both = minimalConfig();
    twilioOf(both).messagingServiceSid = SERVICE_SID;
    expect(
      messagesAt(
        issuesOf(() => parse(both)),
        'tenants[0].twilio.from',
      ),
    ).toEqual(['give exactly one of from or messagingServiceSid']);

    const neither = minimalConfig();
    delete twilioOf(neither).from;
    expect(
      messagesAt(
        issuesOf(() => parse(neither)),
        'tenants[0].twilio.from',
      ),
    ).toEqual(['give exactly one of from or messagingServiceSid']);

    const service = minimalConfig();
    delete twilioOf(service).from;
    twilioOf(service).messagingServiceSid = SERVICE_SID;
    expect(parse(service).tenants[0]!.twilio.sender).toEqual({
      type: 'messagingService',
      messagingServiceSid: SERVICE_SID,
    });
  });

  it('takes an API key only as a pair, and still requires the auth token', () => {
    const config = minimalConfig();
    twilioOf(config).apiKeySid = API_KEY_SID;
    expect(
      messagesAt(
        issuesOf(() => parse(config)),
        'tenants[0].twilio.apiKeySid',
      ),
    ).toEqual(['give apiKeySid and apiKeySecret together, or neither']);
    twilioOf(config).apiKeySecret = 'key-secret';
    const twilio = parse(config).tenants[0]!.twilio;
    expect(twilio.apiKey?.sid).toBe(API_KEY_SID);
    expect(twilio.apiKey?.secret.reveal()).toBe('key-secret');

    delete twilioOf(config).authToken;
    expect(
      messagesAt(
        issuesOf(() => parse(config)),
        'tenants[0].twilio.authToken',
      ),
    ).toEqual(['required']);
  });

  it('needs exactly one of query and poll in a rule', () => {
    const config = minimalConfig();
    acumaticaOf(config).push = { header: 'X-Api-Key', secret: 'push' };
    const base = { key: '{{OrderNbr}}', to: '{{Phone}}', body: 'Hi' };
    tenantOf(config).rules = [
      { id: 'both', query: 'Q', poll: { entity: 'Invoice', every: '15m' }, ...base },
      { id: 'neither', ...base },
      { id: 'push', query: 'ShippedOrders', when: { field: 'Status', becomes: 'Shipped' }, ...base },
      { id: 'poll', poll: { entity: 'Invoice', filter: "Status eq 'Open'", every: '1h30m' }, ...base },
    ];
    const issues = issuesOf(() => parse(config));
    expect(issues).toEqual([
      { path: 'tenants[0].rules[0].query', message: 'give exactly one of query (push notification) or poll' },
      { path: 'tenants[0].rules[1].query', message: 'give exactly one of query (push notification) or poll' },
    ]);

    tenantOf(config).rules = (tenantOf(config).rules as Tree[]).slice(2);
    const [push, poll] = parse(config).tenants[0]!.rules;
    expect(push!.trigger).toEqual({ type: 'push', query: 'ShippedOrders' });
    expect(push!.when).toEqual({ field: 'Status', becomes: 'Shipped' });
    expect(poll!.trigger).toEqual({
      type: 'poll',
      entity: 'Invoice',
      filter: "Status eq 'Open'",
      changeField: null,
      expand: [],
      everyMs: 5_400_000,
    });
  });

  it('requires acumatica.push when a rule listens for push notifications', () => {
    const config = minimalConfig();
    tenantOf(config).rules = [{ id: 'r', query: 'Q', key: 'k', to: 't', body: 'b' }];
    expect(
      messagesAt(
        issuesOf(() => parse(config)),
        'tenants[0].acumatica.push',
      ),
    ).toEqual(['required by push-notification rule "r" (query); set header and secret']);
  });
});

describe('identifiers', () => {
  it('rejects duplicate tenant ids', () => {
    const config = minimalConfig();
    config.tenants = [minimalTenant('acme'), minimalTenant('globex'), minimalTenant('acme')];
    expect(
      messagesAt(
        issuesOf(() => parse(config)),
        'tenants[2].id',
      ),
    ).toEqual(['duplicate tenant id "acme" (first at tenants[0].id)']);
  });

  it('rejects duplicate rule ids within a tenant but not across tenants', () => {
    const rule = { id: 'same', poll: { entity: 'Invoice', every: '15m' }, key: 'k', to: 't', body: 'b' };
    const config = minimalConfig();
    const acme = { ...minimalTenant('acme'), rules: [rule, rule] };
    const globex = { ...minimalTenant('globex'), rules: [rule] };
    config.tenants = [acme, globex];
    expect(issuesOf(() => parse(config))).toEqual([
      {
        path: 'tenants[0].rules[1].id',
        message: 'duplicate rule id in this tenant "same" (first at tenants[0].rules[0].id)',
      },
    ]);
  });

  it('requires slugs for tenant ids', () => {
    const config = minimalConfig();
    tenantOf(config).id = 'Acme Corp';
    expect(
      messagesAt(
        issuesOf(() => parse(config)),
        'tenants[0].id',
      )[0],
    ).toMatch(/slug/);
  });
});

describe('values', () => {
  it('rejects an unknown IANA time zone', () => {
    const config = minimalConfig();
    tenantOf(config).timezone = 'America/Springfield';
    expect(
      messagesAt(
        issuesOf(() => parse(config)),
        'tenants[0].timezone',
      ),
    ).toEqual(['expected an IANA time zone such as America/Chicago']);
  });

  it.each([
    [{ start: '9pm', end: '08:00' }, 'tenants[0].quietHours.start'],
    [{ start: '24:00', end: '08:00' }, 'tenants[0].quietHours.start'],
    [{ start: '21:00', end: '8:00' }, 'tenants[0].quietHours.end'],
    [{ start: '21:00' }, 'tenants[0].quietHours.end'],
    [{ start: '21:00', end: '21:00' }, 'tenants[0].quietHours.end'],
    [{ start: '21:00', end: '08:00', zone: 'UTC' }, 'tenants[0].quietHours.zone'],
  ])('rejects quietHours %j at %s', (quietHours, path) => {
    const config = minimalConfig();
    tenantOf(config).quietHours = quietHours;
    expect(
      messagesAt(
        issuesOf(() => parse(config)),
        path,
      ),
    ).toHaveLength(1);
  });

  it('normalises and checks the default country', () => {
    const config = minimalConfig();
    tenantOf(config).defaultCountry = 'gb';
    expect(parse(config).tenants[0]!.defaultCountry).toBe('GB');
    tenantOf(config).defaultCountry = 'XX';
    expect(
      messagesAt(
        issuesOf(() => parse(config)),
        'tenants[0].defaultCountry',
      ),
    ).toHaveLength(1);
  });

  it('rejects durations without a unit and bad cron expressions', () => {
    const config = minimalConfig();
    config.sync = { every: 15 };
    config.reconcile = { schedule: '0 25 * * *' };
    acumaticaOf(config).phoneIndex = { refreshEvery: 'soon' };
    const issues = issuesOf(() => parse(config));
    expect(messagesAt(issues, 'sync.every')).toEqual(['add a unit: "15s", "15m" or "15h"']);
    expect(messagesAt(issues, 'reconcile.schedule')).toEqual([
      'invalid cron expression: hour: "25" is outside 0-23',
    ]);
    expect(messagesAt(issues, 'tenants[0].acumatica.phoneIndex.refreshEvery')).toEqual([
      '"soon" is not a duration such as 30s, 15m, 1h or 1h30m',
    ]);
  });

  it('accepts sqlite::memory: and passes postgres URLs through as a secret', () => {
    const memory = minimalConfig();
    memory.database = 'sqlite::memory:';
    expect(parse(memory).database).toEqual({ dialect: 'sqlite', file: ':memory:' });

    for (const url of ['postgres://acusms:pw@db.internal:5432/acusms', 'postgresql://acusms:pw@db/acusms']) {
      const config = minimalConfig();
      config.database = url;
      const database = parse(config).database;
      if (database.dialect !== 'postgres') throw new Error('expected postgres');
      expect(database.url.reveal()).toBe(url);
      expect(database.displayUrl).not.toContain(':pw@');
    }

    const mysql = minimalConfig();
    mysql.database = 'mysql://x';
    expect(
      messagesAt(
        issuesOf(() => parse(mysql)),
        'database',
      ),
    ).toHaveLength(1);
  });

  it('resolves an SMS alert without a tenant to the first tenant, and checks named ones', () => {
    const config = minimalConfig();
    config.alerts = [{ type: 'sms', to: ['+13125550199'] }];
    expect(parse(config).alerts).toEqual([{ type: 'sms', tenant: 'acme', to: ['+13125550199'] }]);
    config.alerts = [{ type: 'sms', tenant: 'globex', to: ['+13125550199'] }];
    expect(
      messagesAt(
        issuesOf(() => parse(config)),
        'alerts[0].tenant',
      ),
    ).toEqual(['no tenant has id "globex"']);
  });

  it('reports every problem at once, each at its path', () => {
    const config = minimalConfig();
    config.publicUrl = 'sms.example.com';
    config.http = { port: 70_000, hots: '0.0.0.0' };
    config.alerts = [{ type: 'pager' }, { type: 'webhook' }];
    config.tenants = [
      {
        ...minimalTenant('acme'),
        timezone: 'Mars/Olympus',
        twilio: { accountSid: 'AC123', authToken: 'x', from: '3125550100' },
      },
      minimalTenant('acme'),
    ];
    const issues = issuesOf(() => parse(config));
    const paths = issues.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'publicUrl',
        'http.port',
        'http.hots',
        'alerts[0].type',
        'alerts[1].url',
        'tenants[0].timezone',
        'tenants[0].twilio.accountSid',
        'tenants[0].twilio.from',
        'tenants[1].id',
      ]),
    );
    expect(issues.length).toBeGreaterThanOrEqual(9);
    expect(messagesAt(issues, 'http.hots')).toEqual(['unknown key']);
    expect(messagesAt(issues, 'alerts[1].url')).toEqual(['required']);
  });

  it('reads numbers and booleans that arrive as text from ${ENV}', () => {
    const config = minimalConfig();
    config.http = { port: '9090' };
    config.reconcile = { autoRepair: 'true', threshold: '3' };
    const parsed = parse(config);
    expect(parsed.http.port).toBe(9090);
    expect(parsed.reconcile).toMatchObject({ autoRepair: true, threshold: 3 });
  });

  it('asks for quotes when YAML turned a phone number or secret into a number', () => {
    const config = minimalConfig();
    twilioOf(config).from = 13125550100;
    twilioOf(config).authToken = 12345;
    const issues = issuesOf(() => parse(config));
    expect(messagesAt(issues, 'tenants[0].twilio.from')[0]).toMatch(/in quotes/);
    expect(messagesAt(issues, 'tenants[0].twilio.authToken')).toEqual([
      'expected a string (quote the value)',
    ]);
  });

  it('rejects an empty configuration', () => {
    expect(issuesOf(() => parse(null))).toEqual([{ path: '', message: 'the configuration is empty' }]);
  });
});
