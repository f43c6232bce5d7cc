import { type Clock, systemClock } from '../ops/clock.js';
import type { CreateMessageParams, TwilioClient } from './client.js';
import { type AttemptWindow, isAmbiguousError, isTwilioApiError, TwilioApiError } from './errors.js';
import type { TwilioPacer } from './pacing.js';
import { parseTwilioDate, type TwilioMessage } from './schemas.js';
import { countSegments } from './segments.js';

/**
 * One logical send ⇒ at most one Twilio message. The Messages API has no idempotency key
 * (notes §8.3), so after a create whose outcome is unknown (5xx, timeout, reset) we list recent
 * messages to the same `To` and adopt a match instead of sending again. If nothing matches we
 * report a retryable `ambiguous` error carrying every unresolved attempt. Whenever a thrown
 * `TwilioApiError` has non-empty `attempts`, the caller stores them with the job and passes them
 * back as `priorAttempts`, so the next attempt looks up again *before* creating.
 *
 * A match is: outbound-api, same To, same Body, same From / Messaging Service, created between
 * the first unresolved attempt and the last one (± `clockSkewMs` for the difference between our
 * clock and Twilio's), and not already claimed by another ledger row (`isClaimed`), so two
 * logical sends with the same text to the same person within minutes are not merged.
 */
export interface SendMessageOptions {
  signal?: AbortSignal;
  clock?: Clock;
  /** Attempts of this same logical send whose outcome is unknown (from `error.attempts`). */
  priorAttempts?: readonly AttemptWindow[];
  /** Pace and concurrency for the create and lookups; omitted ⇒ no limiting here. */
  pacing?: { pacer: TwilioPacer; mps: number };
  /** Tolerated difference between our clock and Twilio's. Default 120,000 ms. */
  clockSkewMs?: number;
  /** Most messages to scan per lookup, newest first. Default 200. */
  maxLookupMessages?: number;
  /** Wait suggested before the next attempt when nothing was found. Default 15,000 ms. */
  notFoundRetryAfterMs?: number;
  /** True when `sid` already belongs to another logical send (ledger check). */
  isClaimed?: (sid: string) => boolean | Promise<boolean>;
}

export const sendMessageDefaults = {
  clockSkewMs: 120_000,
  maxLookupMessages: 200,
  notFoundRetryAfterMs: 15_000,
} satisfies Partial<SendMessageOptions>;

export interface SendMessageResult {
  message: TwilioMessage;
  /** `lookup` when an earlier, ambiguous attempt turned out to have created the message. */
  resolvedBy: 'create' | 'lookup';
}

export async function sendMessage(
  client: TwilioClient,
  params: CreateMessageParams,
  options: SendMessageOptions = {},
): Promise<SendMessageResult> {
  const clock = options.clock ?? systemClock;
  const signal = options.signal;
  const prior = options.priorAttempts ?? [];

  if (prior.length > 0) {
    let found: TwilioMessage | undefined;
    try {
      found = await lookUp(client, params, prior, options, clock);
    } catch (error) {
      throw carryAttempts(error, prior);
    }
    if (found) return { message: found, resolvedBy: 'lookup' };
  }

  const startedAtMs = clock.now();
  try {
    const create = () => client.createMessage(params, signal ? { signal } : {});
    const message = options.pacing
      ? await options.pacing.pacer.paced(
          {
            senderKey: params.from ?? params.messagingServiceSid ?? '',
            mps: options.pacing.mps,
            segments: countSegments(params.body ?? '').segments,
            ...(signal ? { signal } : {}),
          },
          create,
        )
      : await create();
    return { message, resolvedBy: 'create' };
  } catch (error) {
    if (!isAmbiguousError(error)) throw carryAttempts(error, prior);
    const attempts = [...prior, { startedAtMs, endedAtMs: clock.now() }];
    let found: TwilioMessage | undefined;
    try {
      found = await lookUp(client, params, attempts, options, clock);
    } catch (lookupError) {
      throw new TwilioApiError(`Message create outcome unknown and the lookup failed: ${error.message}`, {
        kind: 'ambiguous',
        status: error.status,
        attempts,
        cause: lookupError,
      });
    }
    if (found) return { message: found, resolvedBy: 'lookup' };
    throw new TwilioApiError(
      `Message create outcome unknown and no matching message found: ${error.message}`,
      {
        kind: 'ambiguous',
        status: error.status,
        twilioCode: error.twilioCode,
        attempts,
        retryAfterMs: Math.max(
          error.retryAfterMs ?? 0,
          options.notFoundRetryAfterMs ?? sendMessageDefaults.notFoundRetryAfterMs,
        ),
        cause: error,
      },
    );
  }
}

