import { evaluateFilter, type FilterContext, type FilterNode, type Resolved } from './odata-filter.js';
import { coerceScalar, keysOf, recordFromPlain, type SimRecord, touch } from './records.js';
import { type EntitySchema, SIM_ENTITY_KEYS, schemaOf } from './schema.js';

/** A refusal the HTTP layer turns into a status and body. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export function httpError(status: number, exceptionMessage: string, exceptionType = 'PX.Data.PXException') {
  return new SimHttpError(status, {
    message: 'An error has occurred.',
    exceptionMessage,
    exceptionType,
    stackTrace: '',
  });
}

export const notFound = () =>
  httpError(
    500,
    'No entity satisfies the condition.',
    'PX.Api.ContractBased.NoEntitySatisfiesTheConditionException',
  );

export interface PutOutcome {
  record: SimRecord;
  inserted: boolean;
  /** Field names the client sent, echoed in the answer (notes §2). */
  sent: string[];
}

/** One Acumatica tenant's data: the six entities, with keys, auto-numbering and validation. */
export class EntityStore {
  readonly #records = new Map<string, SimRecord[]>();
  #nextContactId = 100;
  #nextOrderNbr = 1;

  constructor(
    readonly activityTypes: Set<string>,
    private readonly newId: () => string,
    private readonly now: () => number,
  ) {}

  all(entity: string): SimRecord[] {
    let list = this.#records.get(entity);
    if (!list) {
      list = [];
      this.#records.set(entity, list);
    }
    return list;
  }

  /** Adds a record as seed data (no validation), filling system fields. */
  seed(entity: string, plain: Record<string, unknown>): SimRecord {
    const schema = mustSchema(entity);
    const rec = recordFromPlain(schema, plain, this.newId);
    this.#assignNumbers(entity, rec);
    const keepStamp = rec.values.LastModifiedDateTime ?? rec.values.LastModified;
    touch(entity, rec, this.now(), true);
    if (typeof keepStamp === 'string')
      rec.values[entity === 'SalesOrder' ? 'LastModified' : 'LastModifiedDateTime'] = keepStamp;
    this.all(entity).push(rec);
    return rec;
  }

  list(entity: string, filter: FilterNode | undefined): SimRecord[] {
    const list = this.all(entity);
    if (!filter) return [...list];
    const schema = mustSchema(entity);
    return list.filter((r) => evaluateFilter(filter, contextFor(schema, r)));
  }

  find(entity: string, idOrKeys: string[]): SimRecord | undefined {
    const list = this.all(entity);
    if (idOrKeys.length === 1 && /^[0-9a-f-]{36}$/i.test(idOrKeys[0]!)) {
      const id = idOrKeys[0]!.toLowerCase();
      const byId = list.find((r) => r.id === id);
      if (byId) return byId;
    }
    return list.find((r) => sameKeys(keysOf(entity, r), idOrKeys));
  }

  findAnyById(id: string): SimRecord | undefined {
    for (const list of this.#records.values()) {
      const hit = list.find((r) => r.id === id.toLowerCase());
      if (hit) return hit;
    }
    return undefined;
  }

  delete(entity: string, rec: SimRecord): void {
    const list = this.all(entity);
    list.splice(list.indexOf(rec), 1);
  }

