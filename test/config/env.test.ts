// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about ${ENV} references in config text
import { describe, expect, it } from 'vitest';
import { interpolateString } from '../../src/config/interpolate.js';
import { parseConfigText } from '../../src/config/load.js';
import { issuesOf, messagesAt, tempDir } from './helpers.js';

const TENANT = `
tenants:
  - id: acme
    timezone: America/Chicago
    acumatica:
      url: https://acme.acumatica.com
      tenant: ACME
      auth: { type: session, username: api, password: \${ACME_PASSWORD} }
      push: { header: X-Api-Key, secret: \${ACME_PUSH_SECRET} }
    twilio:
      accountSid: AC00000000000000000000000000000000
      authToken: \${TWILIO_AUTH_TOKEN}
      from: "+13125550100"
`;

const env = {
  ACUSMS_ADMIN_TOKEN: 'admin-from-env',
  ACME_PASSWORD: 'pw: with # yaml characters',
  ACME_PUSH_SECRET: 'push',
  TWILIO_AUTH_TOKEN: 'tok',
};

describe('${ENV} interpolation', () => {
  it("accepts DESIGN.md's unquoted references inside flow mappings", () => {
    const config = parseConfigText(
      `publicUrl: https://sms.example.com\nadmin: { token: \${ACUSMS_ADMIN_TOKEN} }\n${TENANT}`,
      {
        env,
      },
    );
    expect(config.admin.token.reveal()).toBe('admin-from-env');
    const auth = config.tenants[0]!.acumatica.auth;
    // A value with ":" and "#" stays one string: interpolation happens after parsing.
    expect(auth.password.reveal()).toBe('pw: with # yaml characters');
  });

  it('reports each unset variable at its path, all at once', () => {
    const issues = issuesOf(() =>
      parseConfigText(
        `publicUrl: https://sms.example.com\nadmin: { token: \${ACUSMS_ADMIN_TOKEN} }\n${TENANT}`,
        {
          env: { ACME_PUSH_SECRET: 'push' },
        },
      ),
    );
    expect(issues).toEqual([
      { path: 'admin.token', message: 'environment variable ACUSMS_ADMIN_TOKEN is not set' },
      {
        path: 'tenants[0].acumatica.auth.password',
        message: 'environment variable ACME_PASSWORD is not set',
      },
      { path: 'tenants[0].twilio.authToken', message: 'environment variable TWILIO_AUTH_TOKEN is not set' },
    ]);
  });

  it('interpolates embedded references, defaults and numbers', () => {
    const config = parseConfigText(
      `publicUrl: https://\${HOST}:\${PORT:-8443}/sms\nhttp: { port: \${PORT:-8080} }\nadmin: { token: "\${ACUSMS_ADMIN_TOKEN}" }\n${TENANT}`,
      { env: { ...env, HOST: 'sms.example.com', PORT: '' } },
    );
    expect(config.publicUrl).toBe('https://sms.example.com:8443/sms');
    expect(config.http.port).toBe(8080);
  });

  it('keeps $${…} as a literal and leaves {{template}} fields alone', () => {
    const config = parseConfigText(
      `publicUrl: https://sms.example.com\nadmin: { token: "$\${NOT_A_VAR}" }\n${TENANT}    rules:\n      - id: r\n        query: Q\n        key: "{{Id}}"\n        to: "{{Phone}}"\n        body: "Total \${{Amount}} due"\n`,
      { env },
    );
    expect(config.admin.token.reveal()).toBe('${NOT_A_VAR}');
    expect(config.tenants[0]!.rules[0]!.body).toBe('Total ${{Amount}} due');
  });

  it('reports a malformed reference', () => {
    const issues = issuesOf(() =>
      parseConfigText(`publicUrl: "https://\${HOST:x}"\nadmin: { token: t }\n${TENANT}`, { env }),
    );
    expect(messagesAt(issues, 'publicUrl')).toEqual([
      'malformed reference ${HOST:x}: use ${NAME} or ${NAME:-default}',
    ]);
  });

  it('does not interpolate keys or text in comments', () => {
    const seen: string[] = [];
    expect(interpolateString('a ${X} b ${Y:-dflt} c', { X: '1' }, (m) => seen.push(m))).toBe('a 1 b dflt c');
    expect(seen).toEqual([]);
    const config = parseConfigText(
      `# uses \${UNSET_IN_COMMENT}\npublicUrl: https://sms.example.com\nadmin: { token: t }\n${TENANT}`,
      { env },
    );
    expect(config.publicUrl).toBe('https://sms.example.com');
  });
});

