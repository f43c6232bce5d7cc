import type { EntityClient } from './entities.js';
import { AcumaticaApiError } from './errors.js';
import { type AcuRecord, customField, readString, splitViewField, toFields } from './fields.js';
import { customFieldRef, eq, substringof } from './filter.js';
import { withLockRetry } from './lock-retry.js';
import type { ActivityLedger } from './ports.js';

export const CONTACT_ENTITY_TYPE = 'PX.Objects.CR.Contact';

export interface ActivityWriterOptions {
  /** acusms tenant id (ledger key). */
  tenant: string;
  entities: EntityClient;
  ledger: ActivityLedger;
  /** Activity type ID from CR102000, e.g. `SMS` (≤ 5 characters). */
  activityType: string;
  /**
   * `View.Field` of a custom string field holding the MessageSid, e.g.
   * `Activities.UsrTwilioMessageSid`. When null the SID goes at the end of Summary as ` [SM…]`.
   */
  sidField?: string | null;
  /** CRActivity.Subject is nvarchar(255). Default 255. */
  summaryMaxLength?: number;
}

export interface SmsActivity {
  /** Twilio MessageSid (SM…/MM…). One SID ⇒ one Activity. */
  sid: string;
  direction: 'inbound' | 'outbound';
  /** The other party, E.164. */
  phone: string;
  body: string;
  date: Date;
  /** The record the activity belongs to; a contact is `{noteId, type: PX.Objects.CR.Contact}`. */
  related?: { noteId: string; type: string };
  /** Activity `Status`, e.g. `Completed`. Left to Acumatica's default when absent. */
  status?: string;
}

export interface WriteResult {
  activityId: string;
  /** false when the ledger or a search found an activity written earlier. */
  created: boolean;
}

/**
 * Writes SMS Activities exactly once per MessageSid. A PUT whose answer is lost (timeout, reset)
 * may still have created the activity, so before inserting: (1) the ledger, (2) a search in
 * Acumatica by the SID the activity carries. Only when both come back empty is a PUT sent, and
 * its id goes into the ledger at once. Callers must not run two writes for one SID at the same
 * time (the job queue serialises by SID); the search covers everything after that.
 */
export class ActivityWriter {
  readonly #o: ActivityWriterOptions;

  constructor(options: ActivityWriterOptions) {
    if (options.activityType.length === 0 || options.activityType.length > 5) {
      throw new TypeError('activityType must be 1–5 characters (CR102000 Type ID)');
    }
    if (options.sidField) splitViewField(options.sidField);
    this.#o = options;
  }

  /**
   * `knownAbsent`: the caller proves no write for this SID was ever attempted (the sync inserted
   * its ledger row in this same call), so the search is skipped: one request per Activity
   * instead of two, and no full-text `substringof` scan per message during a backfill.
   */
  async write(
    activity: SmsActivity,
    signal?: AbortSignal,
    options: { knownAbsent?: boolean } = {},
  ): Promise<WriteResult> {
    const { tenant, ledger, entities } = this.#o;
    const known = await ledger.findActivityId(tenant, activity.sid);
    if (known) return { activityId: known, created: false };
    const found = options.knownAbsent ? undefined : await this.findBySid(activity.sid, signal);
    if (found) {
      await ledger.recordActivityId(tenant, activity.sid, found);
      return { activityId: found, created: false };
    }
    const saved = await entities.put('Activity', this.toRecord(activity), { ...(signal ? { signal } : {}) });
    const activityId = saved.id ?? readString(saved, 'NoteID');
    if (!activityId) throw new AcumaticaApiError('server', 'PUT Activity answered without an id');
    await ledger.recordActivityId(tenant, activity.sid, activityId);
    return { activityId, created: true };
  }

