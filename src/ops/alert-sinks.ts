import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Secret } from '../config/secret.js';
import { AcusmsError, coerceError } from '../errors.js';
import type { Alert } from './alert.js';
import type { Clock } from './clock.js';

/** One configured destination. `deliver` throws `AlertSinkError` (or anything) when it failed. */
export interface AlertSink {
  /** `webhook#0`, `slack#2`…: the sink type and its place in `alerts:`; never the URL. */
  readonly name: string;
  readonly type: 'log' | 'webhook' | 'slack' | 'sms';
  /** `id` is the stored alert id: the same on every retry, so a receiver can drop repeats. */
  deliver(alert: Alert, id: string): Promise<void>;
}

/** A sink that did not take the alert; `retryable` false ends the retries at once (e.g. 400). */
export class AlertSinkError extends AcusmsError {
  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super('alert_sink_failed', message, options);
  }
}

/** The HTTP timeout of one webhook or Slack attempt. Slack answers in well under a second. */
export const SINK_TIMEOUT_MS = 10_000;

export const WEBHOOK_SIGNATURE_HEADER = 'x-acusms-signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'x-acusms-timestamp';
export const WEBHOOK_ID_HEADER = 'x-acusms-alert-id';

/**
 * `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`, svix/Stripe style: the timestamp
 * (Unix seconds, also sent as `X-Acusms-Timestamp`) is signed with the body so a receiver can
 * refuse replays older than a few minutes.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The DESIGN.md alert body, keys in contract order. */
export function alertBody(alert: Alert): string {
  const { type, tenant, message, details, at } = alert;
  return JSON.stringify({ type, tenant, message, details, at });
}

export function logSink(logger: Logger, index: number): AlertSink {
  return {
    name: `log#${index}`,
    type: 'log',
    async deliver(alert, id) {
      logger.warn({ alert: { id, ...alert } }, alert.message);
    },
  };
}

interface HttpSinkOptions {
  url: Secret;
  clock: Clock;
  fetch?: typeof fetch;
}

export function webhookSink(options: HttpSinkOptions & { secret?: Secret }, index: number): AlertSink {
  const name = `webhook#${index}`;
  return {
    name,
    type: 'webhook',
    async deliver(alert, id) {
      const body = alertBody(alert);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'acusms-alerts/1',
        [WEBHOOK_ID_HEADER]: id,
      };
      if (options.secret) {
        const timestamp = Math.floor(options.clock.now() / 1000);
        headers[WEBHOOK_TIMESTAMP_HEADER] = String(timestamp);
        headers[WEBHOOK_SIGNATURE_HEADER] = signWebhook(options.secret.reveal(), timestamp, body);
      }
      await post(name, options, headers, body);
    },
  };
}

/** Slack's incoming-webhook message: `text` is the notification fallback, `blocks` the layout. */
export function slackMessage(alert: Alert): { text: string; blocks: unknown[] } {
  const where = alert.tenant === null ? '' : ` (${alert.tenant})`;
  const text = `:rotating_light: *${alert.type}*${where}: ${alert.message}`;
  // A section's text is capped at 3,000 characters by Slack; keep the details well under it.
  const details = JSON.stringify(alert.details, null, 2).slice(0, 2_500);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`${details}\`\`\`` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `acusms · ${alert.at}` }] },
    ],
  };
}

export function slackSink(options: HttpSinkOptions, index: number): AlertSink {
  const name = `slack#${index}`;
  return {
    name,
    type: 'slack',
    async deliver(alert) {
      await post(name, options, { 'content-type': 'application/json' }, JSON.stringify(slackMessage(alert)));
    },
  };
}

/** 408, 425, 429 and 5xx may pass later; any other 4xx will not (a wrong URL stays wrong). */
function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

async function post(
  name: string,
  options: HttpSinkOptions,
  headers: Record<string, string>,
  body: string,
): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(options.url.reveal(), {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(SINK_TIMEOUT_MS),
    });
  } catch (thrown) {
    // Only the error's name and code: undici messages can carry the URL, and the URL is a secret.
    const error = coerceError(thrown);
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    throw new AlertSinkError(
      `${name}: no answer (${error.name}${typeof code === 'string' ? ` ${code}` : ''})`,
      {
        retryable: true,
      },
    );
  }
  await response.body?.cancel().catch(() => undefined);
  if (!response.ok) {
    throw new AlertSinkError(`${name}: answered ${response.status}`, {
      retryable: isRetryableStatus(response.status),
    });
  }
}

export interface DeliveryRetry {
  /** Attempts per sink and alert, the first included. Default 4. */
  attempts: number;
  /** Wait before the second attempt; doubles each time. Default 1,000 ms. */
  baseDelayMs: number;
  /** Cap on one wait. Default 8,000 ms: 4 attempts end within ~7 s, before a CLI exits. */
  maxDelayMs: number;
}

export const deliveryRetryDefaults = {
  attempts: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
} satisfies DeliveryRetry;

/**
 * Delivers in-process with capped exponential backoff. Bounded on purpose: an alert that cannot
 * be delivered within seconds is still in the `alerts` table and the log; an unbounded retry
 * loop would pile up behind a dead sink during exactly the incident it reports.
 * Resolves to the last error, or undefined when delivered; never throws.
 */
export async function deliverWithRetry(
  sink: AlertSink,
  alert: Alert,
  id: string,
  clock: Clock,
  retry: DeliveryRetry = deliveryRetryDefaults,
): Promise<Error | undefined> {
  let last: Error | undefined;
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    try {
      await sink.deliver(alert, id);
      return undefined;
    } catch (thrown) {
      last = coerceError(thrown);
      const retryable = !(last instanceof AcusmsError) || last.retryable;
      if (!retryable || attempt === retry.attempts) break;
      await clock.sleep(Math.min(retry.baseDelayMs * 2 ** (attempt - 1), retry.maxDelayMs));
    }
  }
  return last;
}
