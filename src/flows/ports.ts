/**
 * The two small interfaces the flows need from the outside world. Adapters in src/twilio and
 * src/acumatica implement them over HTTP; tests may use in-memory fakes.
 */

export interface SmsSendRequest {
  to: string;
  body: string;
  statusCallbackUrl: string;
  /**
   * Start of the first attempt whose outcome is unknown (the process may have died after
   * Twilio accepted). When set, the gateway looks the message up before creating it again.
   */
  unresolvedSinceMs: number | null;
  /** True when the SID already belongs to another ledger row (never adopt it twice). */
  isClaimed(sid: string): Promise<boolean>;
  signal?: AbortSignal;
}

export interface SmsSendResult {
  sid: string;
  status: string;
  from: string | null;
  segments: number;
}

export interface SmsGateway {
  /** Paced per sender; resolves an ambiguous create by lookup. Throws TwilioApiError. */
  send(request: SmsSendRequest): Promise<SmsSendResult>;
}

export interface ContactRef {
  contactId: string;
  noteId: string | null;
  displayName: string | null;
  timeZone: string | null;
}

export interface ActivityInput {
  sid: string;
  direction: 'inbound' | 'outbound';
  /** The customer's number, E.164. */
  phone: string;
  body: string;
  status: string;
  at: Date;
  related: { noteId: string; type: string } | null;
}

export interface ChangedRecordsQuery {
  entity: string;
  /** Operator-written OData filter from the rule, ANDed with the change cursor. */
  filter: string | null;
  /** The entity's change field (`LastModifiedDateTime`, or `LastModified` on SalesOrder). */
  changeField: string;
  /** Only records changed after this instant; null on the first poll. */
  since: Date | null;
  signal?: AbortSignal;
}

export interface ErpGateway {
  /** Records changed since the cursor, oldest first, flattened to `{Field: value}`. */
  listChanged(query: ChangedRecordsQuery): AsyncIterable<Record<string, unknown>>;
  /** Writes the SMS Activity, exactly once per SID; returns its Acumatica id. */
  writeActivity(activity: ActivityInput): Promise<string>;
  /** Marks the SMS Activity completed once the text is delivered. */
  completeActivity(sid: string): Promise<void>;
  /** Sets or clears the contact's opt-out flag (`optOutField`). */
  setOptOut(contact: ContactRef, optedOut: boolean): Promise<void>;
}
