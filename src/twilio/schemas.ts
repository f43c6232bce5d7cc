import { z } from 'zod';

/**
 * Twilio responses parsed once at the edge. Field names stay snake_case as in the OpenAPI spec
 * (`api.v2010.account.message`) so a reader can check them against it line by line. Every field
 * the spec lists is nullable there; unknown fields are kept (`looseObject`) because Twilio adds
 * fields without notice.
 */
const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
const nullableInt = z
  .number()
  .int()
  .nullish()
  .transform((v) => v ?? null);

/** Known values of `message_enum_status` (spec). Kept as strings: Twilio adds values. */
export const MESSAGE_STATUSES = [
  'queued',
  'sending',
  'sent',
  'failed',
  'delivered',
  'undelivered',
  'receiving',
  'received',
  'accepted',
  'scheduled',
  'read',
  'partially_delivered',
  'canceled',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const MESSAGE_DIRECTIONS = ['inbound', 'outbound-api', 'outbound-call', 'outbound-reply'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

export const twilioMessageSchema = z.looseObject({
  // The spec marks `sid` nullable too, but a message without a SID cannot be tracked or looked
  // up again, so such a response is treated as invalid rather than carried through as null.
  sid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  account_sid: nullableString,
  messaging_service_sid: nullableString,
  api_version: nullableString,
  body: nullableString,
  to: nullableString,
  from: nullableString,
  direction: nullableString,
  status: nullableString,
  /** A string in the spec ("0" at first for Messaging Service sends). */
  num_segments: nullableString,
  num_media: nullableString,
  price: nullableString,
  price_unit: nullableString,
  error_code: nullableInt,
  error_message: nullableString,
  /** RFC 2822, e.g. `Thu, 24 Aug 2023 05:01:45 +0000`. */
  date_created: nullableString,
  date_updated: nullableString,
  date_sent: nullableString,
  uri: nullableString,
  subresource_uris: z
    .record(z.string(), z.string())
    .nullish()
    .transform((v) => v ?? null),
});
export type TwilioMessage = z.infer<typeof twilioMessageSchema>;

/** `ListMessageResponse` in the spec. */
export const messagePageSchema = z.looseObject({
  messages: z.array(twilioMessageSchema),
  page: z.number().int(),
  page_size: z.number().int(),
  start: z.number().int(),
  end: z.number().int(),
  uri: z.string(),
  first_page_uri: z.string(),
  next_page_uri: nullableString,
  previous_page_uri: nullableString,
});
export type MessagePage = z.infer<typeof messagePageSchema>;

/** `api.v2010.account`, the fields the doctor reads. */
export const twilioAccountSchema = z.looseObject({
  sid: z.string(),
  friendly_name: nullableString,
  status: nullableString,
  type: nullableString,
});
export type TwilioAccount = z.infer<typeof twilioAccountSchema>;

export const incomingNumberPageSchema = z.looseObject({
  incoming_phone_numbers: z.array(
    z.looseObject({
      sid: z.string(),
      phone_number: nullableString,
      capabilities: z.record(z.string(), z.unknown()).nullish(),
    }),
  ),
});

/** Twilio's exception body (twilio-notes.md §2.1): `code` and `more_info` may be missing. */
export const twilioErrorBodySchema = z.looseObject({
  status: z.number().int().optional(),
  message: z.string().optional(),
  code: z.number().int().nullish(),
  more_info: z.string().nullish(),
});

/** RFC 2822 date string → epoch ms, or null when absent or unparseable. */
export function parseTwilioDate(value: string | null): number | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
