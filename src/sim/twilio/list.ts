import { type SimMessage, toResource } from './resource.js';

/**
 * `GET …/Messages.json` paging as the spec shapes it. Newest first. Twilio sorts by DateSent;
 * the simulator sorts by creation order, which is the same order except when busy sender queues
 * send messages out of creation order. Page tokens are keyset cursors (`PA` next, `PB` previous)
 * so messages created while a client pages do not shift later pages (the reason the docs say to
 * follow `next_page_uri`).
 */
export class ListQueryError extends Error {}

export interface ListResult {
  body: Record<string, unknown>;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` means the whole GMT day; anything else is parsed as a date-time. */
function parseBound(value: string, edge: 'start' | 'end'): number {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (!Number.isNaN(day)) return edge === 'start' ? day : day + DAY_MS - 1;
  const at = Date.parse(value.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T'));
  if (Number.isNaN(at)) throw new ListQueryError(`Invalid DateSent value: ${value}`);
  return at;
}

function encodeToken(direction: 'PA' | 'PB', seq: number): string {
  return `${direction}${seq.toString(16).padStart(32, '0')}`;
}

function decodeToken(token: string): { direction: 'PA' | 'PB'; seq: number } {
  const m = /^(PA|PB)([0-9a-f]{32})$/.exec(token);
  if (!m) throw new ListQueryError(`Invalid PageToken: ${token}`);
  return { direction: m[1] as 'PA' | 'PB', seq: Number.parseInt(m[2] as string, 16) };
}

export function listMessages(
  accountSid: string,
  all: readonly SimMessage[],
  query: Record<string, string>,
): ListResult {
  const pageSize = query.PageSize === undefined ? 50 : Number(query.PageSize);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw new ListQueryError('PageSize must be an integer from 1 to 1000');
  }
  const page = query.Page === undefined ? 0 : Number(query.Page);
  if (!Number.isInteger(page) || page < 0) throw new ListQueryError('Page must be a non-negative integer');
  const after = query['DateSent>'] === undefined ? null : parseBound(query['DateSent>'], 'start');
  const before = query['DateSent<'] === undefined ? null : parseBound(query['DateSent<'], 'end');
  const onDay = query.DateSent === undefined ? null : parseBound(query.DateSent, 'start');

  const matching = all
    .filter((m) => {
      if (m.accountSid !== accountSid) return false;
      if (query.To !== undefined && m.to !== query.To) return false;
      if (query.From !== undefined && m.from !== query.From) return false;
      // A message not sent yet has no date_sent and so matches no DateSent filter.
      if (after !== null && (m.sentAt === null || m.sentAt < after)) return false;
      if (before !== null && (m.sentAt === null || m.sentAt > before)) return false;
      if (onDay !== null && (m.sentAt === null || m.sentAt < onDay || m.sentAt >= onDay + DAY_MS))
        return false;
      return true;
    })
    .sort((a, b) => b.seq - a.seq);

  let items: SimMessage[];
  if (query.PageToken === undefined) {
    items = matching.slice(page * pageSize, page * pageSize + pageSize);
  } else {
    const token = decodeToken(query.PageToken);
    items =
      token.direction === 'PA'
        ? matching.filter((m) => m.seq < token.seq).slice(0, pageSize)
        : matching.filter((m) => m.seq > token.seq).slice(-pageSize);
  }

  // The filter part of the page URIs, in Twilio's order, without the paging keys.
  const filters = new URLSearchParams();
  for (const key of ['To', 'From', 'DateSent', 'DateSent<', 'DateSent>']) {
    const v = query[key];
    if (v !== undefined) filters.set(key, v);
  }
  const base = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const uri = (p: number, token?: string) => {
    const q = new URLSearchParams(filters);
    q.set('PageSize', String(pageSize));
    q.set('Page', String(p));
    if (token !== undefined) q.set('PageToken', token);
    return `${base}?${q.toString()}`;
  };
  const first = items[0];
  const last = items[items.length - 1];
  const hasNext = last !== undefined && matching.some((m) => m.seq < last.seq);
  const hasPrevious = page > 0 && first !== undefined;
  const start = page * pageSize;
  return {
    body: {
      first_page_uri: uri(0),
      end: start + Math.max(items.length - 1, 0),
      previous_page_uri: hasPrevious ? uri(page - 1, encodeToken('PB', first.seq)) : null,
      messages: items.map(toResource),
      uri: uri(page, query.PageToken),
      page_size: pageSize,
      start,
      next_page_uri: hasNext ? uri(page + 1, encodeToken('PA', last.seq)) : null,
      page,
    },
  };
}