describe("DESIGN.md's example", () => {
  it('parses as written there (with a well-formed Account SID and the elided rule fields filled in)', () => {
    const text = `
database: sqlite:./data/acusms.db        # or postgres://user@host/db
publicUrl: https://sms.example.com       # the URL Twilio signs and calls back
http: { host: 0.0.0.0, port: 8080 }
admin: { token: \${ACUSMS_ADMIN_TOKEN} }
alerts: [ { type: webhook, url: https://hooks.example/x }, { type: log } ]
tenants:
  - id: acme
    defaultCountry: US                    # for numbers stored without +country
    timezone: America/Chicago             # fallback when the recipient's zone is unknown
    quietHours: { start: "21:00", end: "08:00" }   # recipient-local; defer, never drop
    acumatica:
      url: https://acme.acumatica.com
      endpoint: Default/24.200.001
      tenant: ACME                        # Acumatica tenant login name
      auth: { type: oauth2, clientId: ..., clientSecret: ..., username: ..., password: ... }
      maxConcurrent: 2                    # licence: concurrent API requests
      requestsPerMinute: 100              # licence: API requests per minute
      push: { header: X-Api-Key, secret: \${ACME_PUSH_SECRET} }  # SM302000 Header Name/Value
      activityType: SMS                   # CR102000 activity type for SMS activities
      activitySidField: null              # e.g. Activities.UsrTwilioMessageSid if customized
    twilio:
      accountSid: AC0123456789abcdef0123456789abcdef
      authToken: \${TWILIO_AUTH_TOKEN}     # or apiKeySid + apiKeySecret (then authToken still signs webhooks)
      baseUrl: https://api.twilio.com     # overridable for simulators
      from: "+15005550006"                # or messagingServiceSid: MG...
      mps: 1                              # segments per second per sender
    rules:
      - id: order-shipped
        query: ShippedOrders              # push-notification Query (GI name)
        when: { field: Status, becomes: Shipped }   # new value in Inserted, old one in Deleted differs
        key: "{{OrderNbr}}"               # one SMS per rule+key, ever
        to: "{{ContactPhone}}"
        body: "Hi {{CustomerName}}, order {{OrderNbr}} has shipped."
        relate: { noteId: "{{NoteID}}", type: PX.Objects.SO.SOOrder }   # optional; else the contact matched by phone
      - id: invoice-overdue               # polling instead of push
        poll: { entity: Invoice, filter: "Status eq 'Open'", every: 15m }
        key: "{{ReferenceNbr}}"
        to: "{{ContactPhone}}"
        body: "Invoice {{ReferenceNbr}} is due."
`;
    const config = parseConfigText(text, {
      env: { ACUSMS_ADMIN_TOKEN: 'a', ACME_PUSH_SECRET: 'p', TWILIO_AUTH_TOKEN: 't' },
      cwd: tempDir(),
    });
    expect(config.alerts.map((alert) => alert.type)).toEqual(['webhook', 'log']);
    expect(config.tenants[0]!.acumatica.push?.secret.reveal()).toBe('p');
    expect(config.tenants[0]!.rules.map((rule) => rule.trigger.type)).toEqual(['push', 'poll']);
  });
});
