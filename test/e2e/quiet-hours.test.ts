import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../../src/ops/clock.js';
import { dialects, type TestStore } from '../helpers/stores.js';
import { waitFor } from '../helpers/wait.js';
import { api, creates, type Harness, startHarness } from './harness.js';

/** Real time shifted by an offset the test moves: sleeps stay real, "now" is wherever we say. */
function shiftedClock(target: number): Clock & { jumpTo(ms: number): void } {
  let offset = target - Date.now();
  return {
    now: () => Date.now() + offset,
    sleep: systemClock.sleep,
    jumpTo(ms) {
      offset = ms - Date.now();
    },
  };
}

// One dialect is enough here: the deferral is flow logic; the queue itself is tested on both.
const sqlite = dialects.find((d) => d.name === 'sqlite')!;

describe('quiet hours over real sockets', () => {
  let t: TestStore;
  let h: Harness;
  beforeEach(async () => {
    t = await sqlite.open();
  });
  afterEach(async () => {
    await h?.close();
    await t.cleanup();
  });

  it('a send at 23:00 recipient-local is scheduled for 08:00, never dropped, and goes then', async () => {
    // 2026-01-05 23:00 in Chicago (UTC-6); the recipient's +1 312 number is in Chicago too.
    const lateEvening = Date.UTC(2026, 0, 6, 5, 0);
    const morning = Date.UTC(2026, 0, 6, 14, 0);
    const clock = shiftedClock(lateEvening);
    h = await startHarness(t, { quietHours: { start: '21:00', end: '08:00' }, clock });
    const res = await api(h, '/api/messages', {
      method: 'POST',
      headers: { 'idempotency-key': 'late' },
      body: JSON.stringify({ tenant: 'acme', to: '(312) 555-0101', body: 'Your order is ready' }),
    });
    const { id } = (await res.json()) as { id: string };
    const row = () =>
      h.app.store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    await waitFor(async () => (await row()).status === 'scheduled', { what: 'scheduled' });
    expect(Number((await row()).send_after)).toBe(morning);
    expect(creates(h)).toBe(0);
    const job = await h.app.store.db
      .selectFrom('jobs')
      .selectAll()
      .where('kind', '=', 'send')
      .executeTakeFirstOrThrow();
    expect(Number(job.run_at)).toBe(morning);
    expect(job.attempts).toBe(0); // deferral is not a failed attempt

    clock.jumpTo(morning + 1000);
    await waitFor(() => creates(h) === 1, { what: 'the morning send' });
    await waitFor(async () => (await row()).twilio_sid, { what: 'SID stored' });
  });
});
