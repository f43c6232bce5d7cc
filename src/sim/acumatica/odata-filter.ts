/**
 * The subset of OData v3 `$filter` the contract-based API accepts (notes §2): comparisons,
 * and/or/not, parentheses, string literals with `''` escapes, datetimeoffset/datetime/date/guid
 * literals, numbers, true/false/null, substringof/startswith/endswith, member paths
 * (`MainContact/Email`) and custom fields (`cf.String(f='View.Field')`).
 */
export type FilterLiteral =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'datetime'; value: number }
  | { kind: 'date'; value: string }
  | { kind: 'guid'; value: string };

export type FilterNode =
  | { type: 'literal'; literal: FilterLiteral }
  | { type: 'field'; path: string }
  | { type: 'custom'; cast: string; viewField: string }
  | { type: 'compare'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'; left: FilterNode; right: FilterNode }
  | { type: 'logical'; op: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; operand: FilterNode }
  | { type: 'call'; name: 'substringof' | 'startswith' | 'endswith'; args: FilterNode[] };

export class FilterSyntaxError extends Error {}

type Token =
  | { t: 'lit'; literal: FilterLiteral }
  | { t: 'ident'; value: string }
  | { t: 'punct'; value: '(' | ')' | ',' | '=' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const readQuoted = (): string => {
    // i points at the opening quote; '' inside is an escaped quote.
    let out = '';
    i++;
    for (;;) {
      if (i >= text.length) throw new FilterSyntaxError('unterminated string literal');
      const c = text[i]!;
      if (c === "'") {
        if (text[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        i++;
        return out;
      }
      out += c;
      i++;
    }
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      tokens.push({ t: 'lit', literal: { kind: 'string', value: readQuoted() } });
    } else if ('(),='.includes(c)) {
      tokens.push({ t: 'punct', value: c as '(' | ')' | ',' | '=' });
      i++;
    } else if (/[-\d]/.test(c)) {
      const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?[mMdDfFlL]?/.exec(text.slice(i));
      if (!m) throw new FilterSyntaxError(`bad number at ${i}`);
      tokens.push({
        t: 'lit',
        literal: { kind: 'number', value: Number.parseFloat(m[0].replace(/[mMdDfFlL]$/, '')) },
      });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*(\.[A-Za-z_][A-Za-z0-9_]*)?/.exec(
        text.slice(i),
      )!;
      const word = m[0];
      i += word.length;
      const prefixed =
        ['datetimeoffset', 'datetime', 'date', 'guid'].includes(word.toLowerCase()) && text[i] === "'";
      if (prefixed) {
        tokens.push({ t: 'lit', literal: typedLiteral(word.toLowerCase(), readQuoted()) });
      } else if (word === 'true' || word === 'false') {
        tokens.push({ t: 'lit', literal: { kind: 'boolean', value: word === 'true' } });
      } else if (word === 'null') {
        tokens.push({ t: 'lit', literal: { kind: 'null' } });
      } else {
        tokens.push({ t: 'ident', value: word });
      }
    } else {
      throw new FilterSyntaxError(`unexpected character ${JSON.stringify(c)} at ${i}`);
    }
  }
  return tokens;
}

function typedLiteral(prefix: string, body: string): FilterLiteral {
  if (prefix === 'guid') {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(body)) {
      throw new FilterSyntaxError(`bad guid literal '${body}'`);
    }
    return { kind: 'guid', value: body.toLowerCase() };
  }
  if (prefix === 'date') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(body)) throw new FilterSyntaxError(`bad date literal '${body}'`);
    return { kind: 'date', value: body };
  }
  const ms = Date.parse(body);
  if (Number.isNaN(ms)) throw new FilterSyntaxError(`bad ${prefix} literal '${body}'`);
  return { kind: 'datetime', value: ms };
}

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['substringof', 'startswith', 'endswith']);

