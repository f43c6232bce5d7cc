import { type Command, Option } from 'commander';
import { type App, createApp } from '../app.js';
import type { Config } from '../config/schema.js';
import { runSync } from '../flows/sync.js';
import { type CommandContext, EXIT, ExitError, readConfig } from './context.js';
import { createProgress } from './progress.js';

/** How a one-shot command gets its app; tests pass one with recording sinks. */
export interface OneShotDeps {
  openApp?: (config: Config) => Promise<App>;
}

export const configOption = () =>
  new Option('-c, --config <file>', 'config file (default: $ACUSMS_CONFIG, then ./acusms.yaml)');

/** `--since`/`--until`: ISO 8601 or nothing; anything else is a usage error (exit 2). */
export function parseIsoOption(
  context: CommandContext,
  name: string,
  value: string | undefined,
): Date | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    context.stderr.write(`acusms: --${name} "${value}" is not an ISO 8601 date, e.g. 2026-01-05T00:00:00Z\n`);
    throw new ExitError(EXIT.usage);
  }
  return new Date(ms);
}

/** The tenant named by `--tenant`, else the only one; several without `--tenant` is a usage error. */
export function pickTenant(context: CommandContext, config: Config, wanted: string | undefined): string {
  if (wanted !== undefined) {
    if (config.tenants.some((t) => t.id === wanted)) return wanted;
    context.stderr.write(`acusms: no tenant "${wanted}" in the config\n`);
    throw new ExitError(EXIT.usage);
  }
  if (config.tenants.length === 1) return config.tenants[0]!.id;
  context.stderr.write(`acusms: the config has ${config.tenants.length} tenants; name one with --tenant\n`);
  throw new ExitError(EXIT.usage);
}

/** Opens the app without listening or starting workers: a one-shot sync needs neither. */
export async function withOneShotApp<T>(
  config: Config,
  deps: OneShotDeps,
  fn: (app: App, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const app = await (deps.openApp ?? ((c: Config) => createApp(c, { role: 'worker' })))(config);
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(app, abort.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await app.stop();
  }
}

interface SyncCliOptions {
  config?: string;
  tenant?: string;
  since?: string;
  until?: string;
  dryRun?: boolean;
}

export function registerSyncCommand(program: Command, context: CommandContext, deps: OneShotDeps = {}): void {
  program
    .command('sync')
    .description('pull Twilio message history and put every SMS on the CRM timeline (resumes after a crash)')
    .addOption(configOption())
    .option('--tenant <id>', 'tenant to sync (default: the only one)')
    .option(
      '--since <iso>',
      'window start (default: the cursor minus sync.overlap; without one, all history)',
    )
    .option('--until <iso>', 'window end (default: a minute ago)')
    .option('--dry-run', 'pull and report what would be written; write nothing')
    .action((options: SyncCliOptions) => sync(context, options, deps));
}

async function sync(context: CommandContext, options: SyncCliOptions, deps: OneShotDeps): Promise<void> {
  const since = parseIsoOption(context, 'since', options.since);
  const until = parseIsoOption(context, 'until', options.until);
  if (since && until && since >= until) {
    context.stderr.write('acusms: --since must be before --until\n');
    throw new ExitError(EXIT.usage);
  }
  const config = readConfig(context, options.config);
  const tenant = pickTenant(context, config, options.tenant);
  const progress = createProgress(context.stderr as NodeJS.WritableStream & { isTTY?: boolean });
  const report = await withOneShotApp(config, deps, (app, signal) =>
    runSync(app.context, {
      tenant,
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
      dryRun: options.dryRun === true,
      reporter: progress,
      signal,
    }).finally(() => progress.done()),
  );
  const verb = report.dryRun ? 'would push' : 'pushed';
  context.stdout.write(
    `${report.dryRun ? 'dry run: ' : ''}${tenant} ${report.since ?? 'start'} – ${report.until}: pulled ${report.pulled}, ${verb} ${report.pushed}, skipped ${report.skipped}, unmatched ${report.unmatched}, failed ${report.failed}${report.resumed ? ' (resumed)' : ''}\n`,
  );
  if (report.failed > 0) {
    context.stderr.write(`acusms: Acumatica refused ${report.failed}: ${report.failedSids.join(' ')}\n`);
    throw new ExitError(EXIT.failure);
  }
}
