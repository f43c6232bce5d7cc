import { signTwilioRequest, stripFragment } from '../../twilio/signature.js';
import type { SimWebhookRecord } from './types.js';

/**
 * Sends one webhook the way Twilio does: form-encoded POST, `X-Twilio-Signature` over the URL
 * without its fragment, and retries only as the URL's connection overrides allow
 * (`#rc=3&rp=all`; defaults rc=1, rp=ct: one retry, only on connect failure — notes §3.5).
 */
export interface ConnectionOverrides {
  retryCount: number;
  retryPolicy: Set<string>;
  readTimeoutMs: number;
}

export function parseConnectionOverrides(url: string): ConnectionOverrides {
  const hash = url.indexOf('#');
  const fragment = new URLSearchParams(hash === -1 ? '' : url.slice(hash + 1));
  const rc = Number(fragment.get('rc') ?? '1');
  const rt = Number(fragment.get('rt') ?? '15000');
  return {
    retryCount: Number.isInteger(rc) ? Math.min(Math.max(rc, 0), 5) : 1,
    retryPolicy: new Set((fragment.get('rp') ?? 'ct').split(',').map((s) => s.trim())),
    readTimeoutMs: Number.isFinite(rt) ? Math.min(Math.max(rt, 100), 15_000) : 15_000,
  };
}

type FailureClass = 'ct' | 'rt' | '4xx' | '5xx';

function failureClass(status: number, error: unknown): FailureClass | null {
  if (error !== undefined) {
    return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
      ? 'rt'
      : 'ct';
  }
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  return null;
}

export interface DeliverWebhookInput {
  kind: SimWebhookRecord['kind'];
  url: string;
  params: Record<string, string>;
  authToken: string;
  idempotencyToken: string;
  at: number;
  signal?: AbortSignal;
}

export async function deliverWebhook(input: DeliverWebhookInput): Promise<SimWebhookRecord> {
  const overrides = parseConnectionOverrides(input.url);
  const target = stripFragment(input.url);
  const signature = signTwilioRequest(input.authToken, target, input.params);
  const record: SimWebhookRecord = {
    at: input.at,
    kind: input.kind,
    url: input.url,
    params: input.params,
    signature,
    tries: [],
    responseBody: '',
  };
  for (let attempt = 0; attempt <= overrides.retryCount; attempt++) {
    if (input.signal?.aborted) break;
    let status = 0;
    let error: unknown;
    try {
      const signals = [AbortSignal.timeout(overrides.readTimeoutMs)];
      if (input.signal) signals.push(input.signal);
      const res = await fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature,
          'i-twilio-idempotency-token': input.idempotencyToken,
          'x-home-region': 'us1',
          'user-agent': 'TwilioProxy/1.1',
        },
        body: new URLSearchParams(input.params).toString(),
        signal: AbortSignal.any(signals),
      });
      status = res.status;
      record.responseBody = await res.text();
    } catch (e) {
      error = e;
    }
    record.tries.push(status);
    const failure = failureClass(status, error);
    if (failure === null) break;
    if (!overrides.retryPolicy.has('all') && !overrides.retryPolicy.has(failure)) break;
  }
  return record;
}
