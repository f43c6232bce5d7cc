import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfigValue } from '../../src/config/parse.js';
import { pinoRedactOptions, REDACT_CENSOR, redactPathsFor } from '../../src/config/redact.js';
import type { Config } from '../../src/config/schema.js';
import { SECRET_PATHS } from '../../src/config/schema.js';
import { Secret } from '../../src/config/secret.js';
import { fullConfig } from './full-config.js';
import { SECRETS } from './helpers.js';

const SECRET_VALUES = Object.values(SECRETS);

function expectNoSecret(text: string): void {
  for (const value of SECRET_VALUES) expect(text).not.toContain(value);
}

function memoryLogger(options: pino.LoggerOptions = {}): { logger: pino.Logger; output: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { logger: pino(options, stream), output: () => chunks.join('') };
}

/** Every path in the parsed config that holds a `Secret`, as `a.b[0].c`. */
function secretPaths(value: unknown, path = ''): string[] {
  if (value instanceof Secret) return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => secretPaths(item, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) =>
      secretPaths(item, path === '' ? key : `${path}.${key}`),
    );
  }
  return [];
}

const parse = (): Config => parseConfigValue(fullConfig(), { env: {}, createDirs: false });

describe('secrets never appear in output', () => {
  it('parses every secret field into a Secret', () => {
    expect(secretPaths(parse()).sort()).toEqual(
      [
        'admin.token',
        'metrics.token',
        'database.url',
        'alerts[1].url',
        'alerts[1].secret',
        'alerts[2].url',
        'tenants[0].acumatica.auth.clientSecret',
        'tenants[0].acumatica.auth.password',
        'tenants[0].acumatica.push.secret',
        'tenants[0].twilio.authToken',
        'tenants[0].twilio.apiKey.secret',
        'tenants[1].acumatica.auth.password',
        'tenants[1].twilio.authToken',
      ].sort(),
    );
    expect(SECRET_PATHS).toHaveLength(10);
  });

  it('through a real pino logger, with and without redact paths', async () => {
    const config = parse();
    for (const options of [{}, { redact: pinoRedactOptions(config) }]) {
      const { logger, output } = memoryLogger(options);
      logger.info({ config }, 'loaded');
      logger.info({ tenant: config.tenants[0] }, 'tenant');
      logger.info(config.tenants[0]!.twilio, 'twilio');
      logger.info('admin token is %s', config.admin.token);
      logger.info('auth %o', config.tenants[0]!.acumatica.auth);
      logger.error(new Error(`boom with ${config.tenants[0]!.twilio.authToken}`));
      logger.flush();
      const text = output();
      expect(text).toContain('"loaded"');
      expect(text).toContain(REDACT_CENSOR);
      expectNoSecret(text);
    }
  });

  it('through JSON.stringify, util.inspect and string interpolation', () => {
    const config = parse();
    expectNoSecret(JSON.stringify(config));
    expectNoSecret(inspect(config, { depth: Number.POSITIVE_INFINITY, showHidden: true }));
    expectNoSecret(`${config.admin.token} ${config.tenants[0]!.twilio.authToken}`);
    expectNoSecret(String(config.tenants[0]!.acumatica.push?.secret));
    expectNoSecret(JSON.stringify(config.alerts));
    // …while the code that needs the value still gets it.
    expect(config.admin.token.reveal()).toBe(SECRETS.adminToken);
  });

  it('in ConfigError messages, even when the config around the secrets is invalid', () => {
    const tree = fullConfig();
    tree.publicUrl = 'not a url';
    tree.unknownKey = 1;
    const tenants = tree.tenants as Record<string, Record<string, unknown>>[];
    tenants[0]!.acumatica!.surprise = SECRETS.password;
    tenants[0]!.twilio!.accountSid = 'AC1';
    let error: ConfigError | undefined;
    try {
      parseConfigValue(tree, { env: {}, createDirs: false });
    } catch (thrown) {
      error = thrown as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expectNoSecret(error!.message);
    expectNoSecret(JSON.stringify(error!.issues));
    expectNoSecret(inspect(error));
  });

  it('pino redact paths hide credentials logged as plain strings', () => {
    const config = parse();
    const { logger, output } = memoryLogger({ redact: pinoRedactOptions(config) });
    logger.info({ config: fullConfig() }, 'raw under config');
    logger.info(fullConfig(), 'raw at the root');
    logger.info({
      req: { headers: { authorization: `Bearer ${SECRETS.adminToken}`, 'x-api-key': SECRETS.pushSecret } },
    });
    logger.info({ body: { access_token: SECRETS.authToken, refresh_token: SECRETS.password } });
    logger.flush();
    const text = output();
    expect(text).toContain('raw under config');
    expectNoSecret(text);
    expect(redactPathsFor(config)).toContain('req.headers["x-api-key"]');
  });
});
