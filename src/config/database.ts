import { z } from 'zod';
import { Secret } from './secret.js';

/** Parsed `database`: the relative SQLite path is resolved against the config file in load.ts. */
export type DatabaseConfig =
  | { readonly dialect: 'sqlite'; readonly file: string }
  | { readonly dialect: 'postgres'; readonly url: Secret; readonly displayUrl: string };

export const SQLITE_MEMORY = ':memory:';

export const database = () =>
  z.string().transform((value, ctx): DatabaseConfig => {
    if (value.startsWith('sqlite:')) {
      // `sqlite:///abs/x.db` and `sqlite://./x.db` are common spellings of `sqlite:/abs/x.db`.
      const file = value.slice('sqlite:'.length).replace(/^\/\/(?=[/.])/, '');
      if (file === '') {
        ctx.addIssue({ code: 'custom', message: 'expected sqlite:<path> or sqlite::memory:' });
        return z.NEVER;
      }
      return { dialect: 'sqlite', file };
    }
    if (/^postgres(ql)?:\/\//.test(value)) {
      try {
        const url = new URL(value);
        if (url.password !== '') url.password = '***';
        return { dialect: 'postgres', url: new Secret(value), displayUrl: url.toString() };
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not a valid postgres:// URL' });
        return z.NEVER;
      }
    }
    ctx.addIssue({
      code: 'custom',
      message: 'expected sqlite:<path>, sqlite::memory: or postgres://user@host/db',
    });
    return z.NEVER;
  });
