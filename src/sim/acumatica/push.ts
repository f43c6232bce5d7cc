/**
 * Sends an Acumatica push notification the way SM302000 does (notes §6): a JSON POST with the
 * one configured header, no signature, resent up to 5 times while the receiver answers an error.
 */
export interface PushOptions {
  url: string;
  /** Header Name on SM302000, e.g. `X-Api-Key`. */
  header?: string;
  /** Header Value. */
  secret?: string;
  /** The generic inquiry name. */
  query: string;
  inserted?: Array<Record<string, unknown>>;
  deleted?: Array<Record<string, unknown>>;
  companyId?: string;
  /** Transaction id (dedup key); a fresh UUID by default. Pass the same one to simulate a resend. */
  id?: string;
  /** Default 5 (Acumatica's limit). */
  attempts?: number;
  /** Pause between attempts. Default 0: the tests need the count, not the wait. */
  retryDelayMs?: number;
  now?: number;
}

export interface PushResult {
  delivered: boolean;
  attempts: number;
  statuses: Array<number | 'network'>;
  id: string;
}

/** .NET ticks (100 ns since 0001-01-01): Acumatica's `TimeStamp`. Larger than 2^53, so kept exact as text. */
export function ticksOf(ms: number): string {
  return ((BigInt(ms) + 62_135_596_800_000n) * 10_000n).toString();
}

export async function sendPush(options: PushOptions): Promise<PushResult> {
  const id = options.id ?? crypto.randomUUID();
  const now = options.now ?? Date.now();
  const payload = JSON.stringify({
    Inserted: options.inserted ?? [],
    Deleted: options.deleted ?? [],
    Query: options.query,
    CompanyId: options.companyId ?? 'Company',
    Id: id,
    TimeStamp: '__TICKS__',
    AdditionalInfo: {
      PXPerformanceInfoStartTime: new Date(now).toLocaleString('en-US', { timeZone: 'UTC', hour12: false }),
    },
  }).replace('"__TICKS__"', ticksOf(now));
  const statuses: PushResult['statuses'] = [];
  const max = options.attempts ?? 5;
  for (let attempt = 1; attempt <= max; attempt++) {
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.header ? { [options.header]: options.secret ?? '' } : {}),
        },
        body: payload,
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer();
      statuses.push(res.status);
      if (res.ok) return { delivered: true, attempts: attempt, statuses, id };
    } catch {
      statuses.push('network');
    }
    if (attempt < max && options.retryDelayMs) await new Promise((r) => setTimeout(r, options.retryDelayMs));
  }
  return { delivered: false, attempts: max, statuses, id };
}
