import type { TenantConfig } from '../config/schema.js';
import { AcusmsError } from '../errors.js';
import type { ScheduledTask } from '../ops/scheduler.js';
import type { FlowContext } from './context.js';
import type { SmsGateway, SmsPage } from './ports.js';
import { completeRun, loadSyncCursor, type SyncRun, saveSyncCursor } from './sync-cursor.js';
import { preparePage, pushCandidates } from './sync-push.js';
import { toSyncItem } from './sync-transform.js';

export interface SyncProgress {
  pulled: number;
  pushed: number;
  skipped: number;
  unmatched: number;
  failed: number;
  /** Messages pulled per second since the run started. */
  rate: number;
  /** From how much of the window the pages have covered; null when the window has no start. */
  etaSeconds: number | null;
}

export interface SyncReporter {
  onProgress(progress: SyncProgress): void;
}

export interface SyncOptions {
  tenant: string;
  /** Window start; default the cursor's `syncedUntil` minus `sync.overlap` (full history without one). */
  since?: Date;
  /** Window end; default now minus `settleMs`. */
  until?: Date;
  /** Where the window starts when there is no cursor and no `since`; default the whole history. */
  initialSince?: Date;
  /** Pull, transform and classify only: no ledger row, no Activity, no cursor. */
  dryRun?: boolean;
  reporter?: SyncReporter;
  signal?: AbortSignal;
  /**
   * Messages younger than this are left to their webhooks (an inbound STOP must reach the
   * inbound flow, which a ledger row written by sync first would short-circuit). Default 60 000.
   */
  settleMs?: number;
}

export interface SyncReport {
  tenant: string;
  since: string | null;
  until: string;
  dryRun: boolean;
  /** True when an interrupted run was continued from its checkpoint. */
  resumed: boolean;
  pages: number;
  pulled: number;
  /** Activities written (dry run: that would be written). */
  pushed: number;
  skipped: number;
  unmatched: number;
  failed: number;
  /** First 100 SIDs Acumatica refused. */
  failedSids: string[];
  durationMs: number;
}

function requireListing(sms: SmsGateway, tenant: string): NonNullable<SmsGateway['listPage']> {
  if (!sms.listPage) {
    throw new AcusmsError('unsupported', `the Twilio gateway of tenant ${tenant} cannot list messages`);
  }
  return sms.listPage.bind(sms);
}

/** Runs `fn` while holding this tenant's sync lock, so a scheduled sync, a CLI sync and a
 * reconcile repair never push the same SID at the same time (the writer's one precondition). */
export async function withSyncLock<T>(
  context: FlowContext,
  tenant: string,
  fn: () => Promise<T>,
): Promise<T> {
  const result = await context.store.adapter.withSchedulerLock(`sync-run:${tenant}`, fn);
  if (!result.ran) {
    throw new AcusmsError('sync_running', `another sync or repair of tenant ${tenant} is running`, {
      retryable: true,
    });
  }
  return result.value;
}

/**
 * The four steps' first three: PULL a window of Twilio's history page by page, TRANSFORM each
 * message, PUSH the page's Activities, then checkpoint. Memory holds two pages (the one being
 * pushed and the one prefetched), whatever the length of the history.
 */
export async function runSync(context: FlowContext, options: SyncOptions): Promise<SyncReport> {
  const dryRun = options.dryRun ?? false;
  const run = () => syncWindow(context, options, dryRun);
  // A dry run writes nothing, so it may run beside a real one.
  return dryRun ? run() : withSyncLock(context, options.tenant, run);
}

