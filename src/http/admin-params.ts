import { z } from 'zod';
import { normalizePhone } from '../acumatica/phone-normalize.js';
import type { TenantConfig } from '../config/schema.js';
import { type FlowContext, findTenant } from '../flows/context.js';
import { HttpError } from './errors.js';

/** Country for phone filters when the request names no tenant (the config's own default). */
const FALLBACK_COUNTRY = 'US';

/** Tenant ids, job kinds, statuses: short and printable; anything else cannot match a row. */
export const idParam = z.string().trim().min(1).max(200);

/** `?includeReplayed=true`; query strings carry text, so `true`/`1` and `false`/`0` only. */
export const flagParam = z
  .enum(['true', 'false', '1', '0'])
  .default('false')
  .transform((value) => value === 'true' || value === '1');

/** The tenant named by a route, or 404: "unknown tenant on any route ⇒ 404" (DESIGN.md). */
export function requireTenant(context: FlowContext, id: string): TenantConfig {
  const tenant = findTenant(context.config, id);
  if (!tenant) throw new HttpError(404, 'unknown_tenant', `no tenant "${id}" in the config`);
  return tenant;
}

/** Like `requireTenant`, for an optional `?tenant=` filter. */
export function optionalTenant(context: FlowContext, id: string | undefined): TenantConfig | undefined {
  return id === undefined ? undefined : requireTenant(context, id);
}

/**
 * A phone filter in whatever format the operator pasted, as the E.164 the ledger stores; read
 * with the tenant's `defaultCountry` (US without a tenant). Not a phone number ⇒ 400.
 */
export function phoneFilter(text: string, tenant: TenantConfig | undefined, name: string): string {
  const phone = normalizePhone(text, tenant?.defaultCountry ?? FALLBACK_COUNTRY);
  if (!phone) throw new HttpError(400, 'invalid_phone', `${name}: "${text}" is not a valid phone number`);
  return phone;
}
