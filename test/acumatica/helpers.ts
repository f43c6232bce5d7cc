import { AcumaticaClient, type AcumaticaClientOptions } from '../../src/acumatica/client.js';
import { EntityClient } from '../../src/acumatica/entities.js';
import { Secret } from '../../src/config/secret.js';
import {
  type AcumaticaSimulator,
  type AcumaticaSimulatorOptions,
  SIM_DEFAULT_CREDENTIALS,
  startAcumaticaSimulator,
} from '../../src/sim/acumatica/index.js';

const c = SIM_DEFAULT_CREDENTIALS;

export const oauth = {
  type: 'oauth2' as const,
  clientId: c.clientId,
  clientSecret: new Secret(c.clientSecret),
  username: c.username,
  password: new Secret(c.password),
};

export const session = {
  type: 'session' as const,
  username: c.username,
  password: new Secret(c.password),
  company: c.tenant,
};

/** A client against the simulator; fast GET retries so error tests do not wait. */
export function clientFor(sim: AcumaticaSimulator, overrides: Partial<AcumaticaClientOptions> = {}) {
  const client = new AcumaticaClient({
    url: sim.url,
    tenant: 'acme',
    auth: oauth,
    maxConcurrent: 2,
    requestsPerMinute: 60_000,
    getAttempts: 1,
    ...overrides,
  });
  return { client, entities: new EntityClient(client) };
}

export async function withSim(
  options: AcumaticaSimulatorOptions,
  fn: (sim: AcumaticaSimulator) => Promise<void>,
): Promise<void> {
  const sim = await startAcumaticaSimulator(options);
  try {
    await fn(sim);
  } finally {
    await sim.stop();
  }
}
