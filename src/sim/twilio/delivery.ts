import { ERROR_MESSAGES, type SimMessage } from './resource.js';
import type { SimState } from './state.js';
import type { SimAccount } from './types.js';
import { deliverWebhook } from './webhooks.js';

/**
 * The life of an outbound message after create, following the outbound status guide (notes §1.6):
 * no callback for the initial status; `accepted` → `queued` (Messaging Service); then at the
 * sender's pace `sent` or `failed`; then `delivered` or `undelivered` after `deliveryDelayMs`.
 * Each sender number drains one queue at its `mps` in segments per second, so a 3-segment
 * message from a 1-mps long code leaves the next one 3 s later.
 */

/** US long-code SMS price per segment, in micro-dollars (the spec's example shows -0.00750/-0.00790). */
const PRICE_PER_SEGMENT_MICROS = 7900;

export function queueBacklogMs(state: SimState, from: string): number {
  return Math.max(0, (state.senderFreeAt.get(from) ?? 0) - state.clock.now());
}

function setStatus(state: SimState, m: SimMessage, status: string): void {
  m.status = status;
  m.updatedAt = state.clock.now();
  state.changed();
}

function statusCallbackUrl(account: SimAccount, m: SimMessage): string | null {
  if (m.statusCallback) return m.statusCallback; // an empty StatusCallback means none
  const service = m.messagingServiceSid
    ? account.messagingServices?.find((s) => s.sid === m.messagingServiceSid)
    : undefined;
  return service?.statusCallback || null;
}

function callbackParams(m: SimMessage): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: m.accountSid,
    ApiVersion: '2010-04-01',
    From: m.from ?? '',
    MessageSid: m.sid,
    MessageStatus: m.status,
    SmsSid: m.sid,
    SmsStatus: m.status,
    To: m.to,
  };
  if (m.messagingServiceSid) params.MessagingServiceSid = m.messagingServiceSid;
  if (m.errorCode !== null) params.ErrorCode = String(m.errorCode);
  if (m.status === 'delivered' || m.status === 'undelivered') {
    // YYMMDDhhmm, the carrier's DLR done date.
    params.RawDlrDoneDate = new Date(m.updatedAt).toISOString().replace(/\D/g, '').slice(2, 12);
  }
  return params;
}

/** Callbacks of one message go out one after another, in order, unless the reorder knob fires. */
class CallbackChain {
  #tail: Promise<unknown> = Promise.resolve();
  #held: Record<string, string> | null = null;

  constructor(
    private readonly state: SimState,
    private readonly account: SimAccount,
    private readonly m: SimMessage,
    private readonly reorder: boolean,
  ) {}

  emit(): void {
    const url = statusCallbackUrl(this.account, this.m);
    if (url === null) return;
    const params = callbackParams(this.m);
    if (this.reorder && params.MessageStatus === 'sent') {
      this.#held = params;
      return;
    }
    this.#send(url, params);
    if (this.#held && params.MessageStatus !== 'queued') {
      this.#send(url, this.#held);
      this.#held = null;
    }
  }

  #send(url: string, params: Record<string, string>): void {
    const { state } = this;
    const times = state.chance(state.faults.callbackDuplicateRate) ? 2 : 1;
    for (let i = 0; i < times; i++) {
      // A duplicate is a separate delivery, as Twilio retries are: same params, new token.
      const token = state.newSid('');
      this.#tail = state.track(
        this.#tail.then(async () => {
          const record = await deliverWebhook({
            kind: 'status',
            url,
            params,
            authToken: this.account.authToken,
            idempotencyToken: token,
            at: state.clock.now(),
            signal: state.stopController.signal,
          });
          state.webhooks.push(record);
          state.changed();
        }),
      );
    }
  }
}

/** Puts a just-created outbound message on its sender's queue and schedules its statuses. */
export function startDelivery(
  state: SimState,
  account: SimAccount,
  m: SimMessage,
  segments: number,
  /** The sending number; for a Messaging Service, the one picked from its pool (null if none). */
  sender: string | null,
): void {
  const chain = new CallbackChain(state, account, m, state.chance(state.faults.callbackReorderRate));
  const now = state.clock.now();
  if (m.status === 'accepted') {
    // Messaging Service: a sender is picked and the message queued at once (callback `queued`).
    state.schedule(now, () => {
      m.from = sender;
      m.numSegments = segments;
      setStatus(state, m, 'queued');
      chain.emit();
    });
  }
  const queueKey = sender ?? m.messagingServiceSid ?? '';
  const mps = sender ? state.mpsOf(account, sender) : state.defaultMps;
  const sendAt = Math.max(now, state.senderFreeAt.get(queueKey) ?? now);
  state.senderFreeAt.set(queueKey, sendAt + (segments * 1000) / mps);
  const failing = state.failingNumbers.get(m.to);

  state.schedule(sendAt, () => {
    if (failing?.status === 'failed') {
      m.errorCode = failing.errorCode;
      m.errorMessage = ERROR_MESSAGES[failing.errorCode] ?? 'Unknown error';
      setStatus(state, m, 'failed');
      chain.emit();
      return;
    }
    m.sentAt = state.clock.now();
    m.priceMicros = PRICE_PER_SEGMENT_MICROS * m.numSegments;
    setStatus(state, m, 'sent');
    chain.emit();
    state.schedule(m.sentAt + state.deliveryDelayMs, () => {
      if (failing) {
        m.errorCode = failing.errorCode;
        m.errorMessage = ERROR_MESSAGES[failing.errorCode] ?? 'Unknown error';
        setStatus(state, m, 'undelivered');
      } else {
        setStatus(state, m, 'delivered');
      }
      chain.emit();
    });
  });
}
