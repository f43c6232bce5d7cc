import { demoAccount, startTwilioSimulator, type TwilioSimulator } from './server.js';
import type { SimFaults, TwilioSimulatorOptions } from './types.js';

export interface TwilioSimulatorCliOptions {
  /** Default 4010. */
  port?: number;
  host?: string;
  seed?: number;
  faults?: Partial<SimFaults>;
  inboundUrl?: string;
  /** Stops the simulator when aborted (tests); otherwise SIGINT/SIGTERM do. */
  signal?: AbortSignal;
  /** Where the banner goes. Default process.stdout. */
  out?: { write(text: string): unknown };
  /** Called once listening, e.g. to read the URL in a test. */
  onListening?: (sim: TwilioSimulator) => void;
}

/** Fictional sender for the demo account (555-01xx is the reserved fictional range). */
export const DEMO_FROM = '+13125550100';

/**
 * `acusms sim twilio --port N`: runs until SIGINT/SIGTERM (or `signal`), then stops cleanly.
 * Prints the URL and the demo credentials, which are not secrets: they only open this simulator.
 */
export async function runTwilioSimulatorCli(options: TwilioSimulatorCliOptions = {}): Promise<void> {
  const seed = options.seed ?? 1;
  const account = { ...demoAccount(seed), numbers: [{ phoneNumber: DEMO_FROM, mps: 1 }] };
  const simOptions: TwilioSimulatorOptions = {
    port: options.port ?? 4010,
    host: options.host ?? '127.0.0.1',
    seed,
    accounts: [account],
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.inboundUrl ? { inboundUrl: options.inboundUrl } : {}),
  };
  const sim = await startTwilioSimulator(simOptions);
  const out = options.out ?? process.stdout;
  out.write(
    [
      `Twilio simulator listening on ${sim.url}`,
      `  twilio.baseUrl:    ${sim.url}`,
      `  twilio.accountSid: ${account.accountSid}`,
      `  twilio.authToken:  ${account.authToken}`,
      `  twilio.from:       ${DEMO_FROM}`,
      `  inject an inbound SMS: curl -X POST ${sim.url}/_sim/inbound -H 'content-type: application/json' \\`,
      `    -d '{"from":"+13125550142","to":"${DEMO_FROM}","body":"STOP"}'`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  options.onListening?.(sim);
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      options.signal?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (options.signal?.aborted) done();
    options.signal?.addEventListener('abort', done, { once: true });
  });
  await sim.stop();
}
