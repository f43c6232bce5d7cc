import type { Kysely } from 'kysely';

// `bigint` gives INTEGER affinity on SQLite and int8 on PostgreSQL: one DDL for both.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('to_phone', 'text', (c) => c.notNull())
    .addColumn('from_phone', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'integer')
    .addColumn('twilio_sid', 'text', (c) => c.unique())
    .addColumn('acumatica_id', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('rule_id', 'text')
    .addColumn('related_note_id', 'text')
    .addColumn('related_type', 'text')
    .addColumn('contact_id', 'text')
    .addColumn('segments', 'integer')
    .addColumn('send_after', 'bigint')
    .addColumn('attempt_started_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('messages_tenant_idempotency_key', ['tenant', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('messages_tenant_created')
    .on('messages')
    .columns(['tenant', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('messages_tenant_status')
    .on('messages')
    .columns(['tenant', 'status'])
    .execute();
  await db.schema.createIndex('messages_to_phone').on('messages').columns(['tenant', 'to_phone']).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_kind_run_at').on('jobs').columns(['kind', 'run_at']).execute();

  await db.schema
    .createTable('dead_letters')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text')
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('replayed_at', 'bigint')
    .addColumn('replay_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('dead_letters_created').on('dead_letters').columns(['created_at']).execute();

  await db.schema
    .createTable('push_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('acumatica_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('response_code', 'integer')
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('push_log_tenant_at').on('push_log').columns(['tenant', 'at']).execute();

  await db.schema
    .createTable('cursors')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('cursors_pk', ['tenant', 'name'])
    .execute();

  await db.schema
    .createTable('opt_outs')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('opt_outs_pk', ['tenant', 'phone'])
    .execute();

  await db.schema
    .createTable('phone_index')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('contact_note_id', 'text')
    .addColumn('display_name', 'text')
    .addColumn('time_zone', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('phone_index_pk', ['tenant', 'phone'])
    .execute();

  await db.schema
    .createTable('push_events')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('company_id', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('push_events_pk', ['tenant', 'company_id', 'query', 'event_id'])
    .execute();

  await db.schema
    .createTable('reconciliations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addColumn('until', 'bigint', (c) => c.notNull())
    .addColumn('source_count', 'integer', (c) => c.notNull())
    .addColumn('ledger_count', 'integer', (c) => c.notNull())
    .addColumn('destination_count', 'integer', (c) => c.notNull())
    .addColumn('missing', 'text', (c) => c.notNull())
    .addColumn('repaired', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('tat', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('semaphores')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('semaphores_pk', ['key', 'holder'])
    .execute();

  await db.schema
    .createTable('auth_state')
    .addColumn('tenant', 'text', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'auth_state',
    'semaphores',
    'rate_limits',
    'alerts',
    'reconciliations',
    'push_events',
    'phone_index',
    'opt_outs',
    'cursors',
    'push_log',
    'dead_letters',
    'jobs',
    'messages',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
