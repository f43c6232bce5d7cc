import { runAcumaticaSimulatorCli } from '../sim/acumatica/index.js';
import { runTwilioSimulatorCli } from '../sim/twilio/index.js';
import { type CommandContext, EXIT, ExitError } from './context.js';

export interface SimOptions {
  port?: string;
  seed?: string;
}

/** `acusms sim twilio|acumatica [--port N] [--seed file.json]`: one simulator, until Ctrl-C. */
export async function sim(context: CommandContext, which: string, options: SimOptions): Promise<void> {
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    context.stderr.write(`--port must be 0..65535, got ${options.port}\n`);
    throw new ExitError(EXIT.usage);
  }
  switch (which) {
    case 'twilio':
      if (options.seed) {
        context.stderr.write('--seed (a JSON file of records) applies to the Acumatica simulator only\n');
        throw new ExitError(EXIT.usage);
      }
      return runTwilioSimulatorCli({ ...(port === undefined ? {} : { port }), out: context.stdout });
    case 'acumatica':
      return runAcumaticaSimulatorCli({
        ...(port === undefined ? {} : { port }),
        ...(options.seed ? { seedFile: options.seed } : {}),
        write: (line) => context.stdout.write(`${line}\n`),
      });
    default:
      context.stderr.write(`unknown simulator "${which}": use twilio or acumatica\n`);
      throw new ExitError(EXIT.usage);
  }
}
