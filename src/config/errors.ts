import { AcusmsError } from '../errors.js';

/** One problem in a configuration, at a path such as `tenants[0].twilio.accountSid`. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * An invalid configuration. It carries every problem found, not just the first, so an operator
 * fixes the file in one pass; the CLI prints `formatConfigIssues(issues)` and exits 2.
 */
export class ConfigError extends AcusmsError {
  readonly issues: readonly ConfigIssue[];
  /** The file the problems were found in, when there was one. */
  readonly file: string | undefined;

  constructor(issues: readonly ConfigIssue[], options: { file?: string; cause?: unknown } = {}) {
    const where = options.file === undefined ? 'configuration' : options.file;
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super('invalid_config', `invalid ${where} (${count}):\n${formatConfigIssues(issues)}`, {
      retryable: false,
      cause: options.cause,
    });
    this.issues = Object.freeze(issues.map((issue) => Object.freeze({ ...issue })));
    this.file = options.file;
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}

/** One problem a line, `  path: message`, in the order they were found. */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  return issues
    .map((issue) => (issue.path === '' ? `  ${issue.message}` : `  ${issue.path}: ${issue.message}`))
    .join('\n');
}

/** Formats a zod-style path (`['tenants', 0, 'twilio']`) as `tenants[0].twilio`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}
