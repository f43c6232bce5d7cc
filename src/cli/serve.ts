import { createApp, type Role } from '../app.js';
import { type CommandContext, readConfig } from './context.js';

/**
 * Runs until SIGTERM/SIGINT. The first signal drains (no new requests or jobs, running ones
 * finish); a second one exits at once, leaving unfinished jobs to expire and run elsewhere.
 */
export async function serve(
  context: CommandContext,
  options: { config?: string; role: Role },
): Promise<void> {
  const config = readConfig(context, options.config);
  const app = await createApp(config, { role: options.role });
  await app.start();
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals === 1) {
        app.logger.info({ signal }, 'draining; send the signal again to exit now');
        void app.stop().then(resolve, (error: unknown) => {
          app.logger.error({ err: error }, 'error while stopping');
          resolve();
        });
      } else {
        app.logger.warn({ signal }, 'second signal: exiting without draining');
        void app.stop({ hard: true });
        process.exit(1);
      }
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