/**
 * Any failure after an unresolved attempt must keep that attempt: if a 429 on the next create
 * dropped it, the attempt after would create without looking up first.
 */
function carryAttempts(error: unknown, attempts: readonly AttemptWindow[]): unknown {
  if (attempts.length === 0) return error;
  if (isTwilioApiError(error)) {
    if (error.attempts.length > 0) return error;
    return new TwilioApiError(error.message, {
      kind: error.kind,
      status: error.status,
      twilioCode: error.twilioCode,
      moreInfo: error.moreInfo,
      attempts,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      cause: error,
    });
  }
  // Not a Twilio answer (e.g. the caller aborted): still ambiguous as far as the next attempt knows.
  return new TwilioApiError(`Send interrupted: ${error instanceof Error ? error.message : String(error)}`, {
    kind: 'ambiguous',
    status: 0,
    attempts,
    cause: error,
  });
}

/** The oldest unclaimed message that matches the logical send, or undefined. */
export async function lookUp(
  client: TwilioClient,
  params: CreateMessageParams,
  attempts: readonly AttemptWindow[],
  options: SendMessageOptions,
  clock: Clock = systemClock,
): Promise<TwilioMessage | undefined> {
  const skew = options.clockSkewMs ?? sendMessageDefaults.clockSkewMs;
  const max = options.maxLookupMessages ?? sendMessageDefaults.maxLookupMessages;
  const from = Math.min(...attempts.map((a) => a.startedAtMs)) - skew;
  const until = Math.max(clock.now(), ...attempts.map((a) => a.endedAtMs)) + skew;
  const signal = options.signal;

  const scan = async (): Promise<TwilioMessage[]> => {
    const matches: TwilioMessage[] = [];
    let seen = 0;
    // No DateSent filter: a message still queued has no date_sent and would be filtered out.
    const filter = {
      to: params.to,
      pageSize: Math.min(max, 100),
      ...(params.from ? { from: params.from } : {}),
    };
    for await (const m of client.listMessages(filter, signal ? { signal } : {})) {
      if (++seen > max) break;
      const sent = parseTwilioDate(m.date_sent);
      // Newest first by DateSent: once a sent message predates the window, the rest do too.
      if (sent !== null && sent < from) break;
      const created = parseTwilioDate(m.date_created) ?? sent;
      if (created === null || created < from || created > until) continue;
      if (!matchesSend(m, params)) continue;
      matches.push(m);
    }
    return matches;
  };
  const matches = options.pacing ? await options.pacing.pacer.withApiSlot(scan, signal) : await scan();
  // Oldest first: if duplicates ever existed, the first one is the one to keep.
  matches.sort((a, b) => (parseTwilioDate(a.date_created) ?? 0) - (parseTwilioDate(b.date_created) ?? 0));
  for (const m of matches) if (!(await options.isClaimed?.(m.sid))) return m;
  return undefined;
}

function matchesSend(m: TwilioMessage, params: CreateMessageParams): boolean {
  if (m.direction !== null && m.direction !== 'outbound-api') return false;
  if (m.to !== params.to) return false;
  if ((m.body ?? '') !== (params.body ?? '')) return false;
  if (params.messagingServiceSid !== undefined && m.messaging_service_sid !== params.messagingServiceSid) {
    return false;
  }
  if (params.from !== undefined && m.from !== params.from) return false;
  return true;
}
