import type { TwilioConfig } from '../config/schema.js';
import type { Clock } from '../ops/clock.js';
import { createTwilioClient, type TwilioClient } from './client.js';

/** The REST client for a tenant's `twilio:` settings (an API key when given, else the auth token). */
export function twilioClientFor(twilio: TwilioConfig, clock?: Clock): TwilioClient {
  return createTwilioClient({
    accountSid: twilio.accountSid,
    auth: twilio.apiKey
      ? { type: 'apiKey', apiKeySid: twilio.apiKey.sid, apiKeySecret: twilio.apiKey.secret }
      : { type: 'authToken', authToken: twilio.authToken },
    baseUrl: twilio.baseUrl,
    timeoutMs: twilio.requestTimeoutMs,
    ...(clock ? { clock } : {}),
  });
}
