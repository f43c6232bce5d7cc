import { describe, expect, it } from 'vitest';
import { cronProblem } from '../../src/config/cron.js';
import { parseDurationMs } from '../../src/config/duration.js';

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    [' 2m ', 120_000],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['15', '', 'm', '1.5h', '15 m', '-1s', '1w', '1h 30m'])('refuses %j', (text) => {
    expect(parseDurationMs(text)).toBeUndefined();
  });
});

describe('cronProblem', () => {
  it.each([
    '0 3 * * *',
    '*/15 * * * *',
    '0 9-17 * * MON-FRI',
    '0 0 1,15 * *',
    '30 2 * JAN,JUL 0',
    '0 0 * * 7',
  ])('accepts %s', (expression) => {
    expect(cronProblem(expression)).toBeUndefined();
  });

  it.each([
    ['0 3 * *', /expected 5 fields/],
    ['60 3 * * *', /minute: "60" is outside 0-59/],
    ['0 3 0 * *', /day of month: "0" is outside 1-31/],
    ['0 3 * 13 *', /month/],
    ['0 3 * * FUN', /day of week/],
    ['*/0 * * * *', /step must be at least 1/],
    ['0 3 ? * *', /not a value/],
  ])('refuses %s', (expression, problem) => {
    expect(cronProblem(expression)).toMatch(problem);
  });
});
