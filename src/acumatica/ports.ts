/**
 * What the Acumatica gateway needs from durable storage, kept narrow so the SQL store
 * (`auth_state`, `phone_index`, `cursors`, `messages`) and these in-memory versions are
 * interchangeable. All methods are async and keyed by the acusms tenant id (not Acumatica's).
 */

/** `auth_state(tenant pk, data json, updated_at)`: the OAuth token set, opaque to the store. */
export interface AuthStateStore {
  load(tenant: string): Promise<string | undefined>;
  /** Must be durable when it resolves: a rotated refresh token is saved before it is used. */
  save(tenant: string, data: string): Promise<void>;
  clear(tenant: string): Promise<void>;
}

/** One row of `phone_index(tenant, phone, contact_id, contact_note_id, display_name, time_zone, updated_at)`. */
export interface PhoneIndexEntry {
  /** E.164, e.g. `+13125550101`. */
  phone: string;
  contactId: number;
  /** The Contact's NoteID (= its `id`), used as `RelatedEntityNoteID` on Activities. */
  contactNoteId: string;
  displayName: string;
  /** IANA zone derived from the contact's address, or null when unknown. */
  timeZone: string | null;
  /** The contact's `LastModifiedDateTime` (ISO); duplicates are resolved on it. */
  updatedAt: string;
}

export interface PhoneIndexStore {
  lookup(tenant: string, phone: string): Promise<PhoneIndexEntry | undefined>;
  listByContact(tenant: string, contactId: number): Promise<PhoneIndexEntry[]>;
  /** Inserts or replaces by (tenant, phone). */
  upsert(tenant: string, entries: readonly PhoneIndexEntry[]): Promise<void>;
  remove(tenant: string, phones: readonly string[]): Promise<void>;
  /** Replaces the tenant's whole index in one transaction (after a full scan). */
  replaceAll(tenant: string, entries: readonly PhoneIndexEntry[]): Promise<void>;
}

/** `cursors(tenant, name, value)`. */
export interface CursorStore {
  get(tenant: string, name: string): Promise<string | undefined>;
  set(tenant: string, name: string, value: string): Promise<void>;
}

/** The part of the `messages` ledger that maps a Twilio MessageSid to its Acumatica Activity id. */
export interface ActivityLedger {
  findActivityId(tenant: string, sid: string): Promise<string | undefined>;
  recordActivityId(tenant: string, sid: string, activityId: string): Promise<void>;
}

export class MemoryAuthStateStore implements AuthStateStore {
  readonly #rows = new Map<string, string>();
  /** Every value saved, in order; tests read it to prove rotation was persisted. */
  readonly history: string[] = [];

  async load(tenant: string): Promise<string | undefined> {
    return this.#rows.get(tenant);
  }

  async save(tenant: string, data: string): Promise<void> {
    this.#rows.set(tenant, data);
    this.history.push(data);
  }

  async clear(tenant: string): Promise<void> {
    this.#rows.delete(tenant);
  }
}

export class MemoryPhoneIndexStore implements PhoneIndexStore {
  readonly #rows = new Map<string, Map<string, PhoneIndexEntry>>();

  #tenant(tenant: string): Map<string, PhoneIndexEntry> {
    let rows = this.#rows.get(tenant);
    if (!rows) {
      rows = new Map();
      this.#rows.set(tenant, rows);
    }
    return rows;
  }

  async lookup(tenant: string, phone: string): Promise<PhoneIndexEntry | undefined> {
    return this.#tenant(tenant).get(phone);
  }

  async listByContact(tenant: string, contactId: number): Promise<PhoneIndexEntry[]> {
    return [...this.#tenant(tenant).values()].filter((e) => e.contactId === contactId);
  }

  async upsert(tenant: string, entries: readonly PhoneIndexEntry[]): Promise<void> {
    const rows = this.#tenant(tenant);
    for (const e of entries) rows.set(e.phone, { ...e });
  }

  async remove(tenant: string, phones: readonly string[]): Promise<void> {
    const rows = this.#tenant(tenant);
    for (const p of phones) rows.delete(p);
  }

  async replaceAll(tenant: string, entries: readonly PhoneIndexEntry[]): Promise<void> {
    this.#rows.set(tenant, new Map(entries.map((e) => [e.phone, { ...e }])));
  }

  /** Test helper: the whole index of a tenant, sorted by phone. */
  all(tenant: string): PhoneIndexEntry[] {
    return [...this.#tenant(tenant).values()].sort((a, b) => a.phone.localeCompare(b.phone));
  }
}

export class MemoryCursorStore implements CursorStore {
  readonly #rows = new Map<string, string>();

  async get(tenant: string, name: string): Promise<string | undefined> {
    return this.#rows.get(`${tenant}\u0000${name}`);
  }

  async set(tenant: string, name: string, value: string): Promise<void> {
    this.#rows.set(`${tenant}\u0000${name}`, value);
  }
}

export class MemoryActivityLedger implements ActivityLedger {
  readonly #rows = new Map<string, string>();

  async findActivityId(tenant: string, sid: string): Promise<string | undefined> {
    return this.#rows.get(`${tenant}\u0000${sid}`);
  }

  async recordActivityId(tenant: string, sid: string, activityId: string): Promise<void> {
    this.#rows.set(`${tenant}\u0000${sid}`, activityId);
  }
}
