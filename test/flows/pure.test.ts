import { describe, expect, it } from 'vitest';
import type { RuleConfig } from '../../src/config/schema.js';
import { keywordOf } from '../../src/flows/opt-outs.js';
import { nextSendTime, recipientTimeZone } from '../../src/flows/quiet-hours.js';
import { planSends } from '../../src/flows/rules.js';
import { advancesStatus } from '../../src/flows/statuses.js';
import { renderTemplate, TemplateError } from '../../src/flows/template.js';

const shipped: RuleConfig = {
  id: 'order-shipped',
  trigger: { type: 'push', query: 'ShippedOrders' },
  when: { field: 'Status', becomes: 'Shipped' },
  key: '{{OrderNbr}}',
  to: '{{ContactPhone}}',
  body: 'Hi {{CustomerName}}, order {{OrderNbr}} has shipped.',
  relate: null,
};
const row = (status: string, extra: Record<string, unknown> = {}) => ({
  OrderNbr: 'SO0001',
  Status: status,
  ContactPhone: '(312) 555-0142',
  CustomerName: 'Ada',
  ...extra,
});

describe('rules', () => {
  it('an update into the target status sends; its text is rendered from the row', () => {
    const { sends, failures } = planSends([shipped], [row('Shipped')], [row('Open')]);
    expect(failures).toEqual([]);
    expect(sends).toMatchObject([
      {
        ruleId: 'order-shipped',
        key: 'SO0001',
        to: '(312) 555-0142',
        body: 'Hi Ada, order SO0001 has shipped.',
      },
    ]);
  });

  it('an update that leaves the status unchanged sends nothing', () => {
    const { sends } = planSends([shipped], [row('Shipped', { CustomerName: 'Ada L.' })], [row('Shipped')]);
    expect(sends).toEqual([]);
  });

  it('a new record (no Deleted twin) in the target status counts as a change', () => {
    expect(planSends([shipped], [row('Shipped')], []).sends).toHaveLength(1);
  });

  it('another status sends nothing', () => {
    expect(planSends([shipped], [row('Open')], []).sends).toEqual([]);
  });

  it('a missing template field fails the row with the field named, and never sends blanks', () => {
    const { sends, failures } = planSends([shipped], [row('Shipped', { CustomerName: '' })], []);
    expect(sends).toEqual([]);
    expect(failures[0]?.reason).toContain('{{CustomerName}}');
  });
});

describe('templates', () => {
  it('substitutes fields and reports every missing one at once', () => {
    expect(renderTemplate('{{ A }}-{{b}}', { A: 1, B: 'x' })).toBe('1-x');
    const error = (() => {
      try {
        renderTemplate('{{X}} {{Y}} {{X}}', {});
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).missing).toEqual(['X', 'Y']);
  });
});

describe('opt-out keywords', () => {
  it.each([
    ['STOP', 'stop'],
    ['stop', 'stop'],
    [' Unsubscribe ', 'stop'],
    ['stopall', 'stop'],
    ['Cancel', 'stop'],
    ['start', 'start'],
    ['YES', 'start'],
    ['unstop', 'start'],
    ['help', 'help'],
    ['please stop texting me', undefined],
    ['Stopped by the store', undefined],
  ])('%j ⇒ %s', (body, expected) => {
    expect(keywordOf(body)).toBe(expected);
  });

  it("Twilio's OptOutType wins over the body", () => {
    expect(keywordOf('arrêter', 'STOP')).toBe('stop');
  });
});

describe('status ranking', () => {
  it('moves forward, never back from a final status, and ignores repeats', () => {
    expect(advancesStatus('sending', 'queued')).toBe(true);
    expect(advancesStatus('queued', 'sent')).toBe(true);
    expect(advancesStatus('sent', 'queued')).toBe(false);
    expect(advancesStatus('delivered', 'sent')).toBe(false);
    expect(advancesStatus('delivered', 'failed')).toBe(false);
    expect(advancesStatus('delivered', 'delivered')).toBe(false);
    expect(advancesStatus('sent', 'undelivered')).toBe(true);
    expect(advancesStatus('delivered', 'read')).toBe(true);
  });
});

describe('quiet hours', () => {
  const quiet = { start: '21:00', end: '08:00', startMinute: 21 * 60, endMinute: 8 * 60 };
  // 2026-01-05 is a Monday; Chicago is UTC-6 in January.
  const chicago = (h: number, m = 0) => Date.UTC(2026, 0, 5, h + 6, m);

  it('sends at once outside the window', () => {
    expect(nextSendTime(chicago(12), 'America/Chicago', quiet)).toBe(chicago(12));
  });

  it('defers a late-evening send to 08:00 the next morning, local to the recipient', () => {
    expect(nextSendTime(chicago(22, 30), 'America/Chicago', quiet)).toBe(chicago(32));
  });

  it('defers an early-morning send to 08:00 the same day', () => {
    expect(nextSendTime(chicago(6, 15), 'America/Chicago', quiet)).toBe(chicago(8));
  });

  it('null turns quiet hours off', () => {
    expect(nextSendTime(chicago(23), 'America/Chicago', null)).toBe(chicago(23));
  });

  it('takes the contact zone, else the number area, else the tenant zone', async () => {
    expect(await recipientTimeZone('+13125550142', 'America/Denver', 'UTC')).toEqual({
      zone: 'America/Denver',
      source: 'contact',
    });
    expect(await recipientTimeZone('+12125550142', null, 'UTC')).toEqual({
      zone: 'America/New_York',
      source: 'number',
    });
    // Toll-free numbers span every US zone: fall back to the tenant.
    expect(await recipientTimeZone('+18005550142', null, 'America/Chicago')).toEqual({
      zone: 'America/Chicago',
      source: 'tenant',
    });
  });
});
