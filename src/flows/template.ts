import { AcusmsError } from '../errors.js';

/** A template names a field the event does not carry: the event is dead-lettered, never texted with a blank. */
export class TemplateError extends AcusmsError {
  readonly missing: readonly string[];

  constructor(template: string, missing: readonly string[]) {
    super(
      'template_field_missing',
      `template "${template}" needs ${missing.map((m) => `{{${m}}}`).join(', ')}, absent or empty in the event`,
    );
    this.missing = missing;
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g;

export type TemplateValues = Readonly<Record<string, unknown>>;

/**
 * Logic-less `{{Field}}` substitution: no expressions, no helpers, nothing an ERP user could
 * turn into code. Field names are matched exactly first, then case-insensitively (GI column
 * captions vary in case between versions). Every missing field is reported at once.
 */
export function renderTemplate(template: string, values: TemplateValues): string {
  const missing: string[] = [];
  const out = template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = lookup(values, name);
    if (value === undefined || value === null || String(value).trim() === '') {
      missing.push(name);
      return '';
    }
    return String(value);
  });
  if (missing.length > 0) throw new TemplateError(template, [...new Set(missing)]);
  return out;
}

function lookup(values: TemplateValues, name: string): unknown {
  if (name in values) return values[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(values)) if (key.toLowerCase() === lower) return value;
  return undefined;
}
