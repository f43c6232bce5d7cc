import { ACCOUNT_SID, API_KEY_SID, SECRETS } from './helpers.js';

/** A config that sets every secret, with distinctive values a leak test can search for. */
export function fullConfig(): Record<string, unknown> {
  return {
    database: `postgres://acusms:${SECRETS.databasePassword}@db.internal:5432/acusms`,
    publicUrl: 'https://sms.example.com',
    admin: { token: SECRETS.adminToken },
    metrics: { token: SECRETS.metricsToken },
    alerts: [
      { type: 'log' },
      { type: 'webhook', url: SECRETS.webhookUrl, secret: SECRETS.alertSecret },
      { type: 'slack', url: SECRETS.slackUrl },
      { type: 'sms', to: ['+13125550199'] },
    ],
    tenants: [
      {
        id: 'acme',
        timezone: 'America/Chicago',
        acumatica: {
          url: 'https://acme.acumatica.com',
          tenant: 'ACME',
          auth: {
            type: 'oauth2',
            clientId: '7f1c0000-0000-0000-0000-000000000000@ACME',
            clientSecret: SECRETS.clientSecret,
            username: 'api',
            password: SECRETS.password,
          },
          push: { header: 'X-Api-Key', secret: SECRETS.pushSecret },
        },
        twilio: {
          accountSid: ACCOUNT_SID,
          authToken: SECRETS.authToken,
          apiKeySid: API_KEY_SID,
          apiKeySecret: SECRETS.apiKeySecret,
          from: '+13125550100',
        },
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
      {
        id: 'globex',
        timezone: 'Europe/London',
        defaultCountry: 'GB',
        acumatica: {
          url: 'https://globex.acumatica.com',
          tenant: 'GLOBEX',
          auth: { type: 'session', username: 'api', password: SECRETS.password },
        },
        twilio: {
          accountSid: ACCOUNT_SID,
          authToken: SECRETS.authToken,
          messagingServiceSid: `MG${'a'.repeat(32)}`,
        },
      },
    ],
  };
}
