// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about ${ENV} references in config text
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { parseConfigValue } from '../../src/config/parse.js';
import { SECRET_PATHS } from '../../src/config/schema.js';
import { Secret } from '../../src/config/secret.js';
import { fullConfig } from './full-config.js';
import { API_KEY_SID, issuesOf, messagesAt, minimalConfig, SECRETS, tempDir } from './helpers.js';

type Tree = Record<string, unknown>;

describe('…File secrets', () => {
  it('reads the file, trims the trailing newline, and resolves relative paths against the config folder', () => {
    const folder = tempDir();
    writeFileSync(join(folder, 'admin-token'), 'from-a-file\n');
    writeFileSync(join(folder, 'twilio-token'), 'twilio-from-file\r\n');
    const tree = minimalConfig();
    tree.admin = { tokenFile: './admin-token' };
    const twilio = (tree.tenants as Tree[])[0]!.twilio as Tree;
    delete twilio.authToken;
    twilio.authTokenFile = join(folder, 'twilio-token');
    writeFileSync(join(folder, 'acusms.yaml'), stringify(tree));

    const config = loadConfig({ path: join(folder, 'acusms.yaml'), env: {}, cwd: '/' });
    expect(config.admin.token).toBeInstanceOf(Secret);
    expect(config.admin.token.reveal()).toBe('from-a-file');
    expect(config.tenants[0]!.twilio.authToken.reveal()).toBe('twilio-from-file');
  });

  it('takes the file path from ${ENV}', () => {
    const folder = tempDir();
    writeFileSync(join(folder, 'token'), 'systemd-credential');
    const tree = minimalConfig();
    tree.admin = { tokenFile: '${CREDENTIALS_DIRECTORY}/token' };
    const config = parseConfigValue(tree, { env: { CREDENTIALS_DIRECTORY: folder }, createDirs: false });
    expect(config.admin.token.reveal()).toBe('systemd-credential');
  });

  it('reports a missing file at the …File path, once', () => {
    const tree = minimalConfig();
    tree.admin = { tokenFile: '/nonexistent/acusms/admin-token' };
    expect(issuesOf(() => parseConfigValue(tree, { env: {}, createDirs: false }))).toEqual([
      { path: 'admin.tokenFile', message: 'cannot read /nonexistent/acusms/admin-token (ENOENT)' },
    ]);
  });

  it('reports an unreadable or empty file', () => {
    const folder = tempDir();
    const empty = join(folder, 'empty');
    writeFileSync(empty, '\n');
    const tree = minimalConfig();
    tree.admin = { tokenFile: empty };
    tree.metrics = { tokenFile: folder }; // a folder: EISDIR
    const issues = issuesOf(() => parseConfigValue(tree, { env: {}, createDirs: false }));
    expect(messagesAt(issues, 'admin.tokenFile')).toEqual([`${empty} is empty`]);
    expect(messagesAt(issues, 'metrics.tokenFile')).toEqual([`cannot read ${folder} (EISDIR)`]);
    expect(issues).toHaveLength(2);
  });

  it('refuses a secret given both inline and as a file', () => {
    const tree = minimalConfig();
    tree.admin = { token: 'inline', tokenFile: '/run/secrets/admin' };
    expect(issuesOf(() => parseConfigValue(tree, { env: {}, createDirs: false }))).toEqual([
      { path: 'admin.tokenFile', message: 'give token or tokenFile, not both' },
    ]);
  });

  it('refuses …File for a field that is not a secret', () => {
    const tree = minimalConfig();
    tree.publicUrlFile = '/etc/hostname';
    expect(
      messagesAt(
        issuesOf(() => parseConfigValue(tree, { env: {}, createDirs: false })),
        'publicUrlFile',
      ),
    ).toEqual(['unknown key']);
  });

  it('works for every secret path', () => {
    const folder = tempDir();
    const tree = fullConfig();
    let count = 0;
    // Move every secret into a file and check it comes back unchanged.
    const move = (node: unknown, pattern: readonly string[]): void => {
      const [head, ...rest] = pattern;
      if (node === undefined || node === null) return;
      if (head === '*') {
        for (const item of node as unknown[]) move(item, rest);
        return;
      }
      const record = node as Tree;
      if (rest.length > 0) {
        move(record[head!], rest);
        return;
      }
      if (record[head!] === undefined) return;
      const file = join(folder, `secret-${count++}`);
      writeFileSync(file, `${String(record[head!])}\n`);
      delete record[head!];
      record[`${head}File`] = file;
    };
    for (const pattern of SECRET_PATHS) move(tree, pattern);
    expect(count).toBeGreaterThanOrEqual(12);
    const config = parseConfigValue(tree, { env: {}, createDirs: false });
    const auth = config.tenants[0]!.acumatica.auth;
    if (auth.type !== 'oauth2') throw new Error('expected oauth2');
    expect(auth.clientSecret.reveal()).toBe(SECRETS.clientSecret);
    expect(config.tenants[0]!.twilio.apiKey).toMatchObject({ sid: API_KEY_SID });
    expect(config.tenants[0]!.twilio.apiKey?.secret.reveal()).toBe(SECRETS.apiKeySecret);
    if (config.database.dialect !== 'postgres') throw new Error('expected postgres');
    expect(config.database.url.reveal()).toContain(SECRETS.databasePassword);
  });
});
