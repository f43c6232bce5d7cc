import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type OpenStoreOptions, openStore, type Store } from '../../src/store/db.js';

export const pgUrl = process.env.ACUSMS_TEST_PG;

export interface TestDialect {
  name: 'sqlite' | 'postgres';
  /** Why the dialect is skipped, shown in the test name; undefined when it runs. */
  skip: string | undefined;
  /** A fresh, migrated, isolated store (own file or own schema) and a cleanup. */
  open(options?: OpenStoreOptions): Promise<TestStore>;
}

export interface TestStore {
  store: Store;
  /** A database URL that reaches the same isolated database or schema (for `createApp`). */
  url: string;
  /** Opens a second connection pool on the same database (another "instance"). */
  reopen(options?: OpenStoreOptions): Promise<Store>;
  cleanup(): Promise<void>;
}

const sqlite: TestDialect = {
  name: 'sqlite',
  skip: undefined,
  async open(options) {
    const dir = mkdtempSync(join(tmpdir(), 'acusms-test-'));
    const url = `sqlite:${join(dir, 'test.db')}`;
    const store = await openStore(url, options);
    const extra: Store[] = [];
    return {
      store,
      url,
      reopen: async (o) => {
        const s = await openStore(url, o);
        extra.push(s);
        return s;
      },
      async cleanup() {
        for (const s of [store, ...extra]) await s.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgres: TestDialect = {
  name: 'postgres',
  skip: pgUrl ? undefined : 'ACUSMS_TEST_PG is not set',
  async open(options) {
    const url = pgUrl as string;
    const schema = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const store = await openStore(url, { ...options, schema });
    const extra: Store[] = [];
    const separator = url.includes('?') ? '&' : '?';
    return {
      store,
      url: `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      reopen: async (o) => {
        const s = await openStore(url, { ...o, schema });
        extra.push(s);
        return s;
      },
      async cleanup() {
        for (const s of [store, ...extra]) await s.close();
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      },
    };
  },
};

export const dialects: TestDialect[] = [sqlite, postgres];

/** `describe` title that shows a skipped dialect's reason in the runner's output. */
export function dialectTitle(d: TestDialect): string {
  return d.skip ? `${d.name} (skipped: ${d.skip})` : d.name;
}
