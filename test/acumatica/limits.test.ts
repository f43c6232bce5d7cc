import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore, MemorySemaphoreStore } from '../../src/ops/rate-limit.js';
import { clientFor, withSim } from './helpers.js';

describe('licence limits', () => {
  it('20 parallel calls never exceed maxConcurrent at the simulator', async () => {
    await withSim({ tenants: [{ name: 'Company', maxConcurrent: 2, queueLength: 0 }] }, async (sim) => {
      sim.fault({ kind: 'latency', ms: 20, times: Number.POSITIVE_INFINITY });
      const { entities } = clientFor(sim, { maxConcurrent: 2 });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => entities.listPage('Contact', { top: 1 })),
      );
      expect(results).toHaveLength(20);
      const c = sim.counters();
      expect(c.maxInFlight).toBe(2);
      expect(c.declined).toBe(0);
      expect(c.requests['GET Contact']).toBe(20);
    });
  });

  it('two instances sharing the limiter stores share one cap', async () => {
    await withSim({ tenants: [{ name: 'Company', maxConcurrent: 3, queueLength: 0 }] }, async (sim) => {
      sim.fault({ kind: 'latency', ms: 20, times: Number.POSITIVE_INFINITY });
      const shared = {
        semaphoreStore: new MemorySemaphoreStore(),
        rateStore: new MemoryRateLimitStore(),
        maxConcurrent: 3,
      };
      const a = clientFor(sim, shared);
      const b = clientFor(sim, shared);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).entities.listPage('Contact', { top: 1 })),
      );
      expect(sim.counters().maxInFlight).toBeLessThanOrEqual(3);
      expect(sim.counters().declined).toBe(0);
    });
  });

  it('paces requests per minute on the injected clock', async () => {
    await withSim({}, async (sim) => {
      const { ManualClock } = await import('../../src/ops/clock.js');
      const clock = new ManualClock();
      const { entities } = clientFor(sim, { clock, requestsPerMinute: 60 });
      await entities.listPage('Contact', { top: 1 }); // t=0
      const second = entities.listPage('Contact', { top: 1 }); // due at t=1 s
      let done = false;
      void second.then(() => {
        done = true;
      });
      await clock.advance(500);
      expect(done).toBe(false);
      expect(sim.counters().requests['GET Contact']).toBe(1);
      await clock.advance(500);
      await second;
      expect(sim.counters().requests['GET Contact']).toBe(2);
    });
  });
});
