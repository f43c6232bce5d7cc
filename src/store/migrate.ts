import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import * as initial from './migrations/0001-initial.js';

/** Migrations are compiled in, so `acusms migrate` needs no files beside the package. */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
};

export async function migrateToLatest<T>(db: Kysely<T>): Promise<NonNullable<MigrationResultSet['results']>> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return results ?? [];
}