  /** Updates an existing SMS activity (status, body); re-reads and retries on a lock conflict. */
  async update(
    sid: string,
    changes: { status?: string; body?: string; summary?: string },
    signal?: AbortSignal,
  ): Promise<string> {
    const id =
      (await this.#o.ledger.findActivityId(this.#o.tenant, sid)) ?? (await this.findBySid(sid, signal));
    if (!id) throw new AcumaticaApiError('not_found', `no Activity carries MessageSid ${sid}`);
    const opt = signal ? { signal } : {};
    await withLockRetry(
      () => this.#o.entities.get('Activity', id, { select: ['NoteID'], ...opt }),
      () =>
        this.#o.entities.put(
          'Activity',
          {
            id,
            ...toFields({ Status: changes.status, Body: changes.body, Summary: changes.summary }),
          },
          { mode: 'update', ...opt },
        ),
      signal ? { signal } : {},
    );
    await this.#o.ledger.recordActivityId(this.#o.tenant, sid, id);
    return id;
  }

  /** The id of an activity already carrying this SID; the oldest one if earlier bugs made two. */
  async findBySid(sid: string, signal?: AbortSignal): Promise<string | undefined> {
    if (!/^[A-Z]{2}[0-9a-f]{32}$/i.test(sid)) throw new TypeError(`not a Twilio MessageSid: ${sid}`);
    const { sidField } = this.#o;
    const bySid = sidField
      ? eq(customFieldRef('String', sidField), sid)
      : substringof(sidMarker(sid).trim(), 'Summary');
    const matches: AcuRecord[] = [];
    for await (const r of this.#o.entities.list('Activity', {
      // Not narrowed by Type: an activity written before a change of `activityType` must still be found.
      filter: bySid,
      select: ['NoteID', 'CreatedDateTime'],
      pageSize: 10,
      top: 10,
      ...(signal ? { signal } : {}),
    })) {
      matches.push(r);
    }
    matches.sort((a, b) =>
      (readString(a, 'CreatedDateTime') ?? '').localeCompare(readString(b, 'CreatedDateTime') ?? ''),
    );
    const first = matches[0];
    return first ? (first.id ?? readString(first, 'NoteID')) : undefined;
  }

  /** The wire record for a new SMS activity. */
  toRecord(a: SmsActivity): AcuRecord {
    const record: AcuRecord = {
      ...toFields({
        Type: this.#o.activityType,
        Summary: this.summaryOf(a),
        Body: a.body,
        Date: a.date,
        Status: a.status,
        RelatedEntityNoteID: a.related?.noteId,
        RelatedEntityType: a.related?.type,
      }),
    };
    if (this.#o.sidField) {
      const [view, name] = splitViewField(this.#o.sidField);
      record.custom = { [view]: { [name]: customField('CustomStringField', a.sid) } };
    }
    return record;
  }

  /** `SMS to|from <E.164>: <start of text>` (+ ` [SM…]` without a custom field), within the limit. */
  summaryOf(a: SmsActivity): string {
    const marker = this.#o.sidField ? '' : sidMarker(a.sid);
    const head = `SMS ${a.direction === 'outbound' ? 'to' : 'from'} ${a.phone}: `;
    const room = (this.#o.summaryMaxLength ?? 255) - head.length - marker.length;
    // Code points, not UTF-16 units, so an emoji is never cut in half.
    const text = [...a.body.replace(/\s+/g, ' ').trim()];
    const start =
      text.length <= room
        ? text.join('')
        : `${text
            .slice(0, Math.max(0, room - 1))
            .join('')
            .trimEnd()}…`;
    return `${head}${start}${marker}`;
  }
}

export function sidMarker(sid: string): string {
  return ` [${sid}]`;
}

const MARKER = /\[((?:SM|MM)[0-9a-fA-F]{32})\]\s*$/;

/** The SID of a Summary ending in ` [SM…]` (what `sidMarker` appends), or undefined. */
export function sidFromSummary(summary: string | undefined): string | undefined {
  return summary === undefined ? undefined : MARKER.exec(summary)?.[1];
}
