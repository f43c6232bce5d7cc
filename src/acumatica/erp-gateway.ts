import type { AcumaticaConfig, TenantConfig } from '../config/schema.js';
import type { ErpGateway } from '../flows/ports.js';
import type { Clock } from '../ops/clock.js';
import type { RateLimitStore, SemaphoreStore } from '../ops/rate-limit.js';
import type { AuthFailure } from './auth.js';
import type { AcumaticaClientOptions } from './client.js';
import { ENTITY_NAMES, type EntityName } from './entities.js';
import { type AcuRecord, toFields } from './fields.js';
import { and, field, ge, trustedFilter } from './filter.js';
import { type AcumaticaGateway, createAcumaticaGateway } from './gateway.js';
import { withLockRetry } from './lock-retry.js';
import type { ActivityLedger, AuthStateStore, CursorStore, PhoneIndexStore } from './ports.js';

export interface ErpGatewayOptions {
  tenant: TenantConfig;
  clock: Clock;
  authStore: AuthStateStore;
  rateStore: RateLimitStore;
  semaphoreStore: SemaphoreStore;
  phoneIndexStore: PhoneIndexStore;
  cursors: CursorStore;
  ledger: ActivityLedger;
  onAuthFailure?: (failure: AuthFailure) => void;
}

export function clientOptionsFor(tenantId: string, acumatica: AcumaticaConfig): AcumaticaClientOptions {
  const auth = acumatica.auth;
  return {
    url: acumatica.url,
    tenant: tenantId,
    endpoint: acumatica.endpoint,
    auth:
      auth.type === 'oauth2'
        ? {
            type: 'oauth2',
            clientId: auth.clientId,
            clientSecret: auth.clientSecret,
            username: auth.username,
            password: auth.password,
          }
        : { type: 'session', username: auth.username, password: auth.password, company: acumatica.tenant },
    maxConcurrent: acumatica.maxConcurrent,
    requestsPerMinute: acumatica.requestsPerMinute,
    requestTimeoutMs: acumatica.requestTimeoutMs,
  };
}

/** `{Field: {value}}` ⇒ `{Field: value}`, linked records flattened as `Link_Field`. */
export function flattenRecord(record: AcuRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(record)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if ('value' in v) out[name] = (v as { value: unknown }).value;
      else if (name !== 'custom' && name !== '_links') {
        for (const [inner, iv] of Object.entries(flattenRecord(v as AcuRecord))) out[`${name}_${inner}`] = iv;
      }
    } else if (name === 'id' || name === 'note') out[name] = v;
  }
  if (record.id !== undefined) out.NoteID ??= record.id;
  return out;
}

/** The flows' `ErpGateway` for one tenant, plus the underlying gateway for sync and doctor. */
export function createErpGateway(options: ErpGatewayOptions): ErpGateway & { gateway: AcumaticaGateway } {
  const { tenant } = options;
  const acumatica = tenant.acumatica;
  const gateway = createAcumaticaGateway({
    ...clientOptionsFor(tenant.id, acumatica),
    clock: options.clock,
    authStore: options.authStore,
    rateStore: options.rateStore,
    semaphoreStore: options.semaphoreStore,
    ...(options.onAuthFailure ? { onAuthFailure: options.onAuthFailure } : {}),
    defaultCountry: tenant.defaultCountry,
    activityType: acumatica.activityType,
    activitySidField: acumatica.activitySidField,
    phoneIndexStore: options.phoneIndexStore,
    cursors: options.cursors,
    ledger: options.ledger,
  });
  const { entities, activities } = gateway;
  return {
    gateway,
    async *listChanged(query) {
      if (!(ENTITY_NAMES as readonly string[]).includes(query.entity)) {
        throw new TypeError(`polling supports ${ENTITY_NAMES.join(', ')}; got ${query.entity}`);
      }
      const parts = [
        ...(query.filter ? [trustedFilter(query.filter)] : []),
        // `ge`, not `gt`: records stamped in the same instant as the cursor are read again, and
        // the (rule, key) idempotency key makes the repeat harmless.
        ...(query.since ? [ge(field(query.changeField), query.since)] : []),
      ];
      const filter = parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : and(...parts);
      for await (const record of entities.list(query.entity as EntityName, {
        ...(filter ? { filter } : {}),
        ...(query.signal ? { signal: query.signal } : {}),
      })) {
        yield flattenRecord(record);
      }
    },
    async writeActivity(activity) {
      const { activityId } = await activities.write({
        sid: activity.sid,
        direction: activity.direction,
        phone: activity.phone,
        body: activity.body,
        date: activity.at,
        ...(activity.related ? { related: activity.related } : {}),
        ...(activity.status === 'delivered' || activity.status === 'received' ? { status: 'Completed' } : {}),
      });
      return activityId;
    },
    async completeActivity(sid) {
      await activities.update(sid, { status: 'Completed' });
    },
    async setOptOut(contact, optedOut) {
      const record = {
        ContactID: { value: Number(contact.contactId) },
        ...toFields({ [acumatica.optOutField]: optedOut }),
      };
      await withLockRetry(
        () => entities.get('Contact', contact.noteId ?? contact.contactId, { select: ['ContactID'] }),
        (current) =>
          entities.put(
            'Contact',
            { ...record, ...(current.id ? { id: current.id } : {}) },
            { mode: 'update' },
          ),
        { clock: options.clock },
      );
    },
  };
}
