import { z } from 'zod';

/**
 * The contract-based API wraps every field as `{"value": …}` and returns an empty field as `{}`
 * (no `value` key). Linked entities are nested records, detail collections arrays of records;
 * `custom` holds `{View: {Field: {type, value}}}` (acumatica-notes §2 "Record JSON shape").
 */
export type Scalar = string | number | boolean | null;

export interface FieldValue {
  value?: Scalar;
  error?: string;
}

export interface CustomFieldValue {
  type: string;
  value?: Scalar;
  error?: string;
}

export interface AcuRecord {
  id?: string;
  rowNumber?: number;
  note?: FieldValue;
  custom?: Record<string, Record<string, CustomFieldValue>>;
  error?: string;
  [field: string]: unknown;
}

/** Parses one record at the edge; loose because endpoints add fields the contract does not list. */
export const acuRecordSchema: z.ZodType<AcuRecord> = z.looseObject({
  id: z.string().optional(),
  rowNumber: z.number().optional(),
  error: z.string().optional(),
  custom: z
    .record(
      z.string(),
      z.record(z.string(), z.looseObject({ type: z.string(), value: z.unknown().optional() })),
    )
    .optional(),
}) as z.ZodType<AcuRecord>;

export const acuRecordListSchema = z.array(acuRecordSchema);

/** A value we write: Dates become ISO strings, undefined fields are left out. */
export type WritableValue = Scalar | Date | undefined;

/** `{Summary: 'x', Date: d}` ⇒ `{Summary: {value: 'x'}, Date: {value: '2026-…Z'}}`. */
export function toFields(values: Record<string, WritableValue>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [name, v] of Object.entries(values)) {
    if (v === undefined) continue;
    out[name] = { value: v instanceof Date ? v.toISOString() : v };
  }
  return out;
}

/** One custom field for the `custom` block, e.g. `customString('SM…')`. */
export function customField(type: string, value: Scalar): CustomFieldValue {
  return { type, value };
}

function fieldOf(record: AcuRecord | undefined, name: string): FieldValue | undefined {
  const f = record?.[name];
  return f !== null && typeof f === 'object' && !Array.isArray(f) ? (f as FieldValue) : undefined;
}

export function readString(record: AcuRecord | undefined, name: string): string | undefined {
  const v = fieldOf(record, name)?.value;
  return typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v);
}

export function readNumber(record: AcuRecord | undefined, name: string): number | undefined {
  const v = fieldOf(record, name)?.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function readBoolean(record: AcuRecord | undefined, name: string): boolean | undefined {
  const v = fieldOf(record, name)?.value;
  return typeof v === 'boolean' ? v : undefined;
}

export function readDate(record: AcuRecord | undefined, name: string): Date | undefined {
  const v = readString(record, name);
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** A linked entity (`$expand=Address`), or undefined when it was not expanded. */
export function readLinked(record: AcuRecord | undefined, name: string): AcuRecord | undefined {
  const v = record?.[name];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as AcuRecord) : undefined;
}

export function readDetails(record: AcuRecord | undefined, name: string): AcuRecord[] {
  const v = record?.[name];
  return Array.isArray(v) ? (v as AcuRecord[]) : [];
}

/** Reads `custom.View.Field.value` given `View.Field`. */
export function readCustom(record: AcuRecord | undefined, viewField: string): Scalar | undefined {
  const [view, field] = splitViewField(viewField);
  return record?.custom?.[view]?.[field]?.value;
}

export function splitViewField(viewField: string): [string, string] {
  const dot = viewField.indexOf('.');
  if (dot <= 0 || dot === viewField.length - 1) {
    throw new TypeError(`custom field must look like View.Field, got "${viewField}"`);
  }
  return [viewField.slice(0, dot), viewField.slice(dot + 1)];
}
