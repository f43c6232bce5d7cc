import type { Generated, Insertable, Selectable } from 'kysely';

/*
 * Table shapes shared by SQLite and PostgreSQL. Times are epoch milliseconds in `bigint`
 * columns (pg returns them as numbers through the pool's type parser), JSON is text, and
 * booleans are 0/1 integers, so one set of migrations and queries serves both dialects.
 */

export interface MessagesTable {
  id: string;
  tenant: string;
  direction: 'inbound' | 'outbound';
  to_phone: string;
  from_phone: string | null;
  body: string;
  status: string;
  error_code: number | null;
  twilio_sid: string | null;
  acumatica_id: string | null;
  idempotency_key: string | null;
  rule_id: string | null;
  related_note_id: string | null;
  related_type: string | null;
  contact_id: string | null;
  segments: number | null;
  /** When quiet hours deferred the send: the earliest time it may go. */
  send_after: number | null;
  /** Start of the last create attempt; bounds the lookup window after an ambiguous failure. */
  attempt_started_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface JobsTable {
  id: string;
  kind: string;
  tenant: string | null;
  payload: string;
  run_at: number;
  attempts: Generated<number>;
  max_attempts: number;
  lease_until: number | null;
  locked_by: string | null;
  last_error: string | null;
  /** Unique when set: a second enqueue with the same key is a no-op. */
  dedupe_key: string | null;
  created_at: number;
}

export interface DeadLettersTable {
  id: string;
  kind: string;
  tenant: string | null;
  error: string;
  attempts: number;
  payload: string;
  dedupe_key: string | null;
  created_at: number;
  replayed_at: number | null;
  replay_count: Generated<number>;
}

export interface PushLogTable {
  id: string;
  tenant: string;
  target: string;
  operation: string;
  source_id: string;
  acumatica_id: string | null;
  at: number;
  response_code: number | null;
  attempt: number;
  duration_ms: number;
}

export interface CursorsTable {
  tenant: string;
  name: string;
  value: string;
  updated_at: number;
}

export interface OptOutsTable {
  tenant: string;
  phone: string;
  source: string;
  created_at: number;
}

export interface PhoneIndexTable {
  tenant: string;
  phone: string;
  contact_id: string;
  contact_note_id: string | null;
  display_name: string | null;
  time_zone: string | null;
  updated_at: number;
}

export interface PushEventsTable {
  tenant: string;
  company_id: string;
  query: string;
  event_id: string;
  received_at: number;
}

export interface ReconciliationsTable {
  id: string;
  tenant: string;
  since: number;
  until: number;
  source_count: number;
  ledger_count: number;
  destination_count: number;
  /** JSON array of missing Twilio SIDs. */
  missing: string;
  repaired: number;
  created_at: number;
}

export interface AlertsTable {
  id: string;
  type: string;
  tenant: string | null;
  message: string;
  details: string;
  at: number;
}

export interface RateLimitsTable {
  key: string;
  /** GCRA theoretical arrival time, epoch ms. */
  tat: number;
}

export interface SemaphoresTable {
  key: string;
  holder: string;
  lease_until: number;
}

export interface AuthStateTable {
  tenant: string;
  data: string;
  updated_at: number;
}

export interface Database {
  messages: MessagesTable;
  jobs: JobsTable;
  dead_letters: DeadLettersTable;
  push_log: PushLogTable;
  cursors: CursorsTable;
  opt_outs: OptOutsTable;
  phone_index: PhoneIndexTable;
  push_events: PushEventsTable;
  reconciliations: ReconciliationsTable;
  alerts: AlertsTable;
  rate_limits: RateLimitsTable;
  semaphores: SemaphoresTable;
  auth_state: AuthStateTable;
}

export type MessageRow = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type JobRow = Selectable<JobsTable>;
export type DeadLetterRow = Selectable<DeadLettersTable>;
