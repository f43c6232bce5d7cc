import type { Config } from './schema.js';
import { SECRET_PATHS } from './schema.js';

/*
 * pino `redact` paths: the second line of defence. The first is `Secret`, which prints as
 * `[redacted]` wherever it goes; these catch a credential that slipped through as a plain
 * string (a raw config object, an upstream response body, a request header).
 */

export const REDACT_CENSOR = '[redacted]';

/** Field names that hold credentials in our config and in Acumatica/Twilio/OAuth payloads. */
const SECRET_KEYS = [
  'token',
  'password',
  'secret',
  'clientSecret',
  'authToken',
  'apiKeySecret',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'client_secret',
  'AuthToken',
];

/** pino wildcards match one level each; three levels cover our log shapes without a deep scan. */
const KEY_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

const HEADER_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/**
 * The config's own secret paths in pino syntax, for when a raw (unparsed) config is logged,
 * either as the log object itself or under a `config` key.
 */
const CONFIG_PATHS = SECRET_PATHS.map((path) =>
  path.map((segment, index) => (segment === '*' ? '[*]' : index === 0 ? segment : `.${segment}`)).join(''),
).flatMap((path) => [path, `config.${path}`]);

export const REDACT_PATHS: readonly string[] = [...new Set([...KEY_PATHS, ...HEADER_PATHS, ...CONFIG_PATHS])];

/** Adds each tenant's push-notification header (configurable, e.g. X-Api-Key) to the static list. */
export function redactPathsFor(config: Config): string[] {
  const pushHeaders = config.tenants.flatMap((tenant) =>
    tenant.acumatica.push === null
      ? []
      : [`req.headers[${JSON.stringify(tenant.acumatica.push.header.toLowerCase())}]`],
  );
  return [...new Set([...REDACT_PATHS, ...pushHeaders])];
}

/** Ready to pass as pino's `redact` option. */
export function pinoRedactOptions(config?: Config): { paths: string[]; censor: string } {
  return { paths: config === undefined ? [...REDACT_PATHS] : redactPathsFor(config), censor: REDACT_CENSOR };
}
