import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';

/** What every command gets: the options commander parsed plus how to read the config. */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function readConfig(context: CommandContext, path: string | undefined): Config {
  return loadConfig({ ...(path ? { path } : {}), env: context.env, cwd: context.cwd });
}

/** Exit codes of DESIGN.md's contract. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Thrown by a command to end with a code after it has printed what went wrong. */
export class ExitError extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
