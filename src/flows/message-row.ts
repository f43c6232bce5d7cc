import type { NewMessage } from '../store/schema.js';

type Required = 'id' | 'tenant' | 'direction' | 'to_phone' | 'body' | 'status' | 'created_at' | 'updated_at';

/** A ledger row with every optional column null unless given. */
export function messageRow(fields: Pick<NewMessage, Required> & Partial<NewMessage>): NewMessage {
  return {
    from_phone: null,
    error_code: null,
    twilio_sid: null,
    acumatica_id: null,
    idempotency_key: null,
    rule_id: null,
    related_note_id: null,
    related_type: null,
    contact_id: null,
    segments: null,
    send_after: null,
    attempt_started_at: null,
    ...fields,
  };
}
