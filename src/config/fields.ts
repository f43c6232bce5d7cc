import { z } from 'zod';
import { parseDurationMs } from './duration.js';
import { Secret } from './secret.js';

/*
 * Field types the config schema is built from. Each one words its errors for an operator
 * editing YAML (quote this, add a unit) rather than for a programmer.
 */

/** `${PORT}` interpolates to the string "8080"; numeric text is read as a number. */
export function numberFromText(value: unknown): unknown {
  return typeof value === 'string' && /^\s*-?\d+(?:\.\d+)?\s*$/.test(value) ? Number(value) : value;
}

export function booleanFromText(value: unknown): unknown {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
}

export const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(numberFromText, z.number().int('expected a whole number').min(min).max(max));

export const positiveNumber = () => z.preprocess(numberFromText, z.number().positive());

export const boolean = () => z.preprocess(booleanFromText, z.boolean());

export const text = () => z.string().trim().min(1, 'must not be empty');

/** A credential. YAML reads unquoted digits as a number, so ask for quotes instead of guessing. */
export const secret = () =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? 'required' : 'expected a string (quote the value)'),
    })
    .min(1, 'must not be empty')
    .transform((value) => new Secret(value));

export const duration = () =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'required'
          : typeof issue.input === 'number'
            ? `add a unit: "${issue.input}s", "${issue.input}m" or "${issue.input}h"`
            : 'expected a duration such as 30s, 15m, 1h or 1h30m',
    })
    .transform((value, ctx) => {
      const ms = parseDurationMs(value);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({
          code: 'custom',
          message: `"${value}" is not a duration such as 30s, 15m, 1h or 1h30m`,
        });
        return z.NEVER;
      }
      return ms;
    });

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Trailing slashes are dropped so callers can append `/path` without doubling it. */
export const httpUrl = () =>
  z
    .string()
    .refine(isHttpUrl, 'expected an http(s) URL')
    .transform((value) => value.replace(/\/+$/, ''));

/** Webhook and Slack URLs carry their own bearer capability, so they are secrets too. */
export const secretHttpUrl = () =>
  z
    .string()
    .refine(isHttpUrl, 'expected an http(s) URL')
    .transform((value) => new Secret(value));

export const E164 = /^\+[1-9]\d{1,14}$/;
export const e164 = () =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? 'required'
          : 'expected a phone number in quotes, e.g. "+13125550100" (YAML reads +1… as a number)',
    })
    .regex(E164, 'expected an E.164 phone number such as +13125550100');

export const sid = (prefix: string, what: string) =>
  z
    .string()
    .regex(
      new RegExp(`^${prefix}[0-9a-fA-F]{32}$`),
      `expected a ${what}: ${prefix} followed by 32 hex digits`,
    );

export const slug = () =>
  z
    .string()
    .regex(
      /^[a-z0-9](?:[a-z0-9-]{0,62})$/,
      'expected a slug: lowercase letters, digits and dashes, up to 63',
    );

export const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
export const clock = () => z.string().regex(HH_MM, 'expected a local time "HH:MM" (24-hour)');

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Run a cross-field refinement even when a sibling field failed, so every problem is reported. */
export const always = { when: (payload: { value: unknown }) => isRecord(payload.value) };
