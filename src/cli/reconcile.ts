import type { Command } from 'commander';
import { runReconcile } from '../flows/reconcile.js';
import { type CommandContext, EXIT, ExitError, readConfig } from './context.js';
import { configOption, type OneShotDeps, parseIsoOption, pickTenant, withOneShotApp } from './sync.js';

interface ReconcileCliOptions {
  config?: string;
  tenant?: string;
  since?: string;
  until?: string;
  fix?: boolean;
  json?: boolean;
}

export function registerReconcileCommand(
  program: Command,
  context: CommandContext,
  deps: OneShotDeps = {},
): void {
  program
    .command('reconcile')
    .description('compare Twilio, the ledger and Acumatica by SID; alert on a mismatch; --fix re-pushes')
    .addOption(configOption())
    .option('--tenant <id>', 'tenant to reconcile (default: the only one)')
    .option('--since <iso>', 'window start (default: until minus reconcile.window)')
    .option('--until <iso>', 'window end (default: now)')
    .option('--fix', 're-push what is missing')
    .option('--json', 'print the report as one JSON document on stdout')
    .action((options: ReconcileCliOptions) => reconcile(context, options, deps));
}

/** Exit 0 when in balance (or repaired by --fix), 1 when a mismatch is left, 2 on bad usage. */
async function reconcile(
  context: CommandContext,
  options: ReconcileCliOptions,
  deps: OneShotDeps,
): Promise<void> {
  const sinceOption = parseIsoOption(context, 'since', options.since);
  const untilOption = parseIsoOption(context, 'until', options.until);
  const config = readConfig(context, options.config);
  const tenant = pickTenant(context, config, options.tenant);
  const until = untilOption ?? new Date();
  const since = sinceOption ?? new Date(until.getTime() - config.reconcile.windowMs);
  if (since >= until) {
    context.stderr.write('acusms: --since must be before --until\n');
    throw new ExitError(EXIT.usage);
  }
  const report = await withOneShotApp(config, deps, (app, signal) =>
    runReconcile(app.context, { tenant, since, until, fix: options.fix === true, signal }),
  );
  const human = [
    `${tenant} ${report.since} – ${report.until}`,
    `  twilio ${report.sourceCount}  ledger ${report.ledgerCount}  acumatica ${report.destinationCount}  unmatched ${report.unmatched}`,
    `  missing ${report.missing.length}  repaired ${report.repaired}  left ${report.left}`,
    ...(report.missing.length > 0
      ? [`  missing SIDs: ${report.missing.slice(0, 20).join(' ')}${report.missing.length > 20 ? ' …' : ''}`]
      : []),
    report.inBalance ? 'in balance' : 'MISMATCH',
  ].join('\n');
  if (options.json) {
    context.stderr.write(`${human}\n`);
    context.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    context.stdout.write(`${human}\n`);
  }
  if (!report.inBalance) throw new ExitError(EXIT.failure);
}
