import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Read on scrape: callers hand in how to count, the registry asks when Prometheus does. */
export interface MetricCollectors {
  /** Jobs waiting or running, per kind. */
  queueDepth?: () => Promise<Record<string, number>>;
  /** Dead letters not yet replayed, per tenant and kind. */
  deadLetters?: () => Promise<ReadonlyArray<{ tenant: string | null; kind: string; count: number }>>;
  /** Failure ratio of upstream calls over the error-rate window, per tenant and target. */
  errorRatios?: () => ReadonlyArray<{ tenant: string; target: string; ratio: number }>;
}

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly jobOutcomes: Counter<'kind' | 'outcome'>;
  readonly jobDuration: Histogram<'kind'>;
  readonly queueDepth: Gauge<'kind'>;
  readonly deadLetters: Gauge<'tenant' | 'kind'>;
  /** Alerts raised, by type (each counted once, however many sinks it went to). */
  readonly alerts: Counter<'type'>;
  /** Deliveries to one sink, by sink type and outcome (`delivered`, `failed`). */
  readonly alertDeliveries: Counter<'sink' | 'outcome'>;
  /** Upstream calls seen by the error-rate tracker, by outcome (`success`, `failure`). */
  readonly upstreamCalls: Counter<'tenant' | 'target' | 'outcome'>;
  readonly upstreamErrorRatio: Gauge<'tenant' | 'target'>;
}

/**
 * One registry per app (not prom-client's global), so tests and several servers in one process
 * never share counters. Gauges that mirror the database are read on scrape through `collectors`
 * (a bare function is the queue-depth collector, as before).
 */
export function createMetrics(
  collectors: MetricCollectors | (() => Promise<Record<string, number>>) = {},
): Metrics {
  const collect: MetricCollectors =
    typeof collectors === 'function' ? { queueDepth: collectors } : collectors;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'acusms_' });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'acusms_http_request_duration_seconds',
      help: 'HTTP request latency by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    jobOutcomes: new Counter({
      name: 'acusms_jobs_total',
      help: 'Finished job attempts by kind and outcome (completed, retry, dead)',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    jobDuration: new Histogram({
      name: 'acusms_job_duration_seconds',
      help: 'Time to run a job that completed',
      labelNames: ['kind'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'acusms_queue_depth',
      help: 'Jobs waiting or running, by kind',
      labelNames: ['kind'],
      registers,
      async collect() {
        if (!collect.queueDepth) return;
        this.reset();
        for (const [kind, n] of Object.entries(await collect.queueDepth())) this.set({ kind }, n);
      },
    }),
    deadLetters: new Gauge({
      name: 'acusms_dead_letters',
      help: 'Dead letters waiting for an operator (not replayed), by tenant and kind',
      labelNames: ['tenant', 'kind'],
      registers,
      async collect() {
        if (!collect.deadLetters) return;
        this.reset();
        for (const row of await collect.deadLetters())
          this.set({ tenant: row.tenant ?? '', kind: row.kind }, row.count);
      },
    }),
    alerts: new Counter({
      name: 'acusms_alerts_total',
      help: 'Alerts raised, by type',
      labelNames: ['type'],
      registers,
    }),
    alertDeliveries: new Counter({
      name: 'acusms_alert_deliveries_total',
      help: 'Alert deliveries per sink type, by outcome after retries (delivered, failed)',
      labelNames: ['sink', 'outcome'],
      registers,
    }),
    upstreamCalls: new Counter({
      name: 'acusms_upstream_calls_total',
      help: 'Calls to Twilio and Acumatica seen by the error-rate tracker, by outcome',
      labelNames: ['tenant', 'target', 'outcome'],
      registers,
    }),
    upstreamErrorRatio: new Gauge({
      name: 'acusms_upstream_error_ratio',
      help: 'Failed / all upstream calls over the error-rate window (errorRate.windowSeconds)',
      labelNames: ['tenant', 'target'],
      registers,
      collect() {
        if (!collect.errorRatios) return;
        this.reset();
        for (const row of collect.errorRatios())
          this.set({ tenant: row.tenant, target: row.target }, row.ratio);
      },
    }),
  };
}
