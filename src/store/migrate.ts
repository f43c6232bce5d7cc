import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as pushLogSource from './migrations/0002-push-log-source.js';

/** Migrations are compiled in, so `acusms migrate` needs no files beside the package. */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-push-log-source': pushLogSource,
};

/**
 * `schema`: where the migration bookkeeping tables live (PostgreSQL). Without it Kysely accepts
 * a `kysely_migration` table found in *any* schema of the database as ours, so one stray schema
 * (another app, a crashed test) would make every migration here fail.
 */
export async function migrateToLatest<T>(
  db: Kysely<T>,
  schema?: string,
): Promise<NonNullable<MigrationResultSet['results']>> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return results ?? [];
}