  /** PUT semantics: locate by id, then keys, then `$filter`; 412 per If-Match/If-None-Match; 422 on errors. */
  put(
    entity: string,
    body: Record<string, unknown>,
    mode: 'insert' | 'update' | 'any',
    filter?: FilterNode,
  ): PutOutcome {
    const schema = mustSchema(entity);
    let target: SimRecord | undefined;
    if (typeof body.id === 'string') target = this.find(entity, [body.id]);
    const keyFields = SIM_ENTITY_KEYS[entity] ?? [];
    if (!target && keyFields.length > 0) {
      const keys = keyFields.map((k) => unwrapString(body[k]));
      if (keys.every((k) => k !== undefined)) target = this.find(entity, keys as string[]);
    }
    if (!target && filter) target = this.list(entity, filter)[0];
    if (mode === 'insert' && target) {
      throw httpError(412, `The entity cannot be inserted: a record with these keys already exists.`);
    }
    if (mode === 'update' && !target)
      throw httpError(412, 'The entity cannot be updated: no record with these keys.');

    const inserted = target === undefined;
    const incoming = recordFromPlainChecked(schema, body, this.newId);
    const errors = { ...incoming.errors, ...this.#rules(entity, incoming.record, target) };
    if (Object.keys(errors).length > 0) {
      const echo: Record<string, unknown> = {
        id: target?.id ?? incoming.record.id,
        rowNumber: 1,
        error: `${inserted ? 'Inserting' : 'Updating'} '${entity}' record raised at least one error. Please review the errors.`,
      };
      for (const [field, raw] of Object.entries(body)) {
        if (field === 'id' || field === 'custom') continue;
        echo[field] = {
          ...(isValueObject(raw) ? raw : { value: raw }),
          ...(errors[field] ? { error: errors[field] } : {}),
        };
      }
      for (const [field, error] of Object.entries(errors)) if (!(field in echo)) echo[field] = { error };
      throw new SimHttpError(422, echo);
    }

    const rec = target ?? { ...incoming.record };
    if (target) {
      Object.assign(target.values, incoming.record.values);
      Object.assign(target.linked, incoming.record.linked);
      for (const [name, lines] of Object.entries(incoming.record.details)) {
        target.details[name] = [...(target.details[name] ?? []), ...lines];
      }
      for (const [view, fields] of Object.entries(incoming.record.custom)) {
        target.custom[view] = { ...target.custom[view], ...fields };
      }
      if (incoming.record.note !== null) target.note = incoming.record.note;
    } else {
      this.#assignNumbers(entity, rec);
      if (entity === 'Activity' && rec.values.Status == null) rec.values.Status = 'Completed';
      if (entity === 'Activity' && rec.values.Date == null)
        rec.values.Date = new Date(this.now()).toISOString();
      this.all(entity).push(rec);
    }
    touch(entity, rec, this.now(), inserted);
    const sent = Object.keys(body).filter((k) => k !== 'id' && k !== 'custom' && k !== 'rowNumber');
    return { record: rec, inserted, sent };
  }

  /** Business rules that real graphs enforce and our flows can trip over. */
  #rules(entity: string, rec: SimRecord, existing: SimRecord | undefined): Record<string, string> {
    const errors: Record<string, string> = {};
    const has = (f: string) => rec.values[f] != null || existing?.values[f] != null;
    if (entity === 'Activity') {
      if (!has('Summary')) errors.Summary = "'Summary' cannot be empty.";
      const type = rec.values.Type;
      if (typeof type === 'string' && !this.activityTypes.has(type)) {
        errors.Type = `'Type' cannot be found in the system.`;
      }
      const related = rec.values.RelatedEntityNoteID;
      if (typeof related === 'string' && !this.findAnyById(related)) {
        errors.RelatedEntityNoteID = `'Related Entity' cannot be found in the system.`;
      }
    }
    if (entity === 'Contact' && !has('LastName') && !has('CompanyName')) {
      errors.LastName = "'Last Name' cannot be empty.";
    }
    if (entity === 'Customer' && !has('CustomerName'))
      errors.CustomerName = "'Customer Name' cannot be empty.";
    if (entity === 'SalesOrder' || entity === 'Shipment') {
      const customer = rec.values.CustomerID;
      if (typeof customer === 'string' && !this.find('Customer', [customer])) {
        errors.CustomerID = `'Customer' cannot be found in the system.`;
      }
    }
    return errors;
  }

  #assignNumbers(entity: string, rec: SimRecord): void {
    if (entity === 'Contact') {
      const id = rec.values.ContactID;
      if (typeof id === 'number') this.#nextContactId = Math.max(this.#nextContactId, id + 1);
      else rec.values.ContactID = this.#nextContactId++;
    }
    if (entity === 'SalesOrder') {
      rec.values.OrderType ??= 'SO';
      if (rec.values.OrderNbr == null) rec.values.OrderNbr = String(this.#nextOrderNbr++).padStart(6, '0');
    }
  }
}

function mustSchema(entity: string): EntitySchema {
  const s = schemaOf(entity);
  if (!s || !(entity in SIM_ENTITY_KEYS)) throw httpError(404, `Entity ${entity} is not in the endpoint.`);
  return s;
}

function recordFromPlainChecked(schema: EntitySchema, body: Record<string, unknown>, newId: () => string) {
  const errors: Record<string, string> = {};
  for (const [field, raw] of Object.entries(body)) {
    const type = schema.scalars.get(field);
    if (!type || !isValueObject(raw)) continue;
    const v = coerceScalar(type, raw.value, field);
    if (v !== null && typeof v === 'object') errors[field] = v.error;
  }
  const { id: _id, ...rest } = body;
  const record = recordFromPlain(schema, rest, newId);
  // Read-only/system fields cannot be set by a client.
  for (const f of ['NoteID', 'CreatedDateTime', 'LastModifiedDateTime', 'LastModified', 'CreatedByID']) {
    delete record.values[f];
  }
  return { record, errors };
}

function isValueObject(raw: unknown): raw is { value?: unknown } {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw);
}

function unwrapString(raw: unknown): string | undefined {
  const v = isValueObject(raw) ? raw.value : raw;
  return v === undefined || v === null ? undefined : String(v);
}

function sameKeys(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((k, i) => k.toLowerCase() === b[i]?.toLowerCase());
}

/** Resolves filter field paths (`Phone1`, `MainContact/Email`) and custom fields on one record. */
export function contextFor(schema: EntitySchema, rec: SimRecord): FilterContext {
  return {
    field(path: string): Resolved {
      const parts = path.split('/');
      let s: EntitySchema | undefined = schema;
      let r: SimRecord | undefined = rec;
      for (const part of parts.slice(0, -1)) {
        const t = s?.linked.get(part);
        if (!t) return { exists: false };
        s = schemaOf(t);
        r = r?.linked[part];
      }
      const last = parts[parts.length - 1]!;
      const type = s?.scalars.get(last);
      if (!type) return { exists: false };
      return { exists: true, value: r?.values[last] ?? null, fieldType: type };
    },
    custom(viewField: string): Resolved {
      const [view = '', field = ''] = viewField.split('.');
      return { exists: true, value: rec.custom[view]?.[field]?.value ?? null };
    },
  };
}
