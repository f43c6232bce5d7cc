import type { EntityClient } from './entities.js';
import { type AcuRecord, readDate, readLinked, readNumber, readString } from './fields.js';
import { ge } from './filter.js';
import { normalizePhone } from './phone-normalize.js';
import type { CursorStore, PhoneIndexEntry, PhoneIndexStore } from './ports.js';
import { timeZoneForAddress } from './time-zone.js';

export interface PhoneIndexOptions {
  /** acusms tenant id. */
  tenant: string;
  entities: EntityClient;
  store: PhoneIndexStore;
  cursors: CursorStore;
  /** For numbers stored without a country code. */
  defaultCountry: string;
  /**
   * Contact fields holding numbers. Default Phone1–Phone3; `Fax` is left out because a fax line
   * cannot receive or send an SMS, and matching an inbound text to it would be a false match.
   */
  phoneFields?: readonly string[];
  /**
   * The incremental scan re-reads this much before the cursor: CV4 has no `$orderby`, so a
   * contact saved while a scan pages through can be missed by `$skip`; overlap catches it.
   * Default 5 minutes. Re-processing a contact is harmless.
   */
  overlapMs?: number;
  pageSize?: number;
  signal?: AbortSignal;
}

export interface PhoneOwner {
  contactId: number;
  displayName: string;
}

/** One number claimed by several contacts, and who got it. */
export interface PhoneConflict {
  phone: string;
  winner: PhoneOwner;
  losers: PhoneOwner[];
}

export interface ScanReport {
  mode: 'full' | 'incremental';
  contacts: number;
  phones: number;
  /** Phone fields that held text but no valid number. */
  invalid: Array<{ contactId: number; field: string; text: string }>;
  conflicts: PhoneConflict[];
  cursor: string | undefined;
}

export const PHONE_INDEX_CURSOR = 'acumatica.contacts.lastModified';

/**
 * E.164 ⇒ Contact for matching inbound texts. Full scan on start, incremental afterwards on
 * `LastModifiedDateTime`. A number on two contacts goes to the most recently modified one, then
 * the lowest ContactID: deterministic, and it prefers the record someone touched last.
 * Deleted contacts are invisible to an incremental scan (nothing marks them), so run `fullScan`
 * periodically (e.g. daily) to drop them.
 */
export class PhoneIndex {
  readonly #o: PhoneIndexOptions;

  constructor(options: PhoneIndexOptions) {
    this.#o = options;
  }

  lookup(phone: string): Promise<PhoneIndexEntry | undefined> {
    return this.#o.store.lookup(this.#o.tenant, phone);
  }

  /** Full scan when there is no cursor yet, incremental otherwise. */
  async sync(): Promise<ScanReport> {
    const cursor = await this.#o.cursors.get(this.#o.tenant, PHONE_INDEX_CURSOR);
    return cursor === undefined ? this.fullScan() : this.incrementalScan();
  }

  async fullScan(): Promise<ScanReport> {
    const report = newReport('full');
    const candidates = new Map<string, PhoneIndexEntry[]>();
    let maxModified: string | undefined;
    for await (const contact of this.#contacts()) {
      report.contacts += 1;
      const entries = this.entriesOf(contact, report);
      for (const e of entries) candidates.set(e.phone, [...(candidates.get(e.phone) ?? []), e]);
      maxModified = later(maxModified, readString(contact, 'LastModifiedDateTime'));
    }
    const winners: PhoneIndexEntry[] = [];
    for (const [phone, list] of candidates) {
      const sorted = [...list].sort(compareOwners);
      winners.push(sorted[0]!);
      if (sorted.length > 1) {
        report.conflicts.push({ phone, winner: ownerOf(sorted[0]!), losers: sorted.slice(1).map(ownerOf) });
      }
    }
    await this.#o.store.replaceAll(this.#o.tenant, winners);
    report.phones = winners.length;
    return this.#finish(report, maxModified);
  }

