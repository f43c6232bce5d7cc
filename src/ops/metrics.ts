import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly jobOutcomes: Counter<'kind' | 'outcome'>;
  readonly jobDuration: Histogram<'kind'>;
  readonly queueDepth: Gauge<'kind'>;
}

/**
 * One registry per app (not prom-client's global), so tests and several servers in one process
 * never share counters. `queueDepth` is read on scrape through `collectQueueDepth`.
 */
export function createMetrics(collectQueueDepth?: () => Promise<Record<string, number>>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'acusms_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'acusms_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    jobOutcomes: new Counter({
      name: 'acusms_jobs_total',
      help: 'Finished job attempts by kind and outcome (completed, retry, dead)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'acusms_job_duration_seconds',
      help: 'Time to run a job that completed',
      labelNames: ['kind'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'acusms_queue_depth',
      help: 'Jobs waiting or running, by kind',
      labelNames: ['kind'],
      registers: [registry],
      async collect() {
        if (!collectQueueDepth) return;
        this.reset();
        for (const [kind, n] of Object.entries(await collectQueueDepth())) this.set({ kind }, n);
      },
    }),
  };
}
