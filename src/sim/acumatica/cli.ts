import { loadSeedFile } from './seed.js';
import { SIM_DEFAULT_CREDENTIALS, startAcumaticaSimulator } from './server.js';

export interface AcumaticaSimulatorCliOptions {
  port?: number;
  /** `--seed file.json`: records to load instead of the demo data. */
  seedFile?: string;
  /** Where to print; default stdout. */
  write?: (line: string) => void;
}

/** `acusms sim acumatica [--port N] [--seed file.json]`: runs until SIGINT/SIGTERM, then stops cleanly. */
export async function runAcumaticaSimulatorCli(options: AcumaticaSimulatorCliOptions = {}): Promise<void> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const seed = options.seedFile ? await loadSeedFile(options.seedFile) : undefined;
  const sim = await startAcumaticaSimulator({
    port: options.port ?? 0,
    tenants: [{ name: SIM_DEFAULT_CREDENTIALS.tenant, ...(seed ? { seed } : {}) }],
  });
  const c = SIM_DEFAULT_CREDENTIALS;
  write(`Acumatica simulator listening on ${sim.url}`);
  write(`  endpoint       Default/24.200.001 (also 20/22/23.200.001)`);
  write(`  tenant         ${c.tenant}`);
  write(`  oauth2         clientId=${c.clientId} clientSecret=${c.clientSecret}`);
  write(`  user           username=${c.username} password=${c.password}`);
  write(`  seed           ${options.seedFile ?? 'built-in demo data'}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sim.stop();
  write('Acumatica simulator stopped');
}
