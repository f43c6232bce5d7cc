import { SIM_DEFAULT_CREDENTIALS } from './acumatica/index.js';
import type { SimAccount } from './twilio/index.js';

export interface SimulatedTenantOptions {
  id: string;
  acumaticaUrl: string;
  twilioUrl: string;
  account: SimAccount;
  from: string;
  /** Acumatica push-notification header value; omitted: no push. */
  pushSecret?: string;
}

/**
 * The `tenants[]` entry (as config input) that talks to the built-in simulators with their
 * default credentials. The demo and the end-to-end tests start from it and add rules, quiet
 * hours or limits of their own.
 */
export function simulatedTenant(options: SimulatedTenantOptions): Record<string, unknown> & {
  acumatica: Record<string, unknown>;
  twilio: Record<string, unknown>;
} {
  return {
    id: options.id,
    timezone: 'America/Chicago',
    acumatica: {
      url: options.acumaticaUrl,
      tenant: SIM_DEFAULT_CREDENTIALS.tenant,
      auth: {
        type: 'oauth2',
        clientId: SIM_DEFAULT_CREDENTIALS.clientId,
        clientSecret: SIM_DEFAULT_CREDENTIALS.clientSecret,
        username: SIM_DEFAULT_CREDENTIALS.username,
        password: SIM_DEFAULT_CREDENTIALS.password,
      },
      ...(options.pushSecret ? { push: { header: 'X-Api-Key', secret: options.pushSecret } } : {}),
    },
    twilio: {
      accountSid: options.account.accountSid,
      authToken: options.account.authToken,
      baseUrl: options.twilioUrl,
      from: options.from,
    },
  };
}
