import { describe, expect, it } from 'vitest';
import { sidFromSummary, sidMarker } from '../../src/acumatica/activity-writer.js';
import { createProgress, formatProgress, formatSeconds } from '../../src/cli/progress.js';
import { completeRun } from '../../src/flows/sync-cursor.js';
import { directionOf, toSyncItem } from '../../src/flows/sync-transform.js';
import { parseCron } from '../../src/ops/cron.js';

const at = (iso: string) => Date.parse(iso);

describe('cron', () => {
  it('finds the next firing of the daily default and of ranges, steps, lists and names', () => {
    expect(new Date(parseCron('0 3 * * *').next(at('2026-01-05T02:59:00Z'))).toISOString()).toBe(
      '2026-01-05T03:00:00.000Z',
    );
    expect(new Date(parseCron('0 3 * * *').next(at('2026-01-05T03:00:00Z'))).toISOString()).toBe(
      '2026-01-06T03:00:00.000Z',
    );
    expect(new Date(parseCron('*/15 * * * *').next(at('2026-01-05T10:07:30Z'))).toISOString()).toBe(
      '2026-01-05T10:15:00.000Z',
    );
    expect(new Date(parseCron('30 8 * * MON-FRI').next(at('2026-01-09T09:00:00Z'))).toISOString()).toBe(
      '2026-01-12T08:30:00.000Z',
    );
    expect(new Date(parseCron('0 0 29 FEB *').next(at('2026-03-01T00:00:00Z'))).toISOString()).toBe(
      '2028-02-29T00:00:00.000Z',
    );
    expect(new Date(parseCron('0 12 1,15 * *').next(at('2026-01-02T00:00:00Z'))).toISOString()).toBe(
      '2026-01-15T12:00:00.000Z',
    );
    // Day of month OR day of week when both are restricted (Vixie cron): the 13th or any Sunday (7 = 0).
    expect(new Date(parseCron('0 0 13 * 7').next(at('2026-01-05T00:00:00Z'))).toISOString()).toBe(
      '2026-01-11T00:00:00.000Z',
    );
  });

  it('refuses what the config validation refuses, and expressions that never fire', () => {
    expect(() => parseCron('0 3 * *')).toThrow(/5 fields/);
    expect(() => parseCron('0 0 31 FEB *').next(at('2026-01-01T00:00:00Z'))).toThrow(/never fires/);
  });
});

describe('sync transform', () => {
  const base = {
    sid: `SM${'b'.repeat(32)}`,
    body: 'Hi',
    status: 'delivered',
    errorCode: null,
    segments: 1,
    price: '-0.00790',
    priceUnit: 'USD',
    dateCreatedMs: 1000,
    dateSentMs: 2000,
  };
  it('takes the customer from `from` for inbound texts and from `to` otherwise', () => {
    expect(toSyncItem({ ...base, direction: 'inbound', from: '+1312', to: '+1999' }, 0)).toMatchObject({
      direction: 'inbound',
      phone: '+1312',
      atMs: 1000,
      sentMs: 2000,
      price: '-0.00790',
    });
    for (const d of ['outbound-api', 'outbound-reply', 'outbound-call']) {
      expect(directionOf(d)).toBe('outbound');
      expect(toSyncItem({ ...base, direction: d, from: '+1999', to: '+1312' }, 0).phone).toBe('+1312');
    }
    expect(
      toSyncItem(
        { ...base, direction: 'inbound', from: null, to: '+1', dateCreatedMs: null, dateSentMs: null },
        7,
      ),
    ).toMatchObject({ phone: null, atMs: 7 });
  });

  it('reads back the SID marker the writer appends', () => {
    const sid = `SM${'c'.repeat(32)}`;
    expect(sidFromSummary(`SMS from +13125550101: hello${sidMarker(sid)}`)).toBe(sid);
    expect(sidFromSummary('SMS from +13125550101: [SMnot-a-sid]')).toBeUndefined();
    expect(sidFromSummary(undefined)).toBeUndefined();
  });
});

describe('sync cursor', () => {
  const run = (since: number | null, until: number) => ({
    since,
    until,
    pageUri: null,
    pages: 3,
    pulled: 300,
  });
  it('moves the high-water mark only when the finished window joins on to it', () => {
    expect(completeRun({ v: 1, syncedUntil: null, run: null }, run(null, 100))).toEqual({
      v: 1,
      syncedUntil: 100,
      run: null,
    });
    expect(completeRun({ v: 1, syncedUntil: 100, run: null }, run(90, 200)).syncedUntil).toBe(200);
    expect(completeRun({ v: 1, syncedUntil: 100, run: null }, run(150, 200)).syncedUntil).toBe(100);
    expect(completeRun({ v: 1, syncedUntil: 300, run: null }, run(50, 200)).syncedUntil).toBe(300);
  });
});

describe('progress output', () => {
  const p = { pulled: 500, pushed: 480, skipped: 10, unmatched: 5, failed: 5, rate: 250, etaSeconds: 6 };
  const sink = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { out: { isTTY, columns: 120, write: (s: string) => chunks.push(s) > 0 }, chunks };
  };

  it('redraws one bar in place on a terminal and ends the line when done', () => {
    let now = 0;
    const { out, chunks } = sink(true);
    const progress = createProgress(out, { now: () => now });
    progress.onProgress(p);
    now += 50;
    progress.onProgress({ ...p, pulled: 600 });
    now += 100;
    progress.onProgress({ ...p, pulled: 700 });
    progress.done();
    expect(chunks.filter((c) => c.startsWith('\r'))).toHaveLength(3);
    expect(chunks[0]).toMatch(/^\r\[#+-*\] pulled 500 {2}pushed 480 .* 250\/s {2}ETA 6s/);
    expect(chunks.at(-1)).toBe('\n');
  });

  it('writes plain lines elsewhere, no more than one per interval', () => {
    let now = 0;
    const { out, chunks } = sink(false);
    const progress = createProgress(out, { now: () => now, lineEveryMs: 1000 });
    for (let i = 0; i < 10; i++) {
      progress.onProgress(p);
      now += 300;
    }
    progress.done();
    expect(chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
    // Shown at 0, 1200 and 2400 ms, then once more by done().
    expect(chunks).toHaveLength(4);
    expect(formatProgress({ ...p, etaSeconds: null }, false)).toBe(
      'sync: pulled 500  pushed 480  skipped 10  unmatched 5  failed 5  250/s  ETA ?',
    );
    expect([formatSeconds(59), formatSeconds(61), formatSeconds(3700)]).toEqual(['59s', '1m01s', '1h01m']);
  });
});
