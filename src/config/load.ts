import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ConfigIssue } from './errors.js';
import { ConfigError } from './errors.js';
import { shieldReferences } from './interpolate.js';
import { parseWith } from './parse.js';
import type { Config } from './schema.js';

export { ConfigError, type ConfigIssue, formatConfigIssues, isConfigError } from './errors.js';

export interface LoadConfigOptions {
  /** `--config`; wins over `ACUSMS_CONFIG` and `./acusms.yaml`. Relative to `cwd`. */
  path?: string;
  /** Default `process.env`: `ACUSMS_CONFIG` and every `${VAR}` come from here. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default `process.cwd()`. */
  cwd?: string;
  /** Create the SQLite file's folder (default true); `doctor` and tests may only look. */
  createDirs?: boolean;
}

export const DEFAULT_CONFIG_FILE = 'acusms.yaml';

/** The contract's resolution order: explicit path, else `ACUSMS_CONFIG`, else `./acusms.yaml`. */
export function resolveConfigPath(options: LoadConfigOptions = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const chosen = options.path ?? (env.ACUSMS_CONFIG ? env.ACUSMS_CONFIG : DEFAULT_CONFIG_FILE);
  return resolve(cwd, chosen);
}

/** Reads, interpolates and validates the config file; throws `ConfigError` listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const file = resolveConfigPath(options);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'ENOENT' ? 'no such file; pass --config or set ACUSMS_CONFIG' : (code ?? 'error');
    throw new ConfigError([{ path: '', message: `cannot read ${file}: ${hint}` }], { file, cause: error });
  }
  return parseConfigText(text, {
    file,
    env: options.env ?? process.env,
    ...(options.createDirs === undefined ? {} : { createDirs: options.createDirs }),
  });
}

/** Parses YAML text; relative paths resolve against the folder of `file` (or `cwd`). */
export function parseConfigText(
  text: string,
  options: {
    file?: string;
    env?: Readonly<Record<string, string | undefined>>;
    cwd?: string;
    createDirs?: boolean;
  } = {},
): Config {
  const shielded = shieldReferences(text);
  const lineCounter = new LineCounter();
  const document = parseDocument(shielded.text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const issues: ConfigIssue[] = document.errors.map((error) => {
    const position = lineCounter.linePos(error.pos[0]);
    const where =
      position.line === 0
        ? ''
        : `line ${position.line}, column ${shielded.originalColumn(position.line, position.col)}: `;
    return { path: '', message: `YAML syntax error at ${where}${firstSentence(error.message)}` };
  });
  const baseDir = options.file === undefined ? (options.cwd ?? process.cwd()) : dirname(options.file);
  const errorOptions = options.file === undefined ? {} : { file: options.file };
  if (issues.length > 0) throw new ConfigError(issues, errorOptions);

  const tree = shielded.unshield(document.toJS({ maxAliasCount: 100 }));
  return parseWith(tree, issues, {
    ...errorOptions,
    baseDir,
    env: options.env ?? process.env,
    ...(options.createDirs === undefined ? {} : { createDirs: options.createDirs }),
  });
}

/** The position is reported separately, mapped back from the shielded text to the user's. */
function firstSentence(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
