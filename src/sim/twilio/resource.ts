/** The message resource exactly as the spec shapes it (`api.v2010.account.message`). */
export interface SimMessage {
  seq: number;
  sid: string;
  accountSid: string;
  messagingServiceSid: string | null;
  body: string;
  to: string;
  from: string | null;
  direction: 'inbound' | 'outbound-api' | 'outbound-reply';
  status: string;
  numSegments: number;
  numMedia: number;
  priceMicros: number | null;
  errorCode: number | null;
  errorMessage: string | null;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
  statusCallback: string | null;
}

/** RFC 2822 in GMT as Twilio writes it: `Thu, 24 Aug 2023 05:01:45 +0000`. */
export function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** Twilio's price strings: negative for charges, five decimals, e.g. `-0.00790`. */
function price(micros: number | null): string | null {
  return micros === null ? null : (-micros / 1_000_000).toFixed(5);
}

export const ERROR_MESSAGES: Record<number, string> = {
  21610: 'Attempt to send to unsubscribed recipient',
  30001: 'Queue overflow',
  30003: 'Unreachable destination handset',
  30004: 'Message blocked',
  30005: 'Unknown destination handset',
  30006: 'Landline or unreachable carrier',
  30007: 'Message filtered',
  30008: 'Unknown error',
};

export function messageUri(m: SimMessage): string {
  return `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`;
}

export function toResource(m: SimMessage): Record<string, unknown> {
  const base = `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}`;
  return {
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: rfc2822(m.createdAt),
    date_sent: m.sentAt === null ? null : rfc2822(m.sentAt),
    date_updated: rfc2822(m.updatedAt),
    direction: m.direction,
    error_code: m.errorCode,
    error_message: m.errorMessage,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: String(m.numMedia),
    num_segments: String(m.numSegments),
    price: price(m.priceMicros),
    price_unit: m.priceMicros === null ? null : 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${base}/Media.json`, feedback: `${base}/Feedback.json` },
    to: m.to,
    uri: messageUri(m),
  };
}

export function errorBody(status: number, code: number | null, message: string): Record<string, unknown> {
  return code === null
    ? { status, message }
    : { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}
