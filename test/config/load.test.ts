// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about ${ENV} references in config text
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError } from '../../src/config/errors.js';
import { formatConfigIssues, loadConfig, parseConfigText, resolveConfigPath } from '../../src/config/load.js';
import { issuesOf, minimalConfig, tempDir } from './helpers.js';

const EXAMPLE = resolve(import.meta.dirname, '../../examples/acusms.yaml');

function writeConfig(folder: string, name: string, tree: Record<string, unknown>): string {
  const file = join(folder, name);
  writeFileSync(file, stringify(tree));
  return file;
}

describe('finding the file', () => {
  it('prefers --config, then ACUSMS_CONFIG, then ./acusms.yaml', () => {
    const cwd = tempDir();
    const named = (name: string) => ({ ...minimalConfig(), publicUrl: `https://${name}.example.com` });
    writeConfig(cwd, 'acusms.yaml', named('default'));
    writeConfig(cwd, 'from-env.yaml', named('env'));
    writeConfig(cwd, 'explicit.yaml', named('explicit'));
    const env = { ACUSMS_CONFIG: 'from-env.yaml' };

    expect(loadConfig({ path: 'explicit.yaml', env, cwd }).publicUrl).toBe('https://explicit.example.com');
    expect(loadConfig({ env, cwd }).publicUrl).toBe('https://env.example.com');
    expect(loadConfig({ env: {}, cwd }).publicUrl).toBe('https://default.example.com');
    expect(loadConfig({ env: { ACUSMS_CONFIG: '' }, cwd }).publicUrl).toBe('https://default.example.com');
    expect(resolveConfigPath({ path: '/etc/acusms.yaml', env, cwd })).toBe('/etc/acusms.yaml');
  });

  it('reports a missing file with the path it looked at', () => {
    const cwd = tempDir();
    const error = (() => {
      try {
        loadConfig({ env: {}, cwd });
      } catch (thrown) {
        return thrown as ConfigError;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('invalid_config');
    expect(error.retryable).toBe(false);
    expect(error.file).toBe(join(cwd, 'acusms.yaml'));
    expect(error.issues).toEqual([
      {
        path: '',
        message: `cannot read ${join(cwd, 'acusms.yaml')}: no such file; pass --config or set ACUSMS_CONFIG`,
      },
    ]);
  });
});

describe('YAML', () => {
  it('reports a syntax error with its line and column', () => {
    const issues = issuesOf(() =>
      parseConfigText('publicUrl: https://x\nadmin:\n  token: [unclosed\nhttp: 1\n'),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('');
    expect(issues[0]!.message).toMatch(/^YAML syntax error at line \d+, column \d+: /);
  });

  it('maps the column back to the original text on a line with ${VAR}', () => {
    const text = 'admin: { token: ${TOKEN}, x: [ }\n';
    const issues = issuesOf(() => parseConfigText(text, { env: { TOKEN: 't' } }));
    const column = Number(/column (\d+)/.exec(issues[0]!.message)?.[1]);
    expect(column).toBeGreaterThan(text.indexOf('x: ['));
    expect(column).toBeLessThanOrEqual(text.length);
  });

  it('rejects duplicate keys', () => {
    const issues = issuesOf(() => parseConfigText('publicUrl: https://a\npublicUrl: https://b\n'));
    expect(issues[0]!.message).toMatch(/line 2/);
  });

  it('reports an empty file', () => {
    expect(issuesOf(() => parseConfigText('# nothing\n'))).toEqual([
      { path: '', message: 'the configuration is empty' },
    ]);
  });
});

describe('SQLite paths', () => {
  it.each([
    ['sqlite:./data/acusms.db', 'data/acusms.db'],
    ['sqlite:state/x.db', 'state/x.db'],
    ['sqlite:nested/deeper/x.db', 'nested/deeper/x.db'],
  ])('resolves %s against the config folder and creates the folder', (database, relative) => {
    const cwd = tempDir();
    const configDir = join(cwd, 'etc');
    mkdirSync(configDir);
    const file = writeConfig(configDir, 'acusms.yaml', { ...minimalConfig(), database });
    const config = loadConfig({ path: file, env: {}, cwd });
    const expected = join(configDir, relative);
    expect(config.database).toEqual({ dialect: 'sqlite', file: expected });
    expect(existsSync(join(expected, '..'))).toBe(true);
  });

  it('only looks, without creating the folder, when asked', () => {
    const cwd = tempDir();
    writeConfig(cwd, 'acusms.yaml', { ...minimalConfig(), database: 'sqlite:./not-yet/x.db' });
    const config = loadConfig({ env: {}, cwd, createDirs: false });
    expect(config.database).toEqual({ dialect: 'sqlite', file: join(cwd, 'not-yet/x.db') });
    expect(existsSync(join(cwd, 'not-yet'))).toBe(false);
  });

  it('keeps absolute paths and :memory:', () => {
    const cwd = tempDir();
    const absolute = join(cwd, 'abs', 'a.db');
    writeConfig(cwd, 'abs.yaml', { ...minimalConfig(), database: `sqlite:${absolute}` });
    expect(loadConfig({ path: 'abs.yaml', env: {}, cwd }).database).toEqual({
      dialect: 'sqlite',
      file: absolute,
    });
    writeConfig(cwd, 'mem.yaml', { ...minimalConfig(), database: 'sqlite::memory:' });
    expect(loadConfig({ path: 'mem.yaml', env: {}, cwd }).database).toEqual({
      dialect: 'sqlite',
      file: ':memory:',
    });
  });

  it('reports a folder that cannot be created', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'blocker'), 'a file, not a folder');
    writeConfig(cwd, 'acusms.yaml', { ...minimalConfig(), database: 'sqlite:blocker/x.db' });
    const issues = issuesOf(() => loadConfig({ env: {}, cwd }));
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('database');
  });
});

describe('the example file', () => {
  it('parses with no environment variables set, against the local simulators', () => {
    const cwd = tempDir();
    const config = loadConfig({ path: EXAMPLE, env: {}, cwd, createDirs: false });
    expect(config.publicUrl).toBe('http://127.0.0.1:8080');
    expect(config.database).toEqual({ dialect: 'sqlite', file: resolve(EXAMPLE, '../data/acusms.db') });
    const [tenant] = config.tenants;
    expect(tenant!.acumatica.url).toBe('http://127.0.0.1:8081');
    expect(tenant!.twilio.baseUrl).toBe('http://127.0.0.1:8082');
    expect(tenant!.rules.map((rule) => [rule.id, rule.trigger.type])).toEqual([
      ['order-shipped', 'push'],
      ['invoice-overdue', 'poll'],
    ]);
    expect(config.admin.token.reveal()).toBe('demo-admin-token-change-me');
  });

  it('takes its secrets and URLs from the environment when set', () => {
    const config = loadConfig({
      path: EXAMPLE,
      env: { ACUSMS_ADMIN_TOKEN: 'from-env', TWILIO_BASE_URL: 'https://api.twilio.com' },
      cwd: tempDir(),
      createDirs: false,
    });
    expect(config.admin.token.reveal()).toBe('from-env');
    expect(config.tenants[0]!.twilio.baseUrl).toBe('https://api.twilio.com');
  });
});

describe('ConfigError', () => {
  it('lists every problem one per line, for the CLI', () => {
    const error = new ConfigError(
      [
        { path: 'tenants[0].twilio.accountSid', message: 'bad' },
        { path: '', message: 'file-level' },
      ],
      { file: '/etc/acusms.yaml' },
    );
    expect(error.message).toBe(
      'invalid /etc/acusms.yaml (2 problems):\n  tenants[0].twilio.accountSid: bad\n  file-level',
    );
    expect(formatConfigIssues(error.issues)).toBe('  tenants[0].twilio.accountSid: bad\n  file-level');
    expect(error.name).toBe('ConfigError');
  });
});
