/** The five fields of a classic cron expression with their inclusive ranges (day of week 7 = Sunday). */
const FIELDS = [
  { name: 'minute', min: 0, max: 59, names: [] },
  { name: 'hour', min: 0, max: 23, names: [] },
  { name: 'day of month', min: 1, max: 31, names: [] },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

const ITEM = /^(\*|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:\/(\d+))?$/;

/**
 * Checks a five-field cron expression ("0 3 * * *") and returns why it is wrong, or `undefined`
 * when it is fine. Validation only: the scheduler owns evaluation, this catches typos at start-up.
 */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) return `expected 5 fields (minute hour day month weekday), got ${parts.length}`;
  for (const [index, part] of parts.entries()) {
    const field = FIELDS[index]!;
    for (const item of part.split(',')) {
      const match = ITEM.exec(item);
      if (!match) return `${field.name}: "${item}" is not a value, range, list or step`;
      const [, range, step] = match;
      if (step !== undefined && Number(step) === 0) return `${field.name}: step must be at least 1`;
      if (range === '*') continue;
      for (const bound of range!.split('-')) {
        const value = numberFor(bound, field.names, field.min);
        if (value === undefined || value < field.min || value > field.max) {
          return `${field.name}: "${bound}" is outside ${field.min}-${field.max}`;
        }
      }
    }
  }
  return undefined;
}

function numberFor(token: string, names: readonly string[], offset: number): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  const index = names.indexOf(token.toUpperCase());
  return index === -1 ? undefined : index + offset;
}
