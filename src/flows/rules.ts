import { z } from 'zod';
import type { RuleConfig } from '../config/schema.js';
import { AcusmsError } from '../errors.js';
import { renderTemplate, type TemplateValues } from './template.js';

/** A push notification as SM302000 sends it (acumatica-notes §6); extra keys are kept. */
export const pushNotificationSchema = z.looseObject({
  Inserted: z.array(z.record(z.string(), z.unknown())).default([]),
  Deleted: z.array(z.record(z.string(), z.unknown())).default([]),
  Query: z.string().min(1),
  CompanyId: z.string().min(1),
  Id: z.string().min(1),
  TimeStamp: z.union([z.number(), z.string()]).optional(),
  AdditionalInfo: z.unknown().optional(),
});
export type PushNotification = z.infer<typeof pushNotificationSchema>;

export interface PlannedSend {
  ruleId: string;
  key: string;
  to: string;
  body: string;
  relate: { noteId: string; type: string } | null;
  /** The event row it came from, kept for the dead letter if the send cannot be accepted. */
  row: TemplateValues;
}

export interface RuleFailure {
  ruleId: string;
  row: TemplateValues;
  reason: string;
}

/**
 * Which rows of an event become texts. For `when: {field, becomes}` a row counts when its new
 * value equals `becomes` and its `Deleted` twin (the same row before the change, matched on
 * the rendered `key`) did not already have it; a row with no twin is a new record and counts.
 * Each planned send is keyed `(rule, key)`: the ledger turns repeats into no-ops.
 */
export function planSends(
  rules: readonly RuleConfig[],
  inserted: readonly TemplateValues[],
  deleted: readonly TemplateValues[],
): { sends: PlannedSend[]; failures: RuleFailure[] } {
  const sends: PlannedSend[] = [];
  const failures: RuleFailure[] = [];
  for (const rule of rules) {
    const before = new Map<string, TemplateValues>();
    for (const row of deleted) {
      const key = tryRender(rule.key, row);
      if (key !== undefined) before.set(key, row);
    }
    for (const row of inserted) {
      try {
        const key = renderTemplate(rule.key, row);
        if (rule.when && !becomes(rule.when, row, before.get(key))) continue;
        sends.push({
          ruleId: rule.id,
          key,
          to: renderTemplate(rule.to, row),
          body: renderTemplate(rule.body, row),
          relate: rule.relate
            ? { noteId: renderTemplate(rule.relate.noteId, row), type: rule.relate.type }
            : null,
          row,
        });
      } catch (error) {
        if (!(error instanceof AcusmsError)) throw error;
        failures.push({ ruleId: rule.id, row, reason: `rule ${rule.id}: ${error.message}` });
      }
    }
  }
  return { sends, failures };
}

/** Rules a push notification for `query` triggers (GI names compare case-insensitively). */
export function rulesForQuery(rules: readonly RuleConfig[], query: string): RuleConfig[] {
  const wanted = query.trim().toLowerCase();
  return rules.filter((r) => r.trigger.type === 'push' && r.trigger.query.trim().toLowerCase() === wanted);
}

function becomes(
  when: { field: string; becomes: string },
  row: TemplateValues,
  twin: TemplateValues | undefined,
): boolean {
  const now = fieldValue(row, when.field);
  if (now !== when.becomes) return false;
  return twin === undefined || fieldValue(twin, when.field) !== when.becomes;
}

function fieldValue(row: TemplateValues, field: string): string | undefined {
  const value = row[field] ?? Object.entries(row).find(([k]) => k.toLowerCase() === field.toLowerCase())?.[1];
  return value === undefined || value === null ? undefined : String(value).trim();
}

function tryRender(template: string, row: TemplateValues): string | undefined {
  try {
    return renderTemplate(template, row);
  } catch {
    return undefined;
  }
}
