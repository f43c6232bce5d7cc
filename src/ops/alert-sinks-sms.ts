import type { Config, TwilioConfig } from '../config/schema.js';
import { pacedSenderFor } from '../twilio/client-for-config.js';
import { isAmbiguousError, isTwilioApiError } from '../twilio/errors.js';
import { sendMessage } from '../twilio/send.js';
import type { Alert } from './alert.js';
import { type AlertSink, AlertSinkError } from './alert-sinks.js';
import type { Clock } from './clock.js';
import type { RateLimitStore, SemaphoreStore } from './rate-limit.js';

/** How an on-call text leaves: one SMS from the tenant's Twilio sender. */
export interface SmsAlertTransport {
  send(tenant: string, to: string, body: string): Promise<void>;
}

/** One GSM-7 segment: an on-call text should cost one message and fit a lock screen. */
const SMS_ALERT_MAX_CHARS = 160;

export function smsAlertText(alert: Alert): string {
  const where = alert.tenant === null ? '' : ` ${alert.tenant}`;
  const text = `acusms ${alert.type}${where}: ${alert.message}`;
  return text.length <= SMS_ALERT_MAX_CHARS ? text : `${text.slice(0, SMS_ALERT_MAX_CHARS - 1)}…`;
}

/**
 * Texts every on-call number. Deliberately not through the outbound flow: on-call staff get
 * paged at 3 AM (no quiet hours), an on-call STOP in the opt-out list must not mute alerts, and
 * alert texts stay out of the message ledger and the CRM timeline.
 */
export function smsSink(
  options: { tenant: string; to: readonly string[]; transport: SmsAlertTransport },
  index: number,
): AlertSink {
  const name = `sms#${index}`;
  // Per alert id, the numbers not texted yet: a retry only texts those. Bounded (alerts are
  // rare; 100 covers every retry in flight) so alerts that never got through do not pile up.
  const unsent = new Map<string, Set<string>>();
  return {
    name,
    type: 'sms',
    async deliver(alert, id) {
      let pending = unsent.get(id);
      if (!pending) {
        pending = new Set(options.to);
        unsent.set(id, pending);
        if (unsent.size > 100) unsent.delete(unsent.keys().next().value as string);
      }
      const failures: string[] = [];
      let retryable = false;
      for (const to of [...pending]) {
        try {
          await options.transport.send(options.tenant, to, smsAlertText(alert));
          pending.delete(to);
        } catch (error) {
          // An ambiguous create may have gone out: do not page the same person twice.
          if (isAmbiguousError(error)) pending.delete(to);
          else retryable ||= !isTwilioApiError(error) || error.retryable;
          failures.push(
            isTwilioApiError(error)
              ? `${error.code}${error.twilioCode ? ` ${error.twilioCode}` : ''}`
              : 'error',
          );
        }
      }
      if (pending.size === 0) unsent.delete(id);
      if (failures.length > 0) {
        throw new AlertSinkError(
          `${name}: ${failures.length} of ${options.to.length} texts failed (${failures.join(', ')})`,
          {
            retryable: retryable && pending.size > 0,
          },
        );
      }
    },
  };
}

export interface TwilioAlertTransportOptions {
  config: Pick<Config, 'tenants'>;
  rateLimits: RateLimitStore;
  semaphores: SemaphoreStore;
  clock: Clock;
  instanceId: string;
}

/**
 * Sends through the tenant's Twilio account under the same shared pace and concurrency buckets
 * as customer texts (keys are per sender and account), without a status callback: an alert SID
 * has no ledger row, and a callback for it would wait for one in vain.
 */
export function twilioAlertTransport(options: TwilioAlertTransportOptions): SmsAlertTransport {
  const senders = new Map<string, (to: string, body: string) => Promise<void>>();
  const senderFor = (tenantId: string) => {
    const existing = senders.get(tenantId);
    if (existing) return existing;
    const tenant = options.config.tenants.find((t) => t.id === tenantId);
    if (!tenant) throw new AlertSinkError(`no tenant "${tenantId}" for SMS alerts`, { retryable: false });
    const send = makeSender(tenant.twilio, options);
    senders.set(tenantId, send);
    return send;
  };
  return { send: (tenant, to, body) => senderFor(tenant)(to, body) };
}

function makeSender(twilio: TwilioConfig, options: TwilioAlertTransportOptions) {
  const { clock } = options;
  const { client, pacer, sender } = pacedSenderFor(twilio, {
    rateLimits: options.rateLimits,
    semaphores: options.semaphores,
    clock,
    instanceId: `${options.instanceId}-alerts`,
  });
  return async (to: string, body: string) => {
    await sendMessage(client, { to, body, ...sender }, { clock, pacing: { pacer, mps: twilio.mps } });
  };
}
