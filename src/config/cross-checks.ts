import type { ConfigIssue } from './errors.js';
import { formatPath } from './errors.js';
import { isPlainObject } from './interpolate.js';

/*
 * Checks that span several objects (unique ids, references between sections). They read the
 * raw tree and tolerate any shape, so they run even when the schema found other problems:
 * an operator sees a duplicate tenant id in the same pass as a bad Account SID.
 */
export function crossCheckConfig(tree: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!isPlainObject(tree)) return issues;
  const tenants = Array.isArray(tree.tenants) ? tree.tenants : [];

  const tenantIds = new Map<string, string>();
  tenants.forEach((tenant, t) => {
    if (!isPlainObject(tenant)) return;
    firstOrDuplicate(tenantIds, tenant.id, ['tenants', t, 'id'], 'tenant id', issues);

    const rules = Array.isArray(tenant.rules) ? tenant.rules : [];
    const ruleIds = new Map<string, string>();
    const acumatica = isPlainObject(tenant.acumatica) ? tenant.acumatica : undefined;
    rules.forEach((rule, r) => {
      if (!isPlainObject(rule)) return;
      firstOrDuplicate(ruleIds, rule.id, ['tenants', t, 'rules', r, 'id'], 'rule id in this tenant', issues);
      const hasPush = acumatica !== undefined && isPlainObject(acumatica.push);
      if (rule.query !== undefined && acumatica !== undefined && !hasPush) {
        issues.push({
          path: formatPath(['tenants', t, 'acumatica', 'push']),
          message: `required by push-notification rule ${JSON.stringify(rule.id)} (query); set header and secret`,
        });
      }
    });
  });

  const alerts = Array.isArray(tree.alerts) ? tree.alerts : [];
  alerts.forEach((alert, a) => {
    if (!isPlainObject(alert) || alert.type !== 'sms' || typeof alert.tenant !== 'string') return;
    if (!tenantIds.has(alert.tenant)) {
      issues.push({
        path: formatPath(['alerts', a, 'tenant']),
        message: `no tenant has id "${alert.tenant}"`,
      });
    }
  });
  return issues;
}

function firstOrDuplicate(
  seen: Map<string, string>,
  id: unknown,
  path: PropertyKey[],
  what: string,
  issues: ConfigIssue[],
): void {
  if (typeof id !== 'string') return;
  const at = formatPath(path);
  const first = seen.get(id);
  if (first === undefined) seen.set(id, at);
  else issues.push({ path: at, message: `duplicate ${what} "${id}" (first at ${first})` });
}
