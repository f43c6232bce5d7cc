import { cronProblem } from '../config/cron.js';

/**
 * A minimal evaluator for five-field cron expressions ("0 3 * * *"), in UTC. The config already
 * validated the text with `cronProblem` (src/config/cron.ts); this expands each field to the
 * set of values it allows and walks forward from a time. Vixie-cron rule: when both day of
 * month and day of week are restricted, a day matching either one fires.
 */
export interface CronSchedule {
  readonly expression: string;
  /** The first firing strictly after `afterMs` (epoch ms, whole minutes). */
  next(afterMs: number): number;
}

const RANGES = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
] as const;
const NAMES: readonly (readonly string[])[] = [
  [],
  [],
  [],
  ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
];

function tokenValue(token: string, index: number): number {
  if (/^\d+$/.test(token)) return Number(token);
  return NAMES[index]!.indexOf(token.toUpperCase()) + RANGES[index]![0];
}

function expand(field: string, index: number): Set<number> {
  const [min, max] = RANGES[index]!;
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const [range = '*', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let [from, to] = [min as number, max as number];
    if (range !== '*') {
      const [a = '', b] = range.split('-');
      from = tokenValue(a, index);
      // `5/15` means from 5 to the end of the range, as in Vixie cron.
      to = b !== undefined ? tokenValue(b, index) : stepText !== undefined ? max : from;
    }
    for (let v = from; v <= to; v += step) out.add(index === 4 && v === 7 ? 0 : v);
  }
  return out;
}

export function parseCron(expression: string): CronSchedule {
  const problem = cronProblem(expression);
  if (problem !== undefined) throw new TypeError(`invalid cron expression "${expression}": ${problem}`);
  const parts = expression.trim().split(/\s+/);
  const [minutes, hours, days, months, weekdays] = parts.map((p, i) => expand(p, i)) as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  const dayRestricted = parts[2] !== '*';
  const weekdayRestricted = parts[4] !== '*';
  const dayMatches = (d: Date) => {
    const byDay = days.has(d.getUTCDate());
    const byWeekday = weekdays.has(d.getUTCDay());
    if (dayRestricted && weekdayRestricted) return byDay || byWeekday;
    return byDay && byWeekday;
  };
  return {
    expression,
    next(afterMs) {
      const d = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
      // Skips whole months, days and hours that cannot match: at most ~12 + 31 + 24 + 60
      // steps per year searched, and five years cover any valid expression (Feb 29 included).
      const limit = afterMs + 5 * 366 * 86_400_000;
      while (d.getTime() <= limit) {
        if (!months.has(d.getUTCMonth() + 1)) {
          d.setUTCMonth(d.getUTCMonth() + 1, 1);
          d.setUTCHours(0, 0, 0, 0);
        } else if (!dayMatches(d)) {
          d.setUTCDate(d.getUTCDate() + 1);
          d.setUTCHours(0, 0, 0, 0);
        } else if (!hours.has(d.getUTCHours())) {
          d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
        } else if (!minutes.has(d.getUTCMinutes())) {
          d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
        } else {
          return d.getTime();
        }
      }
      throw new RangeError(`cron expression "${expression}" never fires`);
    },
  };
}
