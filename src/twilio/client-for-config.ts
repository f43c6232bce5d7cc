import type { TwilioConfig } from '../config/schema.js';
import type { Clock } from '../ops/clock.js';
import type { RateLimitStore, SemaphoreStore } from '../ops/rate-limit.js';
import { createTwilioClient, type TwilioClient } from './client.js';
import { createTwilioPacer, type TwilioPacer } from './pacing.js';

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

export interface PacedSenderOptions {
  rateLimits: RateLimitStore;
  semaphores: SemaphoreStore;
  clock: Clock;
  /** Distinct per process, so concurrency slots of a dead instance expire on their own. */
  instanceId: string;
}

/** Client, shared pacer and sender parameters (`From` or Messaging Service) for one tenant. */
export function pacedSenderFor(
  twilio: TwilioConfig,
  options: PacedSenderOptions,
): { client: TwilioClient; pacer: TwilioPacer; sender: { from: string } | { messagingServiceSid: string } } {
  return {
    client: twilioClientFor(twilio, options.clock),
    pacer: createTwilioPacer({
      rateLimits: options.rateLimits,
      semaphores: options.semaphores,
      clock: options.clock,
      maxConcurrent: twilio.maxConcurrent,
      accountKey: twilio.accountSid,
      instanceId: options.instanceId,
    }),
    sender:
      twilio.sender.type === 'from'
        ? { from: twilio.sender.from }
        : { messagingServiceSid: twilio.sender.messagingServiceSid },
  };
}