async function syncWindow(context: FlowContext, options: SyncOptions, dryRun: boolean): Promise<SyncReport> {
  const { tenant, signal } = options;
  const { config, clock, store } = context;
  const listPage = requireListing(context.sms(tenant), tenant);
  const erp = context.erp(tenant);
  const tenantConfig = config.tenants.find((t) => t.id === tenant);
  if (!tenantConfig) throw new AcusmsError('unknown_tenant', `no tenant "${tenant}" in the config`);
  const started = clock.now();
  let cursor = await loadSyncCursor(store, tenant);
  const explicit = options.since !== undefined || options.until !== undefined;
  const resumed = !explicit && cursor.run !== null;
  const window: SyncRun = resumed
    ? cursor.run!
    : {
        since:
          options.since?.getTime() ??
          (cursor.syncedUntil !== null
            ? cursor.syncedUntil - config.sync.overlapMs
            : (options.initialSince?.getTime() ?? null)),
        until: options.until?.getTime() ?? started - (options.settleMs ?? 60_000),
        pageUri: null,
        pages: 0,
        pulled: 0,
      };
  const totals = { pulled: 0, pushed: 0, skipped: 0, unmatched: 0, failed: 0 };
  const failedSids: string[] = [];
  const report = (): SyncReport => ({
    tenant,
    since: window.since === null ? null : new Date(window.since).toISOString(),
    until: new Date(window.until).toISOString(),
    dryRun,
    resumed,
    pages: window.pages,
    ...totals,
    failedSids,
    durationMs: clock.now() - started,
  });
  if (window.since !== null && window.since >= window.until) return report();
  if (!dryRun) {
    cursor = { ...cursor, run: window };
    await saveSyncCursor(store, tenant, cursor, clock.now());
  }

  let oldestSent = window.until;
  const progress = () => {
    const elapsed = Math.max(1, clock.now() - started) / 1000;
    const span = window.since === null ? 0 : window.until - window.since;
    const covered = span > 0 ? Math.min(1, (window.until - oldestSent) / span) : 0;
    options.reporter?.onProgress({
      ...totals,
      rate: totals.pulled / elapsed,
      etaSeconds: span > 0 && covered > 0 ? Math.round((elapsed * (1 - covered)) / covered) : null,
    });
  };
  const fetchPage = (pageUri: string | null): Promise<SmsPage> =>
    listPage({
      dateSentAfter: window.since === null ? null : new Date(window.since),
      dateSentBefore: new Date(window.until),
      pageSize: config.sync.batchSize,
      pageUri,
      ...(signal ? { signal } : {}),
    });

  let pending: Promise<SmsPage> | null = fetchPage(window.pageUri);
  while (pending) {
    const page: SmsPage = await pending;
    signal?.throwIfAborted();
    // Prefetch: Twilio's next page downloads while Acumatica takes this one.
    pending = page.nextPageUri ? fetchPage(page.nextPageUri) : null;
    pending?.catch(() => undefined);
    const items = page.messages.map((m) => toSyncItem(m, clock.now()));
    for (const item of items) if (item.sentMs !== null) oldestSent = Math.min(oldestSent, item.sentMs);
    totals.pulled += items.length;
    const prepared = await preparePage(context, tenant, items, { dryRun });
    totals.skipped += prepared.skipped;
    totals.unmatched += prepared.unmatched;
    if (dryRun) {
      totals.pushed += prepared.candidates.length;
    } else {
      const pushed = await pushCandidates(context, erp, prepared.candidates, {
        concurrency: tenantConfig.acumatica.maxConcurrent,
        ...(signal ? { signal } : {}),
        onPushed: (n) => {
          totals.pushed += n;
        },
      });
      totals.failed += pushed.failed;
      failedSids.push(...pushed.failedSids.slice(0, Math.max(0, 100 - failedSids.length)));
      if (pushed.blocked > 0) {
        throw new AcusmsError(
          'sync_blocked',
          `${pushed.blocked} Activities still failing after retries; the cursor stays before this page`,
          { retryable: true },
        );
      }
    }
    window.pages += 1;
    window.pulled += items.length;
    window.pageUri = page.nextPageUri;
    if (!dryRun) {
      // The checkpoint: every message of this page is in Acumatica (or refused for good).
      cursor = page.nextPageUri ? { ...cursor, run: { ...window } } : completeRun(cursor, window);
      await saveSyncCursor(store, tenant, cursor, clock.now());
    }
    progress();
  }
  return report();
}

/** The scheduled incremental sync: every `sync.every`, from the cursor to a minute ago. */
export function syncTask(context: FlowContext, tenant: TenantConfig): ScheduledTask | undefined {
  const everyMs = context.config.sync.everyMs;
  if (everyMs === null) return undefined;
  return {
    name: `${tenant.id}:sync`,
    everyMs,
    async run(signal) {
      const report = await runSync(context, {
        tenant: tenant.id,
        signal,
        // First run without a cursor: the last reconcile window, not the whole history (a
        // backfill is an operator's decision: `acusms sync --since …`).
        initialSince: new Date(context.clock.now() - context.config.reconcile.windowMs),
      });
      context.logger.info({ tenant: tenant.id, report: { ...report, failedSids: undefined } }, 'sync done');
    },
  };
}
