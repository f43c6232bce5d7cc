import type { ConfigIssue } from './errors.js';
import { formatPath } from './errors.js';

/*
 * `${NAME}` and `${NAME:-default}` in any string value, whole or embedded; `$${…}` is a literal
 * `${…}`. Interpolation runs on the parsed tree, not on the text, so a value containing `:` or
 * `#` cannot change the YAML structure and a missing variable is reported at its path.
 */

const REFERENCE = /(\$?)\$\{([^}\n]*)\}/g;
const INNER = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?$/;
/** Text that looks like an attempt at a reference (`${FOO:bar}`), as opposed to `${{Amount}}` in a body. */
const ATTEMPT = /^[A-Za-z_]/;

/**
 * DESIGN.md writes `admin: { token: ${ACUSMS_ADMIN_TOKEN} }`, which is not valid YAML: `{` and
 * `}` are flow indicators. Before parsing, each reference is swapped for an opaque alphanumeric
 * placeholder (valid in every YAML context); `unshield` puts the original text back, and
 * `originalColumn` maps a YAML error position back to the file the user wrote.
 */
export interface ShieldedSource {
  readonly text: string;
  unshield(tree: unknown): unknown;
  originalColumn(line: number, column: number): number;
}

export function shieldReferences(source: string): ShieldedSource {
  let prefix: string;
  do prefix = `ACUSMSENV${Math.random().toString(36).slice(2, 10)}X`;
  while (source.includes(prefix));

  const originals: string[] = [];
  /** Per line (1-based): where a placeholder starts in the shielded text and how much longer it is. */
  const shifts = new Map<number, { at: number; end: number; delta: number }[]>();
  const lines = source.split('\n');
  const shieldedLines = lines.map((line, index) => {
    let delta = 0;
    return line.replace(REFERENCE, (match: string, _escape: string, inner: string, offset: number) => {
      if (!ATTEMPT.test(inner)) return match;
      const placeholder = `${prefix}${originals.length}X`;
      originals.push(match);
      const at = offset + delta;
      const lineShifts = shifts.get(index + 1) ?? [];
      lineShifts.push({ at, end: at + placeholder.length, delta: placeholder.length - match.length });
      shifts.set(index + 1, lineShifts);
      delta += placeholder.length - match.length;
      return placeholder;
    });
  });
  const pattern = new RegExp(`${prefix}(\\d+)X`, 'g');
  const restore = (text: string) => text.replace(pattern, (_, index: string) => originals[Number(index)]!);

  return {
    text: shieldedLines.join('\n'),
    unshield: (tree) => (originals.length === 0 ? tree : mapStrings(tree, restore)),
    originalColumn(line, column) {
      let original = column;
      for (const shift of shifts.get(line) ?? []) {
        if (shift.end <= column - 1) original -= shift.delta;
        else if (shift.at < column - 1) original -= column - 1 - shift.at;
      }
      return original;
    },
  };
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [map(key), mapStrings(item, map)]));
  }
  return value;
}

/**
 * Returns a copy of `tree` with every reference in string values replaced from `env`. Keys are
 * left alone. Problems (unset variable, malformed reference) are appended to `issues`.
 */
export function interpolateEnv(
  tree: unknown,
  env: Readonly<Record<string, string | undefined>>,
  issues: ConfigIssue[],
): unknown {
  const visit = (value: unknown, path: PropertyKey[]): unknown => {
    if (typeof value === 'string')
      return interpolateString(value, env, (message) => issues.push({ path: formatPath(path), message }));
    if (Array.isArray(value)) return value.map((item, index) => visit(item, [...path, index]));
    if (isPlainObject(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, visit(item, [...path, key])]),
      );
    }
    return value;
  };
  return visit(tree, []);
}

export function interpolateString(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  report: (message: string) => void,
): string {
  return text.replace(REFERENCE, (match: string, escapePrefix: string, inner: string) => {
    if (!ATTEMPT.test(inner)) return match;
    if (escapePrefix !== '') return match.slice(1);
    const parsed = INNER.exec(inner);
    if (!parsed) {
      report(`malformed reference ${match}: use \${NAME} or \${NAME:-default}`);
      return match;
    }
    const [, name, fallback] = parsed;
    const value = env[name!];
    // Like the shell's `:-`: an empty variable also takes the default.
    if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
    if (value === undefined) {
      report(`environment variable ${name} is not set`);
      return '';
    }
    return value;
  });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
