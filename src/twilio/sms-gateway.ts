import type { TwilioConfig } from '../config/schema.js';
import type { SmsGateway, SmsRecord } from '../flows/ports.js';
import type { TwilioClient } from './client.js';
import { type PacedSenderOptions, pacedSenderFor } from './client-for-config.js';
import { parseTwilioDate, type TwilioMessage } from './schemas.js';
import { countSegments } from './segments.js';
import { sendMessage } from './send.js';

export interface SmsGatewayOptions extends PacedSenderOptions {
  twilio: TwilioConfig;
}

/** The flows' `SmsGateway` over the Twilio REST client, the shared pacer and the ambiguity lookup. */
export function createSmsGateway(options: SmsGatewayOptions): SmsGateway & { client: TwilioClient } {
  const { twilio, clock } = options;
  const { client, pacer, sender } = pacedSenderFor(twilio, options);
  return {
    client,
    async listPage(query) {
      const callOptions = query.signal ? { signal: query.signal } : {};
      const page = await client.listMessagePage(
        query.pageUri
          ? { pageUri: query.pageUri }
          : {
              ...(query.dateSentAfter ? { dateSentAfter: query.dateSentAfter } : {}),
              dateSentBefore: query.dateSentBefore,
              pageSize: query.pageSize,
            },
        callOptions,
      );
      return { messages: page.messages.map(toSmsRecord), nextPageUri: page.next_page_uri };
    },
    async send(request) {
      const { message } = await sendMessage(
        client,
        { to: request.to, body: request.body, statusCallback: request.statusCallbackUrl, ...sender },
        {
          clock,
          pacing: { pacer, mps: twilio.mps },
          isClaimed: request.isClaimed,
          ...(request.signal ? { signal: request.signal } : {}),
          ...(request.unresolvedSinceMs !== null
            ? { priorAttempts: [{ startedAtMs: request.unresolvedSinceMs, endedAtMs: clock.now() }] }
            : {}),
        },
      );
      if (!message.sid) throw new Error('Twilio answered without a MessageSid');
      return {
        sid: message.sid,
        status: message.status ?? 'queued',
        from: message.from ?? null,
        segments: Number(message.num_segments) || countSegments(request.body).segments,
      };
    },
  };
}

/** Twilio's resource (strings everywhere) as the flows' `SmsRecord`. */
export function toSmsRecord(m: TwilioMessage): SmsRecord {
  const segments = m.num_segments === null ? Number.NaN : Number(m.num_segments);
  return {
    sid: m.sid,
    direction: m.direction ?? 'outbound-api',
    from: m.from,
    to: m.to,
    body: m.body ?? '',
    status: m.status ?? 'unknown',
    errorCode: m.error_code,
    segments: Number.isFinite(segments) ? segments : null,
    price: m.price,
    priceUnit: m.price_unit,
    dateCreatedMs: parseTwilioDate(m.date_created),
    dateSentMs: parseTwilioDate(m.date_sent),
  };
}
