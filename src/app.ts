import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config, DatabaseConfig } from './config/schema.js';
import { buildServer } from './http/server.js';
import { type Clock, systemClock } from './ops/clock.js';
import { createLogger } from './ops/logger.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { Queue } from './queue/queue.js';
import { createWorker, type JobHandler, type Worker } from './queue/worker.js';
import { openStore, type Store } from './store/db.js';

export type Role = 'all' | 'web' | 'worker';

export interface AppOptions {
  role?: Role;
  logger?: Logger;
  clock?: Clock;
}

/** One running acusms instance: the store, the outbox and its worker, and the HTTP server. */
export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly queue: Queue;
  readonly worker: Worker | undefined;
  readonly server: FastifyInstance;
  readonly metrics: Metrics;
  /** Listens on `config.http` (web roles) and starts the worker (worker roles). */
  start(): Promise<{ url: string | undefined }>;
  /** Drains: stops taking requests and jobs, finishes what runs, closes the store. Idempotent. */
  stop(options?: { hard?: boolean }): Promise<void>;
}

export function databaseUrl(database: DatabaseConfig): string {
  return database.dialect === 'sqlite' ? `sqlite:${database.file}` : database.url.reveal();
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const role = options.role ?? 'all';
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ level: config.log.level, config });
  const store = await openStore(databaseUrl(config.database));
  let worker: Worker | undefined;
  const queue = new Queue(store, {
    clock,
    ...(config.queue.leaseSeconds ? { leaseMs: config.queue.leaseSeconds * 1000 } : {}),
    onEnqueue: (kind) => worker?.nudge(kind),
  });
  const metrics = createMetrics(() => queue.depth());

  const handlers: Record<string, JobHandler> = {};
  if (role !== 'web') {
    worker = createWorker({
      queue,
      handlers,
      logger: logger.child({ component: 'worker' }),
      events: {
        onCompleted: (job, ms) => {
          metrics.jobOutcomes.inc({ kind: job.kind, outcome: 'completed' });
          metrics.jobDuration.observe({ kind: job.kind }, ms / 1000);
        },
        onFailed: (job, _error, result) =>
          metrics.jobOutcomes.inc({ kind: job.kind, outcome: result.outcome }),
      },
    });
  }

  const server = buildServer({
    logger,
    metrics,
    adminToken: config.admin.token,
    metricsToken: config.metrics.token,
    readiness: async () => {
      const problems: string[] = [];
      await store.ping().catch((error: unknown) => problems.push(`database: ${String(error)}`));
      if (worker && !worker.running) problems.push('worker: not running');
      return problems;
    },
  });

  let stopping: Promise<void> | undefined;
  return {
    config,
    logger,
    store,
    queue,
    worker,
    server,
    metrics,
    async start() {
      worker?.start();
      if (role === 'worker') {
        await server.ready();
        return { url: undefined };
      }
      const url = await server.listen({ host: config.http.host, port: config.http.port });
      logger.info({ url, role }, 'acusms listening');
      return { url };
    },
    stop({ hard = false } = {}) {
      if (hard) void worker?.stop({ hard: true });
      stopping ??= (async () => {
        await server.close();
        await worker?.stop();
        await store.close();
        logger.info('acusms stopped');
      })();
      return stopping;
    },
  };
}
