import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { crossCheckConfig } from './cross-checks.js';
import type { ConfigIssue } from './errors.js';
import { ConfigError, formatPath } from './errors.js';
import { deepFreeze } from './freeze.js';
import { interpolateEnv } from './interpolate.js';
import type { Config } from './schema.js';
import { configSchema, SECRET_PATHS, SQLITE_MEMORY } from './schema.js';
import { resolveSecretFiles } from './secret-files.js';

export interface ParseConfigOptions {
  /** Source of `${VAR}` values; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Folder that relative paths (SQLite file, `…File` secrets) resolve against. */
  baseDir?: string;
  /** Named in the error message. */
  file?: string;
  /** Create the SQLite file's folder (default true); tests of pure parsing turn it off. */
  createDirs?: boolean;
}

/**
 * Turns a configuration tree (parsed YAML, or an object built in code for the demo and tests)
 * into a frozen `Config`. Stages run in order — `${ENV}`, `…File` secrets, cross-checks, schema —
 * and all their problems are collected before one `ConfigError` is thrown.
 */
export function parseConfigValue(tree: unknown, options: ParseConfigOptions = {}): Config {
  return parseWith(tree, [], options);
}

/** Like `parseConfigValue`, starting from problems an earlier stage (YAML) already found. */
export function parseWith(tree: unknown, issues: ConfigIssue[], options: ParseConfigOptions): Config {
  const baseDir = options.baseDir ?? process.cwd();
  const errorOptions = options.file === undefined ? {} : { file: options.file };
  if (tree === null || tree === undefined) {
    throw new ConfigError([...issues, { path: '', message: 'the configuration is empty' }], errorOptions);
  }
  const interpolated = interpolateEnv(tree, options.env ?? process.env, issues);
  const skip = resolveSecretFiles(interpolated, SECRET_PATHS, issues, { baseDir });
  // A value already reported (unset variable, unreadable file) is not reported again by the schema.
  for (const issue of issues) skip.add(issue.path);
  issues.push(...crossCheckConfig(interpolated));

  const result = configSchema.safeParse(interpolated, { error: errorMessage });
  if (!result.success) {
    issues.push(...fromZodIssues(result.error.issues).filter((issue) => !skip.has(issue.path)));
  }
  if (!result.success || issues.length > 0) throw new ConfigError(dedupe(issues), errorOptions);

  const parsed = result.data;
  if (parsed.database.dialect === 'sqlite' && parsed.database.file !== SQLITE_MEMORY) {
    // DESIGN.md: relative paths resolve against the config file's folder, which is created.
    const file = resolve(baseDir, parsed.database.file);
    if (options.createDirs !== false) {
      try {
        mkdirSync(dirname(file), { recursive: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        throw new ConfigError([{ path: 'database', message: `cannot create ${dirname(file)} (${code})` }], {
          ...errorOptions,
          cause: error,
        });
      }
    }
    parsed.database = { dialect: 'sqlite', file };
  }
  return deepFreeze(parsed) as Config;
}

/** Messages for the cases zod words for programmers rather than operators. */
function errorMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'required';
    return `expected ${issue.expected}, got ${describe(issue.input)}`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function fromZodIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown key' }));
    }
    if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
      const options = (issue.options as unknown[]).map(String).join(', ');
      return [{ path: formatPath(issue.path), message: `expected one of: ${options}` }];
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
