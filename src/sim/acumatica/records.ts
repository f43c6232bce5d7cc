import {
  type EntitySchema,
  type FieldType,
  lastModifiedFieldOf,
  SIM_ENTITY_KEYS,
  schemaOf,
} from './schema.js';

export type Scalar = string | number | boolean | null;

export interface SimCustomField {
  type: string;
  value: Scalar;
}

/** A stored record: scalars by contract field name, linked entities, detail lines, custom fields. */
export interface SimRecord {
  id: string;
  values: Record<string, Scalar>;
  linked: Record<string, SimRecord>;
  details: Record<string, SimRecord[]>;
  custom: Record<string, Record<string, SimCustomField>>;
  note: string | null;
}

/** Deterministic ids from a seed (mulberry32), so seeded runs produce the same records. */
export function makeIdSource(seed: number): () => string {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0).toString(16).padStart(8, '0');
  };
  return () => {
    const h = next() + next() + next() + next();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
}

/** Acumatica writes date-times with an explicit offset, e.g. `2026-01-05T15:00:00.000+00:00`. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

/** Checks and converts one incoming value for its contract type; a string error on failure. */
export function coerceScalar(type: FieldType, raw: unknown, label: string): Scalar | { error: string } {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 's':
      return typeof raw === 'string' ? raw : String(raw);
    case 'b':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      return { error: `'${label}' cannot be converted to Boolean.` };
    case 'd': {
      const ms = typeof raw === 'string' ? Date.parse(raw) : Number.NaN;
      return Number.isNaN(ms) ? { error: `'${label}' is not a valid date.` } : formatDateTime(ms);
    }
    case 'g':
      return typeof raw === 'string' &&
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw)
        ? raw.toLowerCase()
        : { error: `'${label}' is not a valid GUID.` };
    default: {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && raw.trim() !== ''
            ? Number(raw)
            : Number.NaN;
      if (!Number.isFinite(n)) return { error: `'${label}' cannot be converted to a number.` };
      if ('ihlyt'.includes(type) && !Number.isInteger(n))
        return { error: `'${label}' must be a whole number.` };
      return n;
    }
  }
}

/** Builds a stored record from plain values (seed files) or wire values (`{"value":…}`). */
export function recordFromPlain(
  schema: EntitySchema,
  input: Record<string, unknown>,
  newId: () => string,
): SimRecord {
  const rec: SimRecord = { id: newId(), values: {}, linked: {}, details: {}, custom: {}, note: null };
  if (typeof input.id === 'string') rec.id = input.id.toLowerCase();
  for (const [key, raw] of Object.entries(input)) {
    if (key === 'id' || key === 'rowNumber' || key === '_links' || key === 'files') continue;
    if (key === 'note') {
      const v = unwrap(raw);
      rec.note = typeof v === 'string' ? v : null;
      continue;
    }
    if (key === 'custom' && raw && typeof raw === 'object') {
      for (const [view, fields] of Object.entries(raw as Record<string, Record<string, SimCustomField>>)) {
        for (const [name, cf] of Object.entries(fields ?? {})) {
          rec.custom[view] = {
            ...rec.custom[view],
            [name]: { type: cf.type ?? 'CustomStringField', value: cf.value ?? null },
          };
        }
      }
      continue;
    }
    const linkedType = schema.linked.get(key);
    const detailType = schema.details.get(key);
    if (linkedType && raw && typeof raw === 'object' && !Array.isArray(raw)) {
      const s = schemaOf(linkedType);
      if (s) rec.linked[key] = recordFromPlain(s, raw as Record<string, unknown>, newId);
    } else if (detailType && Array.isArray(raw)) {
      const s = schemaOf(detailType);
      if (s) rec.details[key] = raw.map((r) => recordFromPlain(s, r as Record<string, unknown>, newId));
    } else {
      const type = schema.scalars.get(key) ?? 's';
      const v = coerceScalar(type, unwrap(raw), key);
      rec.values[key] = v !== null && typeof v === 'object' ? null : v;
    }
  }
  return rec;
}

function unwrap(raw: unknown): unknown {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    return 'value' in raw ? (raw as { value: unknown }).value : null;
  }
  return raw;
}

export interface Projection {
  /** `$select` paths, or undefined for every scalar. */
  select?: string[];
  expand: string[];
  custom: string[];
}

/** Serialises a record the way the contract API does: `{}` for empty fields, `custom` always present. */
export function toWire(
  schema: EntitySchema,
  rec: SimRecord,
  p: Projection,
  rowNumber: number,
  customTypes: Record<string, string> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: rec.id,
    rowNumber,
    note: rec.note === null ? {} : { value: rec.note },
  };
  const topSelect = p.select?.filter((s) => !s.includes('/'));
  for (const [name] of schema.scalars) {
    if (topSelect && !topSelect.includes(name)) continue;
    const v = rec.values[name];
    out[name] = v === null || v === undefined ? {} : { value: v };
  }
  for (const name of p.expand) {
    if (name.includes('/')) continue;
    const nested = (prefix: string) => ({
      ...(p.select
        ? { select: p.select.filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length)) }
        : {}),
      expand: p.expand.filter((e) => e.startsWith(prefix)).map((e) => e.slice(prefix.length)),
      custom: [],
    });
    const linkedType = schema.linked.get(name);
    const detailType = schema.details.get(name);
    if (linkedType) {
      const s = schemaOf(linkedType)!;
      const proj = nested(`${name}/`);
      if (proj.select?.length === 0) delete proj.select;
      const child = rec.linked[name] ?? {
        id: rec.id,
        values: {},
        linked: {},
        details: {},
        custom: {},
        note: null,
      };
      out[name] = toWire(s, child, proj, 1);
    } else if (detailType) {
      const s = schemaOf(detailType)!;
      const proj = nested(`${name}/`);
      if (proj.select?.length === 0) delete proj.select;
      out[name] = (rec.details[name] ?? []).map((d, i) => toWire(s, d, proj, i + 1));
    }
  }
  const custom: Record<string, Record<string, SimCustomField>> = {};
  for (const vf of p.custom) {
    const [view = '', field = ''] = vf.split('.');
    const stored = rec.custom[view]?.[field];
    custom[view] = {
      ...custom[view],
      [field]: stored ?? { type: customTypes[vf] ?? 'CustomStringField', value: null },
    };
  }
  out.custom = custom;
  return out;
}

/** Key values of a stored record, in URL order. */
export function keysOf(entity: string, rec: SimRecord): string[] {
  return (SIM_ENTITY_KEYS[entity] ?? []).map((k) => String(rec.values[k] ?? ''));
}

export function touch(entity: string, rec: SimRecord, nowMs: number, inserted: boolean): void {
  const stamp = formatDateTime(nowMs);
  rec.values[lastModifiedFieldOf(entity)] = stamp;
  if (inserted && schemaOf(entity)?.scalars.has('CreatedDateTime')) rec.values.CreatedDateTime = stamp;
  if (schemaOf(entity)?.scalars.has('NoteID')) rec.values.NoteID = rec.id;
}
