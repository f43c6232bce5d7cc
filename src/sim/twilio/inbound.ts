import { countSegments } from '../../twilio/segments.js';
import { countryOf, KEYWORD_REPLIES, keywordOf } from './keywords.js';
import { type SimMessage, toResource } from './resource.js';
import type { SimState } from './state.js';
import type { SimWebhookRecord } from './types.js';
import { deliverWebhook } from './webhooks.js';

export interface InjectInboundInput {
  /** The texting person, E.164. */
  from: string;
  /** One of our numbers, E.164. */
  to: string;
  body: string;
  /** Needed only when `to` is not a configured number of any account. Default: the first account. */
  accountSid?: string;
  mediaUrls?: string[];
}

export interface InjectInboundResult {
  message: Record<string, unknown>;
  /** The signed webhook Twilio sent, or null when no inbound URL is configured. */
  webhook: SimWebhookRecord | null;
}

export class InboundError extends Error {}

/**
 * A person texts one of our numbers. Keyword handling happens before the webhook, as at Twilio:
 * the block applies even when the number has no webhook URL (notes §5).
 */
export async function injectInbound(
  state: SimState,
  input: InjectInboundInput,
): Promise<InjectInboundResult> {
  const account =
    (input.accountSid ? state.accounts.find((a) => a.accountSid === input.accountSid) : undefined) ??
    state.accountOfNumber(input.to) ??
    state.accounts[0];
  if (!account) throw new InboundError('no account for the inbound message');
  const service = state.serviceOfNumber(account, input.to);
  const now = state.clock.now();
  const segments = countSegments(input.body).segments;
  const media = input.mediaUrls ?? [];
  const message: SimMessage = {
    seq: state.nextSeq(),
    sid: state.newSid(media.length > 0 ? 'MM' : 'SM'),
    accountSid: account.accountSid,
    messagingServiceSid: service?.sid ?? null,
    body: input.body,
    to: input.to,
    from: input.from,
    direction: 'inbound',
    status: 'received',
    numSegments: segments,
    numMedia: media.length,
    priceMicros: 7900 * segments,
    errorCode: null,
    errorMessage: null,
    createdAt: now,
    updatedAt: now,
    sentAt: now,
    statusCallback: null,
  };
  state.addMessage(message);

  const keyword = keywordOf(input.body);
  if (keyword !== null) {
    const key = `${state.optOutScope(account, { from: input.to, messagingServiceSid: null })}|${input.from}`;
    if (keyword === 'STOP') state.optOuts.add(key);
    if (keyword === 'START') state.optOuts.delete(key);
    state.autoReplies.push({ at: now, from: input.to, to: input.from, body: KEYWORD_REPLIES[keyword] });
    state.changed();
  }

  const url = state.numberConfig(account, input.to)?.inboundUrl ?? service?.inboundUrl ?? state.inboundUrl;
  if (!url) return { message: toResource(message), webhook: null };

  const params: Record<string, string> = {
    ToCountry: countryOf(input.to),
    ToState: '',
    SmsMessageSid: message.sid,
    NumMedia: String(media.length),
    ToCity: '',
    FromZip: '',
    SmsSid: message.sid,
    FromState: '',
    SmsStatus: 'received',
    FromCity: '',
    Body: input.body,
    FromCountry: countryOf(input.from),
    To: input.to,
    ToZip: '',
    NumSegments: String(segments),
    MessageSid: message.sid,
    AccountSid: account.accountSid,
    From: input.from,
    ApiVersion: '2010-04-01',
  };
  if (service) params.MessagingServiceSid = service.sid;
  if (keyword !== null && state.optOutTypeParam) params.OptOutType = keyword;
  media.forEach((mediaUrl, i) => {
    params[`MediaUrl${i}`] = mediaUrl;
    params[`MediaContentType${i}`] = 'image/jpeg';
  });
  const webhook = await state.track(
    deliverWebhook({
      kind: 'inbound',
      url,
      params,
      authToken: account.authToken,
      idempotencyToken: state.newSid(''),
      at: now,
      signal: state.stopController.signal,
    }),
  );
  state.webhooks.push(webhook);
  state.changed();
  return { message: toResource(message), webhook };
}
