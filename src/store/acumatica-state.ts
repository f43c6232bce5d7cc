import type {
  ActivityLedger,
  AuthStateStore,
  CursorStore,
  PhoneIndexEntry,
  PhoneIndexStore,
} from '../acumatica/ports.js';
import type { Clock } from '../ops/clock.js';
import type { Store } from './db.js';
import type { PhoneIndexTable } from './schema.js';

/** SQL versions of the Acumatica gateway's ports (src/acumatica/ports.ts). */

export function sqlAuthStateStore(store: Store, clock: Clock): AuthStateStore {
  const { db } = store;
  return {
    async load(tenant) {
      const row = await db
        .selectFrom('auth_state')
        .select('data')
        .where('tenant', '=', tenant)
        .executeTakeFirst();
      return row?.data;
    },
    async save(tenant, data) {
      const now = clock.now();
      await db
        .insertInto('auth_state')
        .values({ tenant, data, updated_at: now })
        .onConflict((oc) => oc.column('tenant').doUpdateSet({ data, updated_at: now }))
        .execute();
    },
    async clear(tenant) {
      await db.deleteFrom('auth_state').where('tenant', '=', tenant).execute();
    },
  };
}

export function sqlCursorStore(store: Store, clock: Clock): CursorStore {
  const { db } = store;
  return {
    async get(tenant, name) {
      const row = await db
        .selectFrom('cursors')
        .select('value')
        .where('tenant', '=', tenant)
        .where('name', '=', name)
        .executeTakeFirst();
      return row?.value;
    },
    async set(tenant, name, value) {
      const now = clock.now();
      await db
        .insertInto('cursors')
        .values({ tenant, name, value, updated_at: now })
        .onConflict((oc) => oc.columns(['tenant', 'name']).doUpdateSet({ value, updated_at: now }))
        .execute();
    },
  };
}

function toRow(tenant: string, e: PhoneIndexEntry): PhoneIndexTable {
  return {
    tenant,
    phone: e.phone,
    contact_id: String(e.contactId),
    contact_note_id: e.contactNoteId,
    display_name: e.displayName,
    time_zone: e.timeZone,
    updated_at: Date.parse(e.updatedAt) || 0,
  };
}

export function fromPhoneRow(row: PhoneIndexTable): PhoneIndexEntry {
  return {
    phone: row.phone,
    contactId: Number(row.contact_id),
    contactNoteId: row.contact_note_id ?? '',
    displayName: row.display_name ?? '',
    timeZone: row.time_zone,
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

export function sqlPhoneIndexStore(store: Store): PhoneIndexStore {
  const { db } = store;
  const upsertRows = async (executor: typeof db, tenant: string, entries: readonly PhoneIndexEntry[]) => {
    for (const e of entries) {
      const row = toRow(tenant, e);
      const { tenant: _t, phone: _p, ...update } = row;
      await executor
        .insertInto('phone_index')
        .values(row)
        .onConflict((oc) => oc.columns(['tenant', 'phone']).doUpdateSet(update))
        .execute();
    }
  };
  return {
    async lookup(tenant, phone) {
      const row = await db
        .selectFrom('phone_index')
        .selectAll()
        .where('tenant', '=', tenant)
        .where('phone', '=', phone)
        .executeTakeFirst();
      return row ? fromPhoneRow(row) : undefined;
    },
    async listByContact(tenant, contactId) {
      const rows = await db
        .selectFrom('phone_index')
        .selectAll()
        .where('tenant', '=', tenant)
        .where('contact_id', '=', String(contactId))
        .execute();
      return rows.map(fromPhoneRow);
    },
    async upsert(tenant, entries) {
      await db.transaction().execute((trx) => upsertRows(trx, tenant, entries));
    },
    async remove(tenant, phones) {
      if (phones.length === 0) return;
      await db
        .deleteFrom('phone_index')
        .where('tenant', '=', tenant)
        .where('phone', 'in', [...phones])
        .execute();
    },
    async replaceAll(tenant, entries) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('phone_index').where('tenant', '=', tenant).execute();
        await upsertRows(trx, tenant, entries);
      });
    },
  };
}

/** The ledger maps MessageSid → Activity id on the message row itself. */
export function sqlActivityLedger(store: Store, clock: Clock): ActivityLedger {
  const { db } = store;
  return {
    async findActivityId(tenant, sid) {
      const row = await db
        .selectFrom('messages')
        .select('acumatica_id')
        .where('tenant', '=', tenant)
        .where('twilio_sid', '=', sid)
        .executeTakeFirst();
      return row?.acumatica_id ?? undefined;
    },
    async recordActivityId(tenant, sid, activityId) {
      await db
        .updateTable('messages')
        .set({ acumatica_id: activityId, updated_at: clock.now() })
        .where('tenant', '=', tenant)
        .where('twilio_sid', '=', sid)
        .execute();
    },
  };
}
