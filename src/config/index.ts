/*
 * The configuration module's public face: load and validate once at start-up, then pass the
 * frozen `Config` (or one `TenantConfig`) down. Secrets stay `Secret`s until the code that
 * sends them calls `reveal()`.
 */
export { CONFIG_DEFAULTS } from './defaults.js';
export { ConfigError, type ConfigIssue, formatConfigIssues, isConfigError } from './errors.js';
export {
  DEFAULT_CONFIG_FILE,
  type LoadConfigOptions,
  loadConfig,
  parseConfigText,
  resolveConfigPath,
} from './load.js';
export { type ParseConfigOptions, parseConfigValue } from './parse.js';
export { pinoRedactOptions, REDACT_CENSOR, REDACT_PATHS, redactPathsFor } from './redact.js';
export type {
  AcumaticaAuthConfig,
  AcumaticaConfig,
  AlertConfig,
  Config,
  DatabaseConfig,
  ErrorRateConfig,
  QueueConfig,
  QuietHours,
  ReconcileConfig,
  RuleConfig,
  RuleTrigger,
  SyncConfig,
  TenantConfig,
  TwilioConfig,
  TwilioSender,
} from './schema.js';
export { SECRET_PATHS, SQLITE_MEMORY } from './schema.js';
export { Secret } from './secret.js';
