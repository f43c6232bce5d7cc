import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { waitFor } from '../helpers/wait.js';

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

async function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const out = capture();
  const err = capture();
  const code = await runCli(argv, { env, cwd, stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'acusms-cli-'));
  dirs.push(dir);
  return dir;
}

const BAD_CONFIG = `
database: mysql://nope
publicUrl: not-a-url
admin: { token: "t0ken" }
tenants:
  - id: Acme Corp
    timezone: Mars/Olympus
    acumatica: { url: https://acme.example, tenant: ACME, auth: { type: magic } }
    twilio: { accountSid: AC1, authToken: "x", from: "+13125550100" }
`;

describe('acusms CLI', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill('SIGKILL');
    child = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('an invalid config lists every problem by path and exits 2, for every command', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), BAD_CONFIG);
    for (const command of ['serve', 'migrate', 'doctor']) {
      const result = await run([command, '--config', 'bad.yaml'], dir);
      expect(result.code, command).toBe(2);
      const text = result.stderr + result.stdout;
      for (const path of [
        'database',
        'publicUrl',
        'tenants[0].id',
        'tenants[0].timezone',
        'tenants[0].acumatica.auth.type',
        'tenants[0].twilio.accountSid',
      ]) {
        expect(text, `${command} ${path}`).toContain(path);
      }
    }
  });

  it('finds the config through ACUSMS_CONFIG, then ./acusms.yaml', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'elsewhere.yaml'), BAD_CONFIG);
    expect((await run(['migrate'], dir, { ACUSMS_CONFIG: join(dir, 'elsewhere.yaml') })).stderr).toContain(
      'elsewhere.yaml',
    );
    const missing = await run(['migrate'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('acusms.yaml');
  });

  it('bad usage exits 2; --help exits 0', async () => {
    const dir = tempDir();
    expect((await run(['frobnicate'], dir)).code).toBe(2);
    expect((await run(['serve', '--role', 'boss'], dir)).code).toBe(2);
    expect((await run(['sim', 'paypal'], dir)).code).toBe(2);
    expect((await run(['send', '--tenant', 'acme'], dir)).code).toBe(2);
    const help = await run(['--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('serve');
  });

  it('`acusms serve --config examples/acusms.yaml` answers /healthz and drains on SIGTERM', async () => {
    const dir = tempDir();
    const port = 18_000 + Math.floor(Math.random() * 2000);
    child = spawn(process.execPath, ['bin/acusms.js', 'serve', '--config', 'examples/acusms.yaml'], {
      cwd: join(import.meta.dirname, '../..'),
      env: {
        PATH: process.env.PATH,
        ACUSMS_DATABASE: `sqlite:${join(dir, 'serve.db')}`,
        ACUSMS_PUBLIC_URL: `http://127.0.0.1:${port}`,
        ACUSMS_HTTP_PORT: String(port),
        ACUSMS_LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    const health = await waitFor(
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`)
          .then((r) => (r.ok ? r.json() : undefined))
          .catch(() => undefined),
      { what: 'serve to answer /healthz', timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(health).toEqual({ status: 'ok' });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
