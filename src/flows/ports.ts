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
  /**
   * One page of the account's message history, newest first (sync and reconcile). Optional so
   * in-memory fakes of the live flows need not implement it.
   */
  listPage?(query: SmsListQuery): Promise<SmsPage>;
}

export interface SmsListQuery {
  /** `DateSent>` (on or after, whole seconds); null: from the start of the history. */
  dateSentAfter: Date | null;
  /** `DateSent<` (on or before, whole seconds). */
  dateSentBefore: Date;
  /** 1..1000. */
  pageSize: number;
  /** A `nextPageUri` from an earlier page: continue there (the other fields are then ignored). */
  pageUri?: string | null;
  signal?: AbortSignal;
}

/** One message of the history as the flows need it; Twilio's fields, parsed. */
export interface SmsRecord {
  sid: string;
  /** Twilio's own value: `inbound`, `outbound-api`, `outbound-call`, `outbound-reply`. */
  direction: string;
  from: string | null;
  to: string | null;
  body: string;
  status: string;
  errorCode: number | null;
  segments: number | null;
  /** Twilio's price string, e.g. `-0.00790`; null until priced. */
  price: string | null;
  priceUnit: string | null;
  dateCreatedMs: number | null;
  dateSentMs: number | null;
}

export interface SmsPage {
  messages: SmsRecord[];
  /** Where the next page starts; null on the last page. */
  nextPageUri: string | null;
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
  /**
   * True only when the caller proves no write for this SID was ever attempted (sync: the ledger
   * row was inserted by this very call). The SID search before the PUT is then skipped.
   */
  fresh?: boolean;
  /** Attempt number for the push log; counted from earlier log rows when absent. */
  attempt?: number;
  signal?: AbortSignal;
}

export interface ChangedRecordsQuery {
  entity: string;
  /** Operator-written OData filter from the rule, ANDed with the change cursor. */
  filter: string | null;
  /** The entity's change field (`LastModifiedDateTime`, or `LastModified` on SalesOrder). */
  changeField: string;
  /** Linked entities to read too (`$expand`); their fields arrive as `Link_Field`. */
  expand?: readonly string[];
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
  /**
   * SMS Activities dated in the window, as `{id, sid}` from the SID marker or custom field
   * (reconcile). Optional so in-memory fakes of the live flows need not implement it.
   */
  listSmsActivities?(query: SmsActivityQuery): AsyncIterable<SmsActivityRef>;
  /** The Activity carrying this SID, searched in Acumatica (not the ledger). */
  findActivityBySid?(sid: string, signal?: AbortSignal): Promise<string | undefined>;
}

export interface SmsActivityQuery {
  since: Date;
  until: Date;
  signal?: AbortSignal;
}

export interface SmsActivityRef {
  id: string;
  sid: string;
}
