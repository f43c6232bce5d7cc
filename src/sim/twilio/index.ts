export { DEMO_FROM, runTwilioSimulatorCli, type TwilioSimulatorCliOptions } from './cli.js';
export type { InjectInboundInput, InjectInboundResult } from './inbound.js';
export { demoAccount, startTwilioSimulator, type TwilioSimulator } from './server.js';
export {
  defaultFaults,
  type FailingNumber,
  type SimAccount,
  type SimFaults,
  type SimMessagingService,
  type SimNumber,
  type SimRequestRecord,
  type SimWebhookRecord,
  type TwilioSimulatorOptions,
} from './types.js';
