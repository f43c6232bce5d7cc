import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AuthFailure } from './acumatica/auth.js';
import { createErpGateway } from './acumatica/erp-gateway.js';
import type { Config, DatabaseConfig } from './config/schema.js';
import { relinkUnmatched } from './flows/activity.js';
import { type FlowContext, JOB } from './flows/context.js';
import { flowHandlers } from './flows/handlers.js';
import { createIngest } from './flows/ingest.js';
import { pollTask } from './flows/poll.js';
import type { ErpGateway, SmsGateway } from './flows/ports.js';
import { reconcileTask } from './flows/reconcile.js';
import { syncTask } from './flows/sync.js';
import { registerAdminRoutes } from './http/admin-routes.js';
import { buildServer } from './http/server.js';
import { registerWebhookRoutes } from './http/webhook-routes.js';
import type { SmsAlertTransport } from './ops/alert-sinks-sms.js';
import { type Alerting, countWaitingDeadLetters, createAlerting } from './ops/alerts-setup.js';
import { type Clock, systemClock } from './ops/clock.js';
import { createLogger } from './ops/logger.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { createScheduler, type ScheduledTask } from './ops/scheduler.js';
import { Queue } from './queue/queue.js';
import { createWorker, type Worker } from './queue/worker.js';
import {
  sqlActivityLedger,
  sqlAuthStateStore,
  sqlCursorStore,
  sqlPhoneIndexStore,
} from './store/acumatica-state.js';
import { openStore, type Store } from './store/db.js';
import { sqlRateLimitStore, sqlSemaphoreStore } from './store/limits.js';
import { pushLogPurgeTask, sqlPushLog } from './store/push-log.js';
import { createSmsGateway } from './twilio/sms-gateway.js';

export type Role = 'all' | 'web' | 'worker';

export interface AppOptions {
  role?: Role;
  logger?: Logger;
  clock?: Clock;
  /** Replace the HTTP gateways (tests with in-memory fakes). */
  gateways?: Gateways;
  /** Replace how on-call alert texts leave (default: the tenant's Twilio account). */
  alertSms?: SmsAlertTransport;
}

export interface Gateways {
  sms(tenant: string): SmsGateway;
  erp(tenant: string): ErpGateway;
  /** Background upkeep the gateways need (the phone index refresh). */
  tasks: ScheduledTask[];
  /** Signs out of Acumatica (a session seat stays taken 10 minutes otherwise). */
  close(): Promise<void>;
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
  readonly alerting: Alerting;
  readonly context: FlowContext;
  /** Listens on `config.http` (web roles) and starts the worker and schedules (worker roles). */
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
  const instanceId = `acusms-${randomUUID().slice(0, 8)}`;
  let worker: Worker | undefined;
  const queue = new Queue(store, {
    clock,
    ...(config.queue.leaseSeconds ? { leaseMs: config.queue.leaseSeconds * 1000 } : {}),
    onEnqueue: (kind) => worker?.nudge(kind),
  });
  const metrics = createMetrics({
    queueDepth: () => queue.depth(),
    deadLetters: () => countWaitingDeadLetters(store),
    errorRatios: () => alerting.tracker.snapshot(),
  });
  const alerting = createAlerting({
    config,
    store,
    logger,
    clock,
    metrics,
    instanceId,
    ...(options.alertSms ? { sms: options.alertSms } : {}),
  });

  const gateways =
    options.gateways ??
    httpGateways(
      config,
      store,
      clock,
      instanceId,
      logger,
      (failure) => alerting.onAcumaticaAuthFailure(failure),
      // Texts from numbers the index did not know get their Activity once it does.
      (tenant) => relinkUnmatched(context, tenant),
    );
  // Every upstream call feeds the error-rate tracker (error_rate_spike, auth_failure).
  const tracked = alerting.track(gateways);
  const context: FlowContext = {
    config,
    store,
    queue,
    clock,
    logger,
    alerts: alerting.alerter,
    sms: tracked.sms,
    erp: tracked.erp,
  };

