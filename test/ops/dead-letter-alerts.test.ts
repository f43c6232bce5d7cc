import { describe, expect, it } from 'vitest';
import { createDeadLetterAlerts } from '../../src/ops/alerts-dead-letter.js';
import { silentLogger } from '../helpers/logger.js';
import { waitFor } from '../helpers/wait.js';
import { recordingAlerter, SleepCountingClock } from './helpers.js';

const notice = (tenant: string | null, n: number) => ({
  tenant,
  kind: 'send',
  deadLetterId: `dl-${n}`,
  error: `twilio_permanent: bad number ${n}`,
});

describe('dead_letter alerts', () => {
  function setup() {
    const clock = new SleepCountingClock();
    const alerts = recordingAlerter(clock);
    const deadLetters = createDeadLetterAlerts({
      alerts,
      clock,
      logger: silentLogger,
      debounceMs: 300_000,
      countWaiting: async () => 42,
    });
    return { clock, alerts, deadLetters };
  }

  it('alerts on the first, holds the rest for 5 minutes, then sends one summary with the count', async () => {
    const { clock, alerts, deadLetters } = setup();
    deadLetters.notify(notice('acme', 1));
    await waitFor(() => alerts.sent.length === 1);
    expect(alerts.sent[0]).toMatchObject({
      type: 'dead_letter',
      tenant: 'acme',
      message: 'a send job was dead-lettered: twilio_permanent: bad number 1 (42 waiting for replay)',
      details: { count: 1, kinds: ['send'], deadLetterIds: ['dl-1'], waiting: 42 },
    });
    for (let n = 2; n <= 8; n++) {
      await clock.advance(10_000);
      deadLetters.notify(notice('acme', n));
    }
    expect(alerts.sent).toHaveLength(1);
    await clock.advance(229_999); // 299,999 ms after the first alert
    expect(alerts.sent).toHaveLength(1);
    await clock.advance(1);
    await waitFor(() => alerts.sent.length === 2);
    expect(alerts.sent[1]).toMatchObject({
      tenant: 'acme',
      details: { count: 7, deadLetterIds: ['dl-2', 'dl-3', 'dl-4', 'dl-5', 'dl-6', 'dl-7', 'dl-8'] },
    });
    expect(alerts.sent[1]?.message).toMatch(/^7 jobs \(send\) were dead-lettered since /);
    // Quiet since the summary: the next one 5 minutes later alerts at once.
    await clock.advance(300_000);
    deadLetters.notify(notice('acme', 9));
    await waitFor(() => alerts.sent.length === 3);
    await deadLetters.stop();
    expect(alerts.sent).toHaveLength(3);
  });

  it('debounces each tenant on its own', async () => {
    const { alerts, deadLetters } = setup();
    deadLetters.notify(notice('acme', 1));
    deadLetters.notify(notice('globex', 2));
    deadLetters.notify(notice(null, 3));
    deadLetters.notify(notice('acme', 4));
    await waitFor(() => alerts.sent.length === 3);
    expect(alerts.sent.map((a) => a.tenant)).toEqual(['acme', 'globex', null]);
    await deadLetters.stop(); // the held acme one goes out at shutdown rather than being lost
    expect(alerts.sent.map((a) => [a.tenant, a.details.count])).toEqual([
      ['acme', 1],
      ['globex', 1],
      [null, 1],
      ['acme', 1],
    ]);
  });
});
