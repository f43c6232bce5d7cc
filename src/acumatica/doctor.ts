import { coerceError } from '../errors.js';
import type { DoctorCheck } from '../ops/doctor.js';
import { AcumaticaClient, type AcumaticaClientOptions } from './client.js';
import { EntityClient } from './entities.js';
import { isAcumaticaError } from './errors.js';
import { eq } from './filter.js';

export interface AcumaticaDoctorOptions extends AcumaticaClientOptions {
  /** CR102000 activity type used for SMS. */
  activityType: string;
}

/**
 * `acusms doctor` for one tenant: can we sign in, does the instance serve our endpoint version,
 * is the SMS activity type in use. The Default endpoint exposes no Activity Types entity, so the
 * last check can only confirm a type that some activity already uses; a fresh type passes with
 * a note to verify it on CR102000 (a probe write would leave a record behind).
 */
export async function checkAcumatica(options: AcumaticaDoctorOptions): Promise<DoctorCheck[]> {
  const prefix = `acumatica[${options.tenant}]`;
  const client = new AcumaticaClient({ ...options, getAttempts: 1 });
  const entities = new EntityClient(client);
  const checks: DoctorCheck[] = [];
  try {
    try {
      await client.authenticate();
      checks.push({
        name: `${prefix} auth`,
        ok: true,
        detail: `signed in to ${options.url} (${options.auth.type})`,
      });
    } catch (error) {
      checks.push({
        name: `${prefix} auth`,
        ok: false,
        detail: coerceError(error).message,
        fix: authFix(error, options),
      });
      return checks;
    }

    try {
      const list = await entities.endpoints();
      const [name, version] = client.endpoint.split('/');
      const found = list.endpoints.some((e) => e.name === name && e.version === version);
      const served = list.endpoints
        .filter((e) => e.name === name)
        .map((e) => e.version)
        .join(', ');
      checks.push({
        name: `${prefix} endpoint`,
        ok: found,
        detail: found
          ? `${client.endpoint} served (build ${list.version?.acumaticaBuildVersion ?? 'unknown'})`
          : `${client.endpoint} not served; ${name} versions here: ${served || 'none'}`,
        ...(found ? {} : { fix: `set tenants[].acumatica.endpoint to one of: ${served || '(none)'}` }),
      });
    } catch (error) {
      checks.push({
        name: `${prefix} endpoint`,
        ok: false,
        detail: coerceError(error).message,
        fix: 'check tenants[].acumatica.url (instance root, including the instance path if any)',
      });
    }

    try {
      const page = await entities.listPage('Activity', {
        filter: eq('Type', options.activityType),
        select: ['NoteID'],
        top: 1,
      });
      checks.push({
        name: `${prefix} activity type`,
        ok: true,
        detail:
          page.length > 0
            ? `activity type "${options.activityType}" is in use`
            : `no activity of type "${options.activityType}" yet; the API cannot list activity types, ` +
              'so confirm it exists on Activity Types (CR102000)',
      });
    } catch (error) {
      checks.push({
        name: `${prefix} activity type`,
        ok: false,
        detail: coerceError(error).message,
        fix: 'give the API user rights to Activities (CR306010)',
      });
    }
  } finally {
    await client.close();
  }
  return checks;
}

function authFix(error: unknown, o: AcumaticaDoctorOptions): string {
  if (isAcumaticaError(error, 'login_limit')) {
    return 'all API-user seats are taken (SM604000): sign out stale sessions or wait 10 minutes; prefer oauth2 with offline_access';
  }
  if (isAcumaticaError(error, 'invalid_credentials')) {
    return o.auth.type === 'oauth2'
      ? 'check clientId (<GUID>@<Tenant>), the shared secret and user on Connected Applications (SM303010), flow "Resource Owner Password Credentials"'
      : 'check username/password and the tenant login name (SM203520)';
  }
  if (isAcumaticaError(error, 'network') || isAcumaticaError(error, 'timeout')) {
    return 'check tenants[].acumatica.url and that this host can reach it over HTTPS';
  }
  return 'see the message above';
}
