import type { AcumaticaConfig, TenantConfig } from '../config/schema.js';
import type { ErpGateway, SmsActivityRef } from '../flows/ports.js';
import type { Clock } from '../ops/clock.js';
import type { RateLimitStore, SemaphoreStore } from '../ops/rate-limit.js';
import type { PushLogRecorder } from '../store/push-log.js';
import { sidFromSummary } from './activity-writer.js';
import type { AuthFailure } from './auth.js';
import type { AcumaticaClientOptions } from './client.js';
import { ENTITY_NAMES, type EntityName } from './entities.js';
import { AcumaticaApiError } from './errors.js';
import { type AcuRecord, readCustom, readString, toFields } from './fields.js';
import { and, customFieldRef, field, ge, le, ne, or, substringof, trustedFilter } from './filter.js';
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
  /** Where every write attempt is logged (guarantee 7); nothing is logged without one. */
  pushLog?: PushLogRecorder;
  /** Records per page when reconcile lists Activities. Default 1000. */
  listPageSize?: number;
}

/** Status of a failed call for the push log: the HTTP status, or null when none arrived. */
function responseCodeOf(error: unknown): number | null {
  if (error instanceof AcumaticaApiError) return error.status ?? null;
  return null;
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

function activityRef(record: AcuRecord, sidField: string | null): SmsActivityRef | undefined {
  const id = record.id ?? readString(record, 'NoteID');
  const custom = sidField ? readCustom(record, sidField) : undefined;
  const sid = sidField
    ? typeof custom === 'string'
      ? custom
      : undefined
    : sidFromSummary(readString(record, 'Summary'));
  return id && sid ? { id, sid } : undefined;
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
  const sidField = acumatica.activitySidField;
  /** Runs one write and logs it; a write that made no request (`logged: false`) is not a push. */
  async function logged<T>(
    operation: string,
    sourceId: string,
    attempt: number | undefined,
    write: () => Promise<{ value: T; acumaticaId: string | null; requested: boolean }>,
  ): Promise<T> {
    const at = options.clock.now();
    const started = performance.now();
    const entry = { tenant: tenant.id, target: 'acumatica', operation, sourceId, at };
    try {
      const result = await write();
      if (result.requested) {
        await options.pushLog?.record({
          ...entry,
          acumaticaId: result.acumaticaId,
          responseCode: 200,
          ...(attempt === undefined ? {} : { attempt }),
          durationMs: performance.now() - started,
        });
      }
      return result.value;
    } catch (error) {
      await options.pushLog?.record({
        ...entry,
        acumaticaId: null,
        responseCode: responseCodeOf(error),
        ...(attempt === undefined ? {} : { attempt }),
        durationMs: performance.now() - started,
      });
      throw error;
    }
  }
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
        ...(query.expand && query.expand.length > 0 ? { expand: query.expand } : {}),
        ...(query.signal ? { signal: query.signal } : {}),
      })) {
        yield flattenRecord(record);
      }
    },
    async writeActivity(activity) {
      // The ledger answers without a request: not a push, not logged. (A fresh row has no id
      // yet by definition, and the writer reads the ledger again anyway: one query saved.)
      const known = activity.fresh ? undefined : await options.ledger.findActivityId(tenant.id, activity.sid);
      if (known) return known;
      return logged('activity.put', activity.sid, activity.attempt, async () => {
        const { activityId } = await activities.write(
          {
            sid: activity.sid,
            direction: activity.direction,
            phone: activity.phone,
            body: activity.body,
            date: activity.at,
            ...(activity.related ? { related: activity.related } : {}),
            ...(activity.status === 'delivered' || activity.status === 'received'
              ? { status: 'Completed' }
              : {}),
          },
          activity.signal,
          { knownAbsent: activity.fresh === true },
        );
        return { value: activityId, acumaticaId: activityId, requested: true };
      });
    },
    async completeActivity(sid) {
      await logged('activity.complete', sid, undefined, async () => {
        const id = await activities.update(sid, { status: 'Completed' });
        return { value: undefined, acumaticaId: id, requested: true };
      });
    },
    async setOptOut(contact, optedOut) {
      const record = {
        ContactID: { value: Number(contact.contactId) },
        ...toFields({ [acumatica.optOutField]: optedOut }),
      };
      await logged('contact.opt-out', `contact:${contact.contactId}`, undefined, async () => {
        const saved = await withLockRetry(
          () => entities.get('Contact', contact.noteId ?? contact.contactId, { select: ['ContactID'] }),
          (current) =>
            entities.put(
              'Contact',
              { ...record, ...(current.id ? { id: current.id } : {}) },
              { mode: 'update' },
            ),
          { clock: options.clock },
        );
        return { value: undefined, acumaticaId: saved.id ?? contact.noteId, requested: true };
      });
    },
    async *listSmsActivities(query) {
      // By Activity Date (what the writer stores as the message time), SMS markers only: other
      // activities (e-mails, tasks) in the window are never transferred.
      const bySid = sidField
        ? ne(customFieldRef('String', sidField), null)
        : or(substringof('[SM', 'Summary'), substringof('[MM', 'Summary'));
      const filter = and(ge('Date', query.since), le('Date', query.until), bySid);
      for await (const record of entities.list('Activity', {
        filter,
        select: sidField ? ['NoteID'] : ['NoteID', 'Summary'],
        ...(sidField ? { custom: [sidField] } : {}),
        pageSize: options.listPageSize ?? 1000,
        ...(query.signal ? { signal: query.signal } : {}),
      })) {
        const ref = activityRef(record, sidField);
        if (ref) yield ref;
      }
    },
    findActivityBySid: (sid, signal) => activities.findBySid(sid, signal),
  };
}
