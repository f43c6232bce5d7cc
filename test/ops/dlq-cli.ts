import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli/program.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A config file on `database` with one tenant, `acme`; returns its path and a cleanup. */
export function writeConfig(
  database: string,
  tenant: Record<string, unknown> = {},
): { path: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'acusms-dlq-'));
  const path = join(dir, 'acusms.yaml');
  // JSON is YAML: no quoting surprises in URLs.
  writeFileSync(
    path,
    JSON.stringify({
      database,
      publicUrl: 'http://127.0.0.1:1',
      admin: { token: 'cli-test-token' },
      log: { level: 'warn' },
      tenants: [
        {
          id: 'acme',
          timezone: 'America/Chicago',
          acumatica: {
            url: 'http://127.0.0.1:1',
            tenant: 'ACME',
            auth: { type: 'session', username: 'u', password: 'p' },
          },
          twilio: { accountSid: `AC${'0'.repeat(32)}`, authToken: 'token', from: '+13125550100' },
          ...tenant,
        },
      ],
    }),
  );
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** Runs `acusms …` in-process, exactly as the binary does. */
export async function acusms(argv: string[], cwd = tmpdir()): Promise<CliRun> {
  const out = sink();
  const err = sink();
  const code = await runCli(argv, { env: {}, cwd, stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}