  if (role !== 'web') {
    worker = createWorker({
      queue,
      handlers: flowHandlers(context),
      logger: logger.child({ component: 'worker' }),
      workerId: instanceId,
      events: {
        onCompleted: (job, ms) => {
          metrics.jobOutcomes.inc({ kind: job.kind, outcome: 'completed' });
          metrics.jobDuration.observe({ kind: job.kind }, ms / 1000);
        },
        onFailed: (job, error, result) => {
          metrics.jobOutcomes.inc({ kind: job.kind, outcome: result.outcome });
          if (result.outcome === 'dead' && job.kind === JOB.send) void markDead(context, job.payload, error);
          alerting.onJobFailed(job, error, result);
        },
      },
    });
  }
  const tasks: ScheduledTask[] = [
    ...gateways.tasks,
    ...config.tenants.flatMap((tenant) =>
      tenant.rules.flatMap((rule) => pollTask(context, tenant, rule) ?? []),
    ),
    ...config.tenants.flatMap((tenant) => syncTask(context, tenant) ?? []),
    ...config.tenants.map((tenant) => reconcileTask(context, tenant)),
    pushLogPurgeTask(store, clock, config.pushLog.retentionDays, (rows) => {
      if (rows > 0) logger.info({ rows }, 'push log purged');
    }),
  ];
  const scheduler =
    role === 'web'
      ? undefined
      : createScheduler(tasks, store.adapter, logger.child({ component: 'scheduler' }), clock);

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
  const ingest = createIngest(context);
  registerWebhookRoutes(server, context, ingest);
  registerAdminRoutes(server, context);

  let stopping: Promise<void> | undefined;
  return {
    config,
    logger,
    store,
    queue,
    worker,
    server,
    metrics,
    alerting,
    context,
    async start() {
      worker?.start();
      scheduler?.start();
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
        await ingest.idle();
        await scheduler?.stop();
        await worker?.stop();
        // Held dead-letter summaries go out, and alerts finish writing, while the store is open.
        await alerting.stop();
        await gateways.close();
        await store.close();
        logger.info('acusms stopped');
      })();
      return stopping;
    },
  };
}

/** A send that was dead-lettered shows as `dead` in the ledger, with Twilio's code if any. */
async function markDead(context: FlowContext, payload: unknown, error: Error): Promise<void> {
  const messageId = (payload as { messageId?: unknown } | null)?.messageId;
  if (typeof messageId !== 'string') return;
  const code = (error as { twilioCode?: unknown }).twilioCode;
  await context.store.db
    .updateTable('messages')
    .set({
      status: 'dead',
      updated_at: context.clock.now(),
      ...(typeof code === 'number' ? { error_code: code } : {}),
    })
    .where('id', '=', messageId)
    .where('twilio_sid', 'is', null)
    .execute()
    .catch((e: unknown) => context.logger.error({ err: e, messageId }, 'could not mark message dead'));
}

function httpGateways(
  config: Config,
  store: Store,
  clock: Clock,
  instanceId: string,
  logger: Logger,
  onAuthFailure: (failure: AuthFailure) => void,
  afterPhoneIndexRefresh: (tenant: string) => Promise<number>,
): Gateways {
  const rateLimits = sqlRateLimitStore(store);
  const semaphores = sqlSemaphoreStore(store);
  const sms = new Map<string, SmsGateway>();
  const erp = new Map<string, ReturnType<typeof createErpGateway>>();
  const pushLog = sqlPushLog(store, { onError: (err) => logger.error({ err }, 'push log row lost') });
  const tasks: ScheduledTask[] = [];
  for (const tenant of config.tenants) {
    sms.set(
      tenant.id,
      createSmsGateway({ twilio: tenant.twilio, rateLimits, semaphores, clock, instanceId }),
    );
    const gateway = createErpGateway({
      tenant,
      clock,
      authStore: sqlAuthStateStore(store, clock),
      rateStore: rateLimits,
      semaphoreStore: semaphores,
      phoneIndexStore: sqlPhoneIndexStore(store),
      cursors: sqlCursorStore(store, clock),
      ledger: sqlActivityLedger(store, clock),
      pushLog,
      onAuthFailure,
    });
    erp.set(tenant.id, gateway);
    tasks.push({
      name: `${tenant.id}:phone-index`,
      everyMs: tenant.acumatica.phoneIndex.refreshEveryMs,
      async run() {
        const report = await gateway.gateway.phoneIndex.sync();
        const relinked = await afterPhoneIndexRefresh(tenant.id);
        logger.info({ tenant: tenant.id, report, relinked }, 'phone index refreshed');
      },
    });
  }
  const pick = <T>(map: Map<string, T>, tenant: string): T => {
    const found = map.get(tenant);
    if (!found) throw new Error(`no gateway for tenant ${tenant}`);
    return found;
  };
  return {
    sms: (tenant) => pick(sms, tenant),
    erp: (tenant) => pick(erp, tenant),
    tasks,
    close: async () => {
      await Promise.allSettled([...erp.values()].map((g) => g.gateway.close()));
    },
  };
}
