import type { NewMessage } from '../store/schema.js';
import { messageRow } from './message-row.js';
import type { SmsRecord } from './ports.js';

/**
 * TRANSFORM, the second of the four sync steps: one Twilio message in the shapes the ledger and
 * the Activity writer take. Pure, so it is tested without I/O.
 */
export interface SyncItem {
  sid: string;
  direction: 'inbound' | 'outbound';
  /** The customer's number: `from` of an inbound text, `to` of an outbound one. */
  phone: string | null;
  body: string;
  status: string;
  errorCode: number | null;
  segments: number | null;
  /** Twilio's price string and unit, kept for the report; the ledger has no price column. */
  price: string | null;
  priceUnit: string | null;
  /** The message time the Activity carries: Twilio's date_created, else date_sent. */
  atMs: number;
  /** date_sent, which the sync windows (and the ETA) follow; null for a message never sent. */
  sentMs: number | null;
  from: string | null;
  to: string;
}

/** `inbound` is the only inbound direction; `outbound-api`, `-reply` and `-call` are all ours. */
export function directionOf(twilioDirection: string): 'inbound' | 'outbound' {
  return twilioDirection === 'inbound' ? 'inbound' : 'outbound';
}

export function toSyncItem(record: SmsRecord, nowMs: number): SyncItem {
  const direction = directionOf(record.direction);
  return {
    sid: record.sid,
    direction,
    phone: (direction === 'inbound' ? record.from : record.to) || null,
    body: record.body,
    status: record.status,
    errorCode: record.errorCode,
    segments: record.segments,
    price: record.price,
    priceUnit: record.priceUnit,
    atMs: record.dateCreatedMs ?? record.dateSentMs ?? nowMs,
    sentMs: record.dateSentMs,
    from: record.from,
    to: record.to ?? '',
  };
}

/**
 * The ledger row of a history message the live flows never saw. No idempotency key (it was not
 * sent through acusms, or its row is gone); created_at is Twilio's date_created so the admin
 * API lists it where it happened.
 */
export function toLedgerRow(tenant: string, id: string, item: SyncItem, nowMs: number): NewMessage {
  return messageRow({
    id,
    tenant,
    direction: item.direction,
    to_phone: item.to,
    from_phone: item.from,
    body: item.body,
    status: item.status,
    error_code: item.errorCode,
    twilio_sid: item.sid,
    segments: item.segments,
    created_at: item.atMs,
    updated_at: nowMs,
  });
}
