import { checkAcumatica } from '../acumatica/doctor.js';
import { clientOptionsFor } from '../acumatica/erp-gateway.js';
import { databaseUrl } from '../app.js';
import { isConfigError } from '../config/errors.js';
import type { Config } from '../config/schema.js';
import type { DoctorCheck } from '../ops/doctor.js';
import { openStore } from '../store/db.js';
import { twilioClientFor } from '../twilio/client-for-config.js';
import { checkTwilio } from '../twilio/doctor.js';
import { type CommandContext, EXIT, ExitError, readConfig } from './context.js';

/** Checks that need a valid config: the database, then each tenant's Twilio and Acumatica. */
async function checksFor(config: Config): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  try {
    const store = await openStore(databaseUrl(config.database));
    await store.close();
    checks.push({ name: 'database', ok: true, detail: `${store.displayUrl} reachable and migrated` });
  } catch (error) {
    checks.push({
      name: 'database',
      ok: false,
      detail: String(error instanceof Error ? error.message : error),
      fix: 'check `database:` in the config; for PostgreSQL, that the server runs and the user may create tables',
    });
  }
  for (const tenant of config.tenants) {
    const sender = tenant.twilio.sender;
    checks.push(
      ...(await checkTwilio({
        client: twilioClientFor(tenant.twilio),
        tenant: tenant.id,
        ...(sender.type === 'from'
          ? { from: sender.from }
          : { messagingServiceSid: sender.messagingServiceSid }),
      })),
      ...(await checkAcumatica({
        ...clientOptionsFor(tenant.id, tenant.acumatica),
        activityType: tenant.acumatica.activityType,
      })),
    );
  }
  return checks;
}

export async function doctor(context: CommandContext, options: { config?: string }): Promise<void> {
  let checks: DoctorCheck[];
  try {
    const config = readConfig(context, options.config);
    checks = [
      { name: 'config', ok: true, detail: `${config.tenants.length} tenant(s)` },
      ...(await checksFor(config)),
    ];
  } catch (error) {
    if (!isConfigError(error)) throw error;
    context.stdout.write(
      `FAIL  config: ${error.message}\n      fix: correct each listed path in the config file\n`,
    );
    throw new ExitError(EXIT.usage);
  }
  for (const check of checks) {
    context.stdout.write(`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}\n`);
    if (!check.ok && check.fix) context.stdout.write(`      fix: ${check.fix}\n`);
  }
  const failed = checks.filter((c) => !c.ok).length;
  context.stdout.write(failed === 0 ? 'all checks passed\n' : `${failed} check(s) failed\n`);
  if (failed > 0) throw new ExitError(EXIT.failure);
}
