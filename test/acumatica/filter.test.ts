import { describe, expect, it } from 'vitest';
import {
  and,
  customFieldRef,
  dateOnly,
  eq,
  ge,
  guid,
  literal,
  not,
  odata,
  or,
  substringof,
} from '../../src/acumatica/filter.js';
import { evaluateFilter, parseFilter } from '../../src/sim/acumatica/odata-filter.js';
import { clientFor, withSim } from './helpers.js';

describe('filter builder', () => {
  it('encodes every literal kind', () => {
    expect(literal("O'Brien")).toBe("'O''Brien'");
    expect(literal(new Date(Date.UTC(2026, 0, 5, 15, 0, 0)))).toBe(
      "datetimeoffset'2026-01-05T15:00:00.000Z'",
    );
    expect(literal(guid('8AA2B525-0F96-E411-B335-E006E6DAC1D7'))).toBe(
      "guid'8AA2B525-0F96-E411-B335-E006E6DAC1D7'",
    );
    expect(literal(dateOnly('2026-01-05'))).toBe("date'2026-01-05'");
    expect(literal(12)).toBe('12');
    expect(literal(true)).toBe('true');
    expect(literal(null)).toBe('null');
    expect(() => literal(Number.NaN)).toThrow();
    expect(() => guid("x' or 1 eq 1")).toThrow();
  });

  it('refuses field names that are not identifiers', () => {
    expect(() => eq("Summary eq 'x' or Type", 'y')).toThrow(/not a field name/);
    expect(() => customFieldRef('String', "Activities.Usr') or (1 eq 1")).toThrow();
  });

  it('tagged template encodes interpolations and keeps the code', () => {
    const f = odata`Type eq ${'SMS'} and LastModifiedDateTime gt ${new Date(0)}`;
    expect(f.toString()).toBe(
      "Type eq 'SMS' and LastModifiedDateTime gt datetimeoffset'1970-01-01T00:00:00.000Z'",
    );
  });

  const hostile = [
    "' or 1 eq 1",
    "x') or substringof('a', LastName",
    "O'Brien",
    "''",
    'Zoë Ñúñez 北京 🚚',
    'a+b&c=d%20e#f?g/h\\i',
    "'; DROP TABLE Contact; --",
  ];

  it.each(hostile)('round-trips %j through the simulator parser as one string literal', (value) => {
    const tree = parseFilter(eq('LastName', value).toString());
    expect(tree).toEqual({
      type: 'compare',
      op: 'eq',
      left: { type: 'field', path: 'LastName' },
      right: { type: 'literal', literal: { kind: 'string', value } },
    });
  });

  it('hostile values match exactly the intended record over HTTP', async () => {
    await withSim({ tenants: [{ name: 'Company', seed: false }] }, async (sim) => {
      for (const [i, name] of hostile.entries())
        sim.upsert('Contact', { ContactID: 500 + i, LastName: name });
      sim.upsert('Contact', { ContactID: 999, LastName: 'Bystander' });
      const { entities } = clientFor(sim);
      for (const [i, name] of hostile.entries()) {
        const rows = await entities.listPage('Contact', {
          filter: eq('LastName', name),
          select: ['ContactID'],
        });
        expect(rows.map((r) => (r.ContactID as { value: number }).value)).toEqual([500 + i]);
        const sub = await entities.listPage('Contact', {
          filter: substringof(name, 'LastName'),
          select: ['ContactID'],
        });
        expect(sub.map((r) => (r.ContactID as { value: number }).value)).toContain(500 + i);
        expect(sub.map((r) => (r.ContactID as { value: number }).value)).not.toContain(999);
      }
    });
  });

  it('composes and/or/not with parentheses the parser honours', () => {
    const f = and(eq('Type', 'SMS'), or(eq('Status', 'Open'), not(eq('Status', 'Completed'))));
    const row = (type: string, status: string) => ({
      field: (p: string) => ({ exists: true as const, value: p === 'Type' ? type : status }),
      custom: () => ({ exists: false as const }),
    });
    const tree = parseFilter(f.toString());
    expect(evaluateFilter(tree, row('SMS', 'Open'))).toBe(true);
    expect(evaluateFilter(tree, row('SMS', 'Completed'))).toBe(false);
    expect(evaluateFilter(tree, row('M', 'Open'))).toBe(false);
  });

  it('parses custom fields, dates and guids', () => {
    const f = and(
      eq(customFieldRef('String', 'Activities.UsrTwilioMessageSid'), 'SM0123'),
      ge('LastModifiedDateTime', new Date(Date.UTC(2026, 0, 1))),
      eq('NoteID', guid('8aa2b525-0f96-e411-b335-e006e6dac1d7')),
    );
    const ctx = {
      field: (p: string) => ({
        exists: true as const,
        value: p === 'NoteID' ? '8aa2b525-0f96-e411-b335-e006e6dac1d7' : '2026-01-02T00:00:00+03:00',
      }),
      custom: (vf: string) => ({
        exists: true as const,
        value: vf === 'Activities.UsrTwilioMessageSid' ? 'SM0123' : null,
      }),
    };
    expect(evaluateFilter(parseFilter(f.toString()), ctx)).toBe(true);
    expect(evaluateFilter(parseFilter("Date gt date'2026-01-03'"), ctx)).toBe(false);
  });
});
