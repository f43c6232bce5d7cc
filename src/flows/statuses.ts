/**
 * Ledger statuses (DESIGN.md): ours before the send, then Twilio's own. Status callbacks are
 * at-least-once and unordered, so a status only replaces one of lower rank, and nothing
 * replaces a final one (except `read`, which Twilio reports after `delivered`).
 */
const RANK: Record<string, number> = {
  queued: 1,
  scheduled: 1,
  sending: 2,
  accepted: 3,
  sent: 4,
  receiving: 4,
  received: 5,
  delivered: 6,
  undelivered: 6,
  failed: 6,
  canceled: 6,
  suppressed: 6,
  dead: 6,
  partially_delivered: 6,
  read: 7,
};

/** Twilio's `queued` arrives after our own `sending`: treat all pre-send Twilio states alike. */
const TWILIO_QUEUED_RANK = 3;

export const FINAL_STATUSES = new Set([
  'delivered',
  'undelivered',
  'failed',
  'canceled',
  'suppressed',
  'dead',
  'received',
  'read',
  'partially_delivered',
]);

export function statusRank(status: string, fromTwilio = false): number {
  if (fromTwilio && (status === 'queued' || status === 'scheduled')) return TWILIO_QUEUED_RANK;
  return RANK[status] ?? 0;
}

/** True when a callback saying `next` should replace the stored `current`. */
export function advancesStatus(current: string, next: string): boolean {
  if (current === next) return false;
  if (FINAL_STATUSES.has(current)) return current === 'delivered' && next === 'read';
  return statusRank(next, true) > statusRank(current);
}
