export { type AcumaticaSimulatorCliOptions, runAcumaticaSimulatorCli } from './cli.js';
export type { SimFault } from './faults.js';
export { evaluateFilter, type FilterNode, FilterSyntaxError, parseFilter } from './odata-filter.js';
export { type PushOptions, type PushResult, sendPush, ticksOf } from './push.js';
export { defaultSeed, loadSeedFile, type SeedData } from './seed.js';
export {
  type AcumaticaSimulator,
  type AcumaticaSimulatorOptions,
  SIM_DEFAULT_CREDENTIALS,
  type SimCounters,
  type SimTenantOptions,
  startAcumaticaSimulator,
} from './server.js';
