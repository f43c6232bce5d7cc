/**
 * OData v3 `$filter` expressions built from values, never from spliced strings. Every literal is
 * encoded here and only here: strings are quoted with `'` doubled (OData v3 URI conventions
 * §5.1.1.6), dates become `datetimeoffset'…'`, GUIDs are checked before `guid'…'`, field names
 * must be plain identifiers. URL encoding (`+` ⇒ `%2B` in offsets) is left to URLSearchParams.
 *
 *   odata`Summary eq ${userText} and LastModifiedDateTime gt ${since}`
 *   and(eq('Type', 'SMS'), substringof('[SM123…]', 'Summary'))
 */

const FILTER = Symbol('ODataFilter');

/** A finished expression; the entity client accepts only these, so raw strings cannot sneak in. */
export class ODataFilter {
  readonly [FILTER] = true;
  readonly #text: string;

  /** @internal use the builders below, or `trustedFilter` for operator-written config text. */
  constructor(text: string) {
    this.#text = text;
  }

  toString(): string {
    return this.#text;
  }
}

/** A `guid'…'` literal; the value is validated, so it can come from anywhere. */
export class GuidLiteral {
  constructor(readonly value: string) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
      throw new TypeError('not a GUID');
    }
  }
}

/** A `date'YYYY-MM-DD'` literal (the date part of the given Date in UTC, or a checked string). */
export class DateLiteral {
  readonly value: string;
  constructor(value: Date | string) {
    const text = value instanceof Date ? value.toISOString().slice(0, 10) : value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text)))
      throw new TypeError('not a date');
    this.value = text;
  }
}

/** A field reference: `Summary`, `MainContact/Email`, or a custom field `cf.String(f='View.Field')`. */
export class FieldRef {
  readonly text: string;
  constructor(path: string) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/.test(path)) {
      throw new TypeError(`not a field name: ${JSON.stringify(path)}`);
    }
    this.text = path;
  }
}

export type CustomFieldKind = 'String' | 'Int' | 'Decimal' | 'DateTime' | 'Boolean' | 'Guid';

export type FilterValue =
  | string
  | number
  | boolean
  | null
  | Date
  | GuidLiteral
  | DateLiteral
  | FieldRef
  | ODataFilter;

export const guid = (value: string): GuidLiteral => new GuidLiteral(value);
export const dateOnly = (value: Date | string): DateLiteral => new DateLiteral(value);
export const field = (path: string): FieldRef => new FieldRef(path);

/** `cf.String(f='Activities.UsrTwilioMessageSid')`; view and field are checked identifiers. */
export function customFieldRef(kind: CustomFieldKind, viewField: string): FieldRef {
  if (!/^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/.test(viewField)) {
    throw new TypeError(`not a View.Field name: ${JSON.stringify(viewField)}`);
  }
  const ref = Object.create(FieldRef.prototype) as { text: string };
  ref.text = `cf.${kind}(f='${viewField}')`;
  return ref as FieldRef;
}

/** Encodes one value as an OData v3 literal. The only place user data becomes filter text. */
export function literal(value: FilterValue): string {
  if (value === null) return 'null';
  if (value instanceof ODataFilter) return `(${value.toString()})`;
  if (value instanceof FieldRef) return value.text;
  if (value instanceof GuidLiteral) return `guid'${value.value}'`;
  if (value instanceof DateLiteral) return `date'${value.value}'`;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('invalid Date in filter');
    return `datetimeoffset'${value.toISOString()}'`;
  }
  switch (typeof value) {
    case 'string':
      return `'${value.replaceAll("'", "''")}'`;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('non-finite number in filter');
      // OData v3 reads plain digits as Int32/Double; exponent forms (1e-7) are valid Double literals.
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default: {
      const never: never = value;
      throw new TypeError(`unsupported filter value ${String(never)}`);
    }
  }
}

/** Tagged template: the literal parts are code, every `${…}` is encoded with `literal()`. */
export function odata(parts: TemplateStringsArray, ...values: FilterValue[]): ODataFilter {
  let text = parts[0] ?? '';
  values.forEach((v, i) => {
    text += literal(v) + (parts[i + 1] ?? '');
  });
  return new ODataFilter(text.trim());
}

type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

function compare(op: Comparison, path: string | FieldRef, value: FilterValue): ODataFilter {
  const ref = path instanceof FieldRef ? path : field(path);
  return new ODataFilter(`${ref.text} ${op} ${literal(value)}`);
}

export const eq = (f: string | FieldRef, v: FilterValue) => compare('eq', f, v);
export const ne = (f: string | FieldRef, v: FilterValue) => compare('ne', f, v);
export const gt = (f: string | FieldRef, v: FilterValue) => compare('gt', f, v);
export const ge = (f: string | FieldRef, v: FilterValue) => compare('ge', f, v);
export const lt = (f: string | FieldRef, v: FilterValue) => compare('lt', f, v);
export const le = (f: string | FieldRef, v: FilterValue) => compare('le', f, v);

function join(op: 'and' | 'or', filters: ODataFilter[]): ODataFilter {
  if (filters.length === 0) throw new TypeError(`${op}() needs at least one operand`);
  if (filters.length === 1) return filters[0]!;
  return new ODataFilter(filters.map((f) => `(${f.toString()})`).join(` ${op} `));
}

export const and = (...filters: ODataFilter[]): ODataFilter => join('and', filters);
export const or = (...filters: ODataFilter[]): ODataFilter => join('or', filters);
export const not = (filter: ODataFilter): ODataFilter => new ODataFilter(`not (${filter.toString()})`);

/** OData v3 argument order: `substringof(needle, haystack)`. */
export const substringof = (needle: string, f: string | FieldRef): ODataFilter =>
  new ODataFilter(`substringof(${literal(needle)}, ${(f instanceof FieldRef ? f : field(f)).text})`);
export const startswith = (f: string | FieldRef, prefix: string): ODataFilter =>
  new ODataFilter(`startswith(${(f instanceof FieldRef ? f : field(f)).text}, ${literal(prefix)})`);
export const endswith = (f: string | FieldRef, suffix: string): ODataFilter =>
  new ODataFilter(`endswith(${(f instanceof FieldRef ? f : field(f)).text}, ${literal(suffix)})`);

/**
 * Wraps filter text an operator wrote in the config file (`poll.filter`). Trusted because the
 * operator already holds the credentials; never pass anything a message sender controls.
 */
export function trustedFilter(text: string): ODataFilter {
  return new ODataFilter(text);
}
