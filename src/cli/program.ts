import { Command, CommanderError, Option } from 'commander';
import { isConfigError } from '../config/errors.js';
import { type CommandContext, EXIT, ExitError } from './context.js';
import { demo } from './demo.js';
import { registerDlqCommand } from './dlq.js';
import { doctor } from './doctor.js';
import { migrate } from './migrate.js';
import { registerReconcileCommand } from './reconcile.js';
import { send } from './send.js';
import { serve } from './serve.js';
import { sim } from './sim.js';
import { registerSyncCommand } from './sync.js';

const configOption = () =>
  new Option('-c, --config <file>', 'config file (default: $ACUSMS_CONFIG, then ./acusms.yaml)');

export function buildProgram(context: CommandContext): Command {
  const program = new Command('acusms')
    .description('Acumatica ERP <-> Twilio SMS: texts on ERP events, every SMS on the CRM timeline')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => context.stdout.write(s),
      writeErr: (s) => context.stderr.write(s),
    })
    .showHelpAfterError();

  program
    .command('serve')
    .description('run the HTTP server and the workers')
    .addOption(configOption())
    .addOption(
      new Option('--role <role>', 'what this instance runs').choices(['all', 'web', 'worker']).default('all'),
    )
    .action((options) => serve(context, options));

  program
    .command('migrate')
    .description('create or upgrade the database schema')
    .addOption(configOption())
    .action((options) => migrate(context, options));

  program
    .command('doctor')
    .description('check the config, the database and the connections, and say how to fix what fails')
    .addOption(configOption())
    .action((options) => doctor(context, options));

  program
    .command('send')
    .description('text one number now (same ledger and idempotency as POST /api/messages)')
    .addOption(configOption())
    .requiredOption('--tenant <id>', 'tenant id from the config')
    .requiredOption('--to <number>', 'recipient; any common format, read with the tenant defaultCountry')
    .requiredOption('--body <text>', 'message text, at most 1,600 characters')
    .option('--idempotency-key <key>', 'the same key never sends twice')
    .option('--wait <seconds>', "how long to wait for Twilio's answer", '60')
    .action((options) => send(context, options));

  program
    .command('demo')
    .description('run acusms with both simulators and sample traffic (no accounts needed)')
    .option('--port <port>', 'HTTP port for acusms', process.env.ACUSMS_DEMO_PORT ?? '8080')
    .option('--every <ms>', 'milliseconds between traffic events', '2000')
    .addOption(configOption().hideHelp())
    .action((options) => demo(context, options));

  program
    .command('sim')
    .description('run a simulator of Twilio or Acumatica on its own')
    .argument('<service>', 'twilio or acumatica')
    .addOption(configOption().hideHelp())
    .option('--port <port>', 'port to listen on (0 picks a free one)')
    .option('--seed <file>', 'acumatica: a JSON export of records to load instead of the demo data')
    .action((service: string, options) => sim(context, service, options));

  registerSyncCommand(program, context);
  registerReconcileCommand(program, context);
  registerDlqCommand(program, context);

  return program;
}

/** Runs the CLI and returns the process exit code; errors are printed, never thrown. */
export function runCli(argv: string[], context: CommandContext): Promise<number> {
  return runProgram(buildProgram(context), argv, context);
}

/** Parses `argv` with `program` and maps the outcome to DESIGN.md's exit codes. */
export async function runProgram(program: Command, argv: string[], context: CommandContext): Promise<number> {
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExitError) return error.exitCode;
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
        ? EXIT.ok
        : EXIT.usage;
    }
    if (isConfigError(error)) {
      context.stderr.write(`${error.message}\n`);
      return EXIT.usage;
    }
    context.stderr.write(`acusms: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}
