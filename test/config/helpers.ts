import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../src/config/errors.js';

export const ACCOUNT_SID = `AC${'0'.repeat(32)}`;
export const SERVICE_SID = `MG${'1'.repeat(32)}`;
export const API_KEY_SID = `SK${'2'.repeat(32)}`;

/** Distinctive values so a leak is found by plain substring search. */
export const SECRETS = {
  adminToken: 'leak-admin-token-7f3a',
  metricsToken: 'leak-metrics-token-91bc',
  clientSecret: 'leak-client-secret-55de',
  password: 'leak-password-0a1b',
  pushSecret: 'leak-push-secret-c0ff',
  authToken: 'leak-auth-token-beef',
  apiKeySecret: 'leak-api-key-secret-d00d',
  alertSecret: 'leak-alert-secret-4242',
  webhookUrl: 'https://hooks.example.com/leak-webhook-path-abcd',
  slackUrl: 'https://hooks.slack.com/services/leak-slack-path-ef01',
  databasePassword: 'leak-db-password-9999',
} as const;

/** The smallest valid configuration; tests copy it and change one thing. */
export function minimalConfig(): Record<string, unknown> {
  return {
    publicUrl: 'https://sms.example.com',
    admin: { token: 'admin-token' },
    tenants: [minimalTenant('acme')],
  };
}

export function minimalTenant(id: string): Record<string, unknown> {
  return {
    id,
    timezone: 'America/Chicago',
    acumatica: {
      url: 'https://acme.acumatica.com',
      tenant: 'ACME',
      auth: { type: 'session', username: 'api', password: 'pw' },
    },
    twilio: { accountSid: ACCOUNT_SID, authToken: 'auth-token', from: '+13125550100' },
  };
}

/** Runs `fn`, expects a ConfigError and returns its issues. */
export function issuesOf(fn: () => unknown): ConfigIssue[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return [...(error as ConfigError).issues];
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

export function messagesAt(issues: readonly ConfigIssue[], path: string): string[] {
  return issues.filter((issue) => issue.path === path).map((issue) => issue.message);
}

/** A fresh temporary folder per call, removed after the test. */
const folders: string[] = [];
export function tempDir(): string {
  const folder = mkdtempSync(join(tmpdir(), 'acusms-config-'));
  folders.push(folder);
  return folder;
}
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
