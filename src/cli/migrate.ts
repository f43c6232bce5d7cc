import { databaseUrl } from '../app.js';
import { openStore } from '../store/db.js';
import { migrateToLatest } from '../store/migrate.js';
import { type CommandContext, readConfig } from './context.js';

export async function migrate(context: CommandContext, options: { config?: string }): Promise<void> {
  const config = readConfig(context, options.config);
  const store = await openStore(databaseUrl(config.database), { migrate: false });
  try {
    const results = await migrateToLatest(store.db, await store.migrationSchema());
    for (const r of results)
      context.stdout.write(`${r.status === 'Success' ? 'applied' : r.status}: ${r.migrationName}\n`);
    context.stdout.write(
      results.length === 0 ? `${store.displayUrl}: already up to date\n` : `${store.displayUrl}: migrated\n`,
    );
  } finally {
    await store.close();
  }
}