  async incrementalScan(): Promise<ScanReport> {
    const report = newReport('incremental');
    const cursor = await this.#o.cursors.get(this.#o.tenant, PHONE_INDEX_CURSOR);
    if (cursor === undefined) return this.fullScan();
    const since = new Date(Date.parse(cursor) - (this.#o.overlapMs ?? 5 * 60_000));
    let maxModified: string | undefined = cursor;
    for await (const contact of this.#contacts(since)) {
      report.contacts += 1;
      maxModified = later(maxModified, readString(contact, 'LastModifiedDateTime'));
      await this.#applyContact(contact, report);
    }
    return this.#finish(report, maxModified);
  }

  /** The index rows one contact claims (before conflict resolution), deduplicated. */
  entriesOf(contact: AcuRecord, report?: ScanReport): PhoneIndexEntry[] {
    const contactId = readNumber(contact, 'ContactID');
    const noteId = readString(contact, 'NoteID') ?? contact.id;
    if (contactId === undefined || noteId === undefined) return [];
    const address = readLinked(contact, 'Address');
    const timeZone = timeZoneForAddress(
      readString(address, 'Country'),
      readString(address, 'State'),
      this.#o.defaultCountry,
    );
    const updatedAt = readDate(contact, 'LastModifiedDateTime')?.toISOString() ?? new Date(0).toISOString();
    const seen = new Map<string, PhoneIndexEntry>();
    for (const fieldName of this.#o.phoneFields ?? ['Phone1', 'Phone2', 'Phone3']) {
      const text = readString(contact, fieldName);
      if (!text || text.trim() === '') continue;
      const phone = normalizePhone(text, this.#o.defaultCountry);
      if (!phone) {
        report?.invalid.push({ contactId, field: fieldName, text });
        continue;
      }
      seen.set(phone, {
        phone,
        contactId,
        contactNoteId: noteId,
        displayName: readString(contact, 'DisplayName') ?? '',
        timeZone,
        updatedAt,
      });
    }
    return [...seen.values()];
  }

  async #applyContact(contact: AcuRecord, report: ScanReport): Promise<void> {
    const { tenant, store } = this.#o;
    const entries = this.entriesOf(contact, report);
    const contactId = readNumber(contact, 'ContactID');
    if (contactId === undefined) return;
    const keep = new Set(entries.map((e) => e.phone));
    const stale = (await store.listByContact(tenant, contactId)).filter((e) => !keep.has(e.phone));
    if (stale.length > 0)
      await store.remove(
        tenant,
        stale.map((e) => e.phone),
      );
    const upserts: PhoneIndexEntry[] = [];
    for (const entry of entries) {
      const current = await store.lookup(tenant, entry.phone);
      if (!current || current.contactId === entry.contactId) {
        upserts.push(entry);
        continue;
      }
      const ours = compareOwners(entry, current) < 0;
      if (ours) upserts.push(entry);
      const [winner, loser] = ours ? [entry, current] : [current, entry];
      report.conflicts.push({ phone: entry.phone, winner: ownerOf(winner), losers: [ownerOf(loser)] });
    }
    if (upserts.length > 0) await store.upsert(tenant, upserts);
    report.phones += upserts.length;
  }

  #contacts(since?: Date): AsyncGenerator<AcuRecord> {
    const fields = this.#o.phoneFields ?? ['Phone1', 'Phone2', 'Phone3'];
    return this.#o.entities.list('Contact', {
      select: [
        'ContactID',
        'NoteID',
        'DisplayName',
        'LastModifiedDateTime',
        ...fields,
        'Address/State',
        'Address/Country',
      ],
      expand: ['Address'],
      pageSize: this.#o.pageSize ?? 500,
      ...(since ? { filter: ge('LastModifiedDateTime', since) } : {}),
      ...(this.#o.signal ? { signal: this.#o.signal } : {}),
    });
  }

  async #finish(report: ScanReport, maxModified: string | undefined): Promise<ScanReport> {
    // The cursor moves only after the whole pass is stored, so a crash mid-scan redoes it.
    if (maxModified !== undefined) await this.#o.cursors.set(this.#o.tenant, PHONE_INDEX_CURSOR, maxModified);
    report.cursor = maxModified;
    return report;
  }
}

/** Negative when `a` should own the number: most recently modified first, then lowest ContactID. */
export function compareOwners(a: PhoneIndexEntry, b: PhoneIndexEntry): number {
  const byTime = Date.parse(b.updatedAt) - Date.parse(a.updatedAt);
  return byTime !== 0 ? byTime : a.contactId - b.contactId;
}

function ownerOf(e: PhoneIndexEntry): PhoneOwner {
  return { contactId: e.contactId, displayName: e.displayName };
}

function newReport(mode: ScanReport['mode']): ScanReport {
  return { mode, contacts: 0, phones: 0, invalid: [], conflicts: [], cursor: undefined };
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (b === undefined || Number.isNaN(Date.parse(b))) return a;
  if (a === undefined) return new Date(Date.parse(b)).toISOString();
  return Date.parse(b) > Date.parse(a) ? new Date(Date.parse(b)).toISOString() : a;
}
