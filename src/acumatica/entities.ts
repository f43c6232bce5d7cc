import { z } from 'zod';
import type { AcumaticaClient } from './client.js';
import { AcumaticaApiError, isAcumaticaError } from './errors.js';
import { type AcuRecord, acuRecordListSchema, acuRecordSchema } from './fields.js';
import type { ODataFilter } from './filter.js';

export const ENTITY_NAMES = ['Contact', 'Customer', 'Activity', 'SalesOrder', 'Shipment', 'Invoice'] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

/** The change-tracking field differs by entity in 24.200.001 (notes §2, §3). */
export const LAST_MODIFIED_FIELD: Readonly<Record<EntityName, string>> = {
  Contact: 'LastModifiedDateTime',
  Customer: 'LastModifiedDateTime',
  Activity: 'LastModifiedDateTime',
  SalesOrder: 'LastModified',
  Shipment: 'LastModifiedDateTime',
  Invoice: 'LastModifiedDateTime',
};

export interface QueryOptions {
  /** `$select`, e.g. `['DisplayName', 'Address/State']`. */
  select?: readonly string[];
  /** `$expand`, e.g. `['Address']`; linked and detail entities come back only when named. */
  expand?: readonly string[];
  /** `$custom`, e.g. `['Activities.UsrTwilioMessageSid']`. */
  custom?: readonly string[];
  signal?: AbortSignal;
}

export interface ListOptions extends QueryOptions {
  filter?: ODataFilter;
  /** Stop after this many records in total. */
  top?: number;
  skip?: number;
  /** Records per request (`$top` of each page). Default 100. */
  pageSize?: number;
}

/** `insert`: `If-None-Match: *` (412 if it exists); `update`: `If-Match: *` (412 if not); `any`: upsert. */
export type PutMode = 'insert' | 'update' | 'any';

export interface PutOptions extends QueryOptions {
  mode?: PutMode;
  /** Locates the record to update when the body has neither `id` nor key fields. */
  filter?: ODataFilter;
}

/** A record id (GUID) or its key values in order, e.g. `['SO', '000123']`. */
export type RecordKey = string | readonly string[];

const endpointsSchema = z.looseObject({
  version: z.looseObject({ acumaticaBuildVersion: z.string().optional() }).optional(),
  endpoints: z.array(z.looseObject({ name: z.string(), version: z.string() })).default([]),
});
export type EndpointList = z.infer<typeof endpointsSchema>;

/** GET/PUT/DELETE on entities of the configured endpoint, returning wire-shaped records. */
export class EntityClient {
  constructor(readonly client: AcumaticaClient) {}

  /** Every matching record, fetched a page at a time with `$top`/`$skip`. */
  async *list(entity: EntityName, options: ListOptions = {}): AsyncGenerator<AcuRecord> {
    const pageSize = options.pageSize ?? 100;
    let skip = options.skip ?? 0;
    let remaining = options.top ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      const top = Math.min(pageSize, remaining);
      const page = await this.listPage(entity, { ...options, top, skip });
      for (const record of page) yield record;
      if (page.length < top) return;
      skip += page.length;
      remaining -= page.length;
    }
  }

  async listPage(entity: EntityName, options: ListOptions = {}): Promise<AcuRecord[]> {
    const res = await this.client.request({
      method: 'GET',
      path: entity,
      query: {
        ...queryOf(options),
        $filter: options.filter?.toString(),
        $top: options.top,
        $skip: options.skip || undefined,
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return parseWith(acuRecordListSchema, res.body, `GET ${entity}`);
  }

  /** By id or keys; throws `not_found` (Acumatica answers 500 NoEntitySatisfiesTheCondition). */
  async get(entity: EntityName, key: RecordKey, options: QueryOptions = {}): Promise<AcuRecord> {
    const res = await this.client.request({
      method: 'GET',
      path: `${entity}/${keyPath(key)}`,
      query: queryOf(options),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return parseWith(acuRecordSchema, res.body, `GET ${entity}`);
  }

  /** Like `get`, but undefined when the record does not exist. */
  async find(entity: EntityName, key: RecordKey, options: QueryOptions = {}): Promise<AcuRecord | undefined> {
    try {
      return await this.get(entity, key, options);
    } catch (error) {
      if (isAcumaticaError(error, 'not_found')) return undefined;
      throw error;
    }
  }

  /** Insert or update. The answer holds the fields sent plus those asked for (notes §2). */
  async put(entity: EntityName, record: AcuRecord, options: PutOptions = {}): Promise<AcuRecord> {
    const mode = options.mode ?? 'any';
    const res = await this.client.request({
      method: 'PUT',
      path: entity,
      query: { ...queryOf(options), $filter: options.filter?.toString() },
      body: record,
      headers: mode === 'insert' ? { 'If-None-Match': '*' } : mode === 'update' ? { 'If-Match': '*' } : {},
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return parseWith(acuRecordSchema, res.body, `PUT ${entity}`);
  }

  async delete(entity: EntityName, key: RecordKey, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.client.request({
      method: 'DELETE',
      path: `${entity}/${keyPath(key)}`,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** `GET /entity`: build version and the endpoints the instance serves (notes §2). */
  async endpoints(signal?: AbortSignal): Promise<EndpointList> {
    const res = await this.client.request({ method: 'GET', path: '/entity', ...(signal ? { signal } : {}) });
    return parseWith(endpointsSchema, res.body, 'GET /entity');
  }
}

function queryOf(options: QueryOptions): Record<string, string | undefined> {
  const list = (v: readonly string[] | undefined) => (v && v.length > 0 ? v.join(',') : undefined);
  return { $select: list(options.select), $expand: list(options.expand), $custom: list(options.custom) };
}

/** Keys are slash-delimited path segments; a key containing `/` cannot be addressed (use the id). */
export function keyPath(key: RecordKey): string {
  const parts = typeof key === 'string' ? [key] : [...key];
  if (parts.length === 0) throw new TypeError('empty record key');
  for (const p of parts) {
    if (p === '' || p.includes('/'))
      throw new TypeError(`key "${p}" cannot be used in a URL; use the record id`);
  }
  return parts.map(encodeURIComponent).join('/');
}

function parseWith<T>(schema: z.ZodType<T>, body: unknown, operation: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new AcumaticaApiError(
      'server',
      `${operation} answered with an unexpected shape: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}
