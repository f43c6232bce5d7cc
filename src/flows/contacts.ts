import type { Store } from '../store/db.js';
import type { ContactRef } from './ports.js';

/** The contact that owns `phone` (E.164) in the tenant's phone index, if any. */
export async function findContactByPhone(
  store: Store,
  tenant: string,
  phone: string,
): Promise<ContactRef | undefined> {
  const row = await store.db
    .selectFrom('phone_index')
    .select(['contact_id', 'contact_note_id', 'display_name', 'time_zone'])
    .where('tenant', '=', tenant)
    .where('phone', '=', phone)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    contactId: row.contact_id,
    noteId: row.contact_note_id,
    displayName: row.display_name,
    timeZone: row.time_zone,
  };
}
