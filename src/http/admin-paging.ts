import { z } from 'zod';
import { HttpError } from './errors.js';

/** Page size when the caller gives none, and the most one page may hold. */
export const PAGE_LIMIT = { default: 50, max: 500 } as const;

/** `?limit=` as Fastify hands it over (a string); out of range is a 400, never silently clamped. */
export const limitParam = z.coerce.number().int().min(1).max(PAGE_LIMIT.max).default(PAGE_LIMIT.default);

/** `?cursor=`: opaque to callers; decoded by `decodeCursor` once the route knows its key shape. */
export const cursorParam = z.string().min(1).max(1000).optional();

/**
 * A position in a list ordered by `(created_at desc, …string keys desc)`: the sort key of the
 * last row the caller saw. Keyset paging (rather than OFFSET) keeps each page one index range
 * scan, and rows inserted while a caller pages can neither shift nor duplicate what it sees.
 */
export type Cursor = readonly [createdAt: number, ...keys: string[]];

/** base64url of the JSON key tuple: URL-safe without escaping, and plainly not an offset. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

const badCursor = () => new HttpError(400, 'bad_request', 'cursor: not a cursor this API issued');

/** Decodes a cursor whose key tuple has `keyCount` strings after the timestamp; else 400. */
export function decodeCursor(text: string, keyCount: number): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const shape = z.tuple([
    z.number().int().nonnegative(),
    ...Array.from({ length: keyCount }, () => z.string()),
  ]);
  const result = shape.safeParse(parsed);
  if (!result.success) throw badCursor();
  return result.data as unknown as Cursor;
}

export interface Page<T> {
  items: T[];
  /** null on the last page. */
  nextCursor: string | null;
}

/**
 * Cuts rows fetched with `limit + 1` into one page: the extra row only proves there is a next
 * page, so the cursor points at the last row returned, not at the extra one.
 */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => Cursor,
  toItem: (row: Row) => Item,
): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    items: pageRows.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}

/** Epoch ms as the API shows times: ISO 8601 in UTC. */
export function isoTime(epochMs: number | string): string {
  return new Date(Number(epochMs)).toISOString();
}