export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (w: string) => {
    const t = peek();
    return t?.t === 'ident' && t.value === w;
  };
  const expect = (p: string) => {
    const t = tokens[pos++];
    if (t?.t !== 'punct' || t.value !== p) throw new FilterSyntaxError(`expected "${p}"`);
  };

  const parseOr = (): FilterNode => {
    let left = parseAnd();
    while (isWord('or')) {
      pos++;
      left = { type: 'logical', op: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterNode => {
    let left = parseUnary();
    while (isWord('and')) {
      pos++;
      left = { type: 'logical', op: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterNode => {
    if (isWord('not')) {
      pos++;
      return { type: 'not', operand: parseUnary() };
    }
    const left = parsePrimary();
    const t = peek();
    if (t?.t === 'ident' && COMPARISONS.has(t.value)) {
      pos++;
      return { type: 'compare', op: t.value as 'eq', left, right: parsePrimary() };
    }
    return left;
  };
  const parsePrimary = (): FilterNode => {
    const t = tokens[pos++];
    if (!t) throw new FilterSyntaxError('unexpected end of filter');
    if (t.t === 'punct' && t.value === '(') {
      const inner = parseOr();
      expect(')');
      return inner;
    }
    if (t.t === 'lit') return { type: 'literal', literal: t.literal };
    if (t.t !== 'ident') throw new FilterSyntaxError(`unexpected "${t.value}"`);
    if (FUNCTIONS.has(t.value)) {
      expect('(');
      const args = [parseOr()];
      expect(',');
      args.push(parseOr());
      expect(')');
      return { type: 'call', name: t.value as 'substringof', args };
    }
    const cf = /^cf\.([A-Za-z]+)$/.exec(t.value);
    if (cf) {
      expect('(');
      const f = tokens[pos++];
      if (f?.t !== 'ident' || f.value !== 'f') throw new FilterSyntaxError("expected f='View.Field'");
      expect('=');
      const v = tokens[pos++];
      if (v?.t !== 'lit' || v.literal.kind !== 'string')
        throw new FilterSyntaxError("expected f='View.Field'");
      expect(')');
      return { type: 'custom', cast: cf[1]!, viewField: v.literal.value };
    }
    if (t.value.includes('.')) throw new FilterSyntaxError(`unknown function or field "${t.value}"`);
    return { type: 'field', path: t.value };
  };

  const tree = parseOr();
  if (pos !== tokens.length) throw new FilterSyntaxError('unexpected text after the expression');
  return tree;
}

/** What a field resolves to on a record; `undefined` means the field does not exist. */
export type Resolved =
  | { exists: true; value: string | number | boolean | null; fieldType?: string }
  | { exists: false };

export interface FilterContext {
  field(path: string): Resolved;
  custom(viewField: string): Resolved;
}

type Value = string | number | boolean | null;

function operandOf(node: FilterNode, ctx: FilterContext): { value: Value; datetime?: boolean } {
  switch (node.type) {
    case 'literal': {
      const l = node.literal;
      if (l.kind === 'null') return { value: null };
      if (l.kind === 'datetime') return { value: l.value, datetime: true };
      if (l.kind === 'date') return { value: Date.parse(`${l.value}T00:00:00Z`), datetime: true };
      return { value: l.value };
    }
    case 'field':
    case 'custom': {
      const r = node.type === 'field' ? ctx.field(node.path) : ctx.custom(node.viewField);
      if (!r.exists) {
        throw new FilterSyntaxError(`unknown field ${node.type === 'field' ? node.path : node.viewField}`);
      }
      return { value: r.value };
    }
    default:
      return { value: evaluateFilter(node, ctx) };
  }
}

/** SQL Server's default collation compares case-insensitively; Acumatica inherits that. */
function fold(v: Value): Value {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function compare(
  op: string,
  a: { value: Value; datetime?: boolean },
  b: { value: Value; datetime?: boolean },
) {
  let x = a.value;
  let y = b.value;
  if (a.datetime || b.datetime) {
    x = typeof x === 'string' ? Date.parse(x) : x;
    y = typeof y === 'string' ? Date.parse(y) : y;
  }
  x = fold(x);
  y = fold(y);
  if (op === 'eq') return x === y;
  if (op === 'ne') return x !== y;
  if (x === null || y === null) return false;
  if (op === 'gt') return x > y;
  if (op === 'ge') return x >= y;
  if (op === 'lt') return x < y;
  return x <= y;
}

export function evaluateFilter(node: FilterNode, ctx: FilterContext): boolean {
  switch (node.type) {
    case 'logical':
      return node.op === 'and'
        ? evaluateFilter(node.left, ctx) && evaluateFilter(node.right, ctx)
        : evaluateFilter(node.left, ctx) || evaluateFilter(node.right, ctx);
    case 'not':
      return !evaluateFilter(node.operand, ctx);
    case 'compare':
      return compare(node.op, operandOf(node.left, ctx), operandOf(node.right, ctx));
    case 'call': {
      const [a, b] = node.args.map((n) => fold(operandOf(n, ctx).value));
      if (typeof a !== 'string' || typeof b !== 'string') return false;
      if (node.name === 'substringof') return b.includes(a);
      if (node.name === 'startswith') return a.startsWith(b);
      return a.endsWith(b);
    }
    case 'literal':
      return node.literal.kind === 'boolean' && node.literal.value;
    case 'field':
    case 'custom':
      return operandOf(node, ctx).value === true;
    default: {
      const never: never = node;
      throw new FilterSyntaxError(`cannot evaluate ${JSON.stringify(never)}`);
    }
  }
}
