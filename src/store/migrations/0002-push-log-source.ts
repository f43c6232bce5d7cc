import type { Kysely } from 'kysely';

// `GET /api/push-log?sourceId=` and the attempt counter look rows up by (tenant, source_id);
// without this index both scan the whole log (30 days of pushes by default).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('push_log_tenant_source')
    .on('push_log')
    .columns(['tenant', 'source_id', 'at'])
    .execute();
  await db.schema.createIndex('push_log_at').on('push_log').columns(['at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('push_log_at').ifExists().execute();
  await db.schema.dropIndex('push_log_tenant_source').ifExists().execute();
}
