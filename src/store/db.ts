import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { AcusmsError } from '../errors.js';
import { type DialectAdapter, postgresAdapter, sqliteAdapter } from './adapter.js';
import { migrateToLatest } from './migrate.js';
import type { Database } from './schema.js';

export interface Store {
  readonly db: Kysely<Database>;
  readonly adapter: DialectAdapter;
  /** The database URL with any password removed, for logs and `doctor`. */
  readonly displayUrl: string;
  /** Throws when the database cannot answer a trivial query. */
  ping(): Promise<void>;
  /** PostgreSQL: the schema our tables (and migration bookkeeping) live in; SQLite: undefined. */
  migrationSchema(): Promise<string | undefined>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL only: the schema to use (created if missing); tests isolate themselves with it. */
  schema?: string;
  /** Run pending migrations before returning. Default true. */
  migrate?: boolean;
  /** PostgreSQL pool size. Default 10. */
  poolSize?: number;
}

const PG_INT8 = 20;

/** Opens `sqlite:<path>` / `sqlite::memory:` or `postgres://…`. Paths are used as given. */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const store = url.startsWith('sqlite:')
    ? openSqlite(url.slice('sqlite:'.length))
    : await openPostgres(url, options);
  try {
    await store.ping();
    if (options.migrate ?? true) await migrateToLatest(store.db, await store.migrationSchema());
  } catch (error) {
    await store.close();
    throw new AcusmsError(
      'database_unavailable',
      `cannot open database ${store.displayUrl}: ${String(error)}`,
      {
        cause: error,
        retryable: true,
      },
    );
  }
  return store;
}

function openSqlite(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  // WAL lets readers run beside the writer; synchronous=FULL fsyncs the WAL on every commit,
  // which is what "durable before acknowledged" means. Group commit amortises that fsync.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return {
    db,
    adapter: sqliteAdapter(),
    displayUrl: `sqlite:${path}`,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    migrationSchema: async () => undefined,
    close: () => db.destroy(),
  };
}

async function openPostgres(url: string, options: OpenStoreOptions): Promise<Store> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new AcusmsError('invalid_schema', `schema name must be lower-case identifier, got ${schema}`);
  }
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    types: {
      // int8 holds epoch-ms timestamps and counts; all stay below 2^53.
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    adapter: postgresAdapter(db),
    displayUrl: redactUrl(url),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    migrationSchema: async () => {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
      return rows[0]?.schema;
    },
    close: () => db.destroy(),
  };
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
