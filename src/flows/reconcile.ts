import { randomUUID } from 'node:crypto';
import type { TenantConfig } from '../config/schema.js';
import { AcusmsError } from '../errors.js';
import { parseCron } from '../ops/cron.js';
import type { ScheduledTask } from '../ops/scheduler.js';
import type { FlowContext } from './context.js';
import { withSyncLock } from './sync.js';
import { preparePage, pushCandidates, requireErpListing } from './sync-push.js';
import { type SyncItem, toSyncItem } from './sync-transform.js';

/**
 * Activities are dated with the time acusms accepted the message, which can precede Twilio's
 * date_sent by a quiet-hours night (21:00–08:00, 11 h) plus the retry budget (~1 h); a day on
 * either side of the window finds them all, so an edge of the window is never a false "missing".
 */
const DESTINATION_MARGIN_MS = 86_400_000;
/** Twilio's largest page: 1,000 SIDs per request keeps a 1,000,000-message window at 1,000 calls. */
const SOURCE_PAGE_SIZE = 1000;

export interface ReconcileOptions {
  tenant: string;
  since: Date;
  until: Date;
  /** Re-push what is missing (`--fix`, or the schedule with `autoRepair`). */
  fix?: boolean;
  signal?: AbortSignal;
}

export interface ReconcileReport {
  id: string;
  tenant: string;
  since: string;
  until: string;
  /** Messages Twilio reports in the window. */
  sourceCount: number;
  /** Of those, how many the ledger holds. */
  ledgerCount: number;
  /** Of those, how many have their Activity in Acumatica. */
  destinationCount: number;
  /** SIDs with a contact (or related record) but no Activity, when the run looked. */
  missing: string[];
  /** Without an Activity because no contact owns the number: expected, not a mismatch. */
  unmatched: number;
  /** Of `missing`, how many this run wrote (or found after all). */
  repaired: number;
  /** `missing` minus `repaired`. */
  left: number;
  /** `left` is within `reconcile.threshold`. */
  inBalance: boolean;
  alerted: boolean;
  durationMs: number;
}

interface Absent {
  item: SyncItem;
  staleId: string | null;
  related: boolean;
}

/**
 * RECONCILE, the fourth step: by SID, what Twilio sent or received in the window against the
 * ledger and against Acumatica's Activities. Memory: one `Set` of the destination's SIDs (34-char
 * strings, ~90 bytes each with the set's overhead, so ~90 MB for 1,000,000) plus the
 * absent messages; source and ledger are streamed a page at a time.
 */
export async function runReconcile(
  context: FlowContext,
  options: ReconcileOptions,
): Promise<ReconcileReport> {
  const { tenant, signal } = options;
  const { store, clock, config } = context;
  const tenantConfig = config.tenants.find((t) => t.id === tenant);
  if (!tenantConfig) throw new AcusmsError('unknown_tenant', `no tenant "${tenant}" in the config`);
  const listPage = context.sms(tenant).listPage?.bind(context.sms(tenant));
  if (!listPage)
    throw new AcusmsError('unsupported', `the Twilio gateway of tenant ${tenant} cannot list messages`);
  const erp = context.erp(tenant);
  const { listSmsActivities, findActivityBySid } = requireErpListing(erp, tenant);
  const started = clock.now();
  const [since, until] = [options.since.getTime(), options.until.getTime()];

  const destination = new Set<string>();
  for await (const ref of listSmsActivities({
    since: new Date(since - DESTINATION_MARGIN_MS),
    until: new Date(until + DESTINATION_MARGIN_MS),
    ...(signal ? { signal } : {}),
  })) {
    destination.add(ref.sid);
  }

  let sourceCount = 0;
  let ledgerCount = 0;
  let destinationCount = 0;
  const absent: Absent[] = [];
  let pageUri: string | null = null;
  do {
    const page = await listPage({
      dateSentAfter: new Date(since),
      dateSentBefore: new Date(until),
      pageSize: SOURCE_PAGE_SIZE,
      pageUri,
      ...(signal ? { signal } : {}),
    });
    pageUri = page.nextPageUri;
    if (page.messages.length === 0) continue;
    const ledger = new Map(
      (
        await store.db
          .selectFrom('messages')
          .select(['twilio_sid', 'acumatica_id', 'related_note_id'])
          .where(
            'twilio_sid',
            'in',
            page.messages.map((m) => m.sid),
          )
          .execute()
      ).map((r) => [r.twilio_sid as string, r]),
    );
    for (const message of page.messages) {
      sourceCount += 1;
      const row = ledger.get(message.sid);
      if (row) ledgerCount += 1;
      if (destination.has(message.sid)) {
        destinationCount += 1;
        continue;
      }
      absent.push({
        item: toSyncItem(message, clock.now()),
        staleId: row?.acumatica_id ?? null,
        related: Boolean(row?.related_note_id),
      });
    }
  } while (pageUri);
  destination.clear();

  const phones = [...new Set(absent.flatMap((a) => (a.item.phone ? [a.item.phone] : [])))];
  const owned = new Set<string>();
  for (let i = 0; i < phones.length; i += 500) {
    const rows = await store.db
      .selectFrom('phone_index')
      .select(['phone', 'contact_note_id'])
      .where('tenant', '=', tenant)
      .where('phone', 'in', phones.slice(i, i + 500))
      .execute();
    for (const r of rows) if (r.contact_note_id) owned.add(r.phone);
  }
  const missing = absent.filter((a) => a.related || (a.item.phone !== null && owned.has(a.item.phone)));
  const unmatched = absent.length - missing.length;

  let repaired = 0;
  if (options.fix && missing.length > 0) {
    repaired = await withSyncLock(context, tenant, () =>
      repair(context, tenant, tenantConfig, missing, findActivityBySid, signal),
    );
  }
  const left = missing.length - repaired;
  const threshold = config.reconcile.threshold;
  const report: ReconcileReport = {
    id: randomUUID(),
    tenant,
    since: new Date(since).toISOString(),
    until: new Date(until).toISOString(),
    sourceCount,
    ledgerCount,
    destinationCount,
    missing: missing.map((m) => m.item.sid),
    unmatched,
    repaired,
    left,
    inBalance: left <= threshold,
    alerted: missing.length > threshold,
    durationMs: clock.now() - started,
  };
  await store.db
    .insertInto('reconciliations')
    .values({
      id: report.id,
      tenant,
      since,
      until,
      source_count: sourceCount,
      ledger_count: ledgerCount,
      destination_count: destinationCount,
      missing: JSON.stringify(report.missing),
      repaired,
      created_at: clock.now(),
    })
    .execute();
  if (report.alerted) {
    // One alert per run, sent after the repair so it says what is left.
    await context.alerts.send({
      type: 'reconcile_mismatch',
      tenant,
      message: `${missing.length} message(s) in Twilio have no Activity in Acumatica (${report.since} – ${report.until}); ${repaired} repaired, ${left} left`,
      details: {
        reconciliationId: report.id,
        missing: report.missing.slice(0, 100),
        missingCount: missing.length,
        sourceCount,
        ledgerCount,
        destinationCount,
        unmatched,
        repaired,
        left,
      },
    });
  }
  return report;
}

/**
 * Re-pushes through the sync's own path (ledger-first, SID search), so a repair can never
 * duplicate. A ledger row still holding the id of an Activity someone deleted is cleared only
 * after a search by SID confirms no Activity carries it; a found one is adopted instead.
 */
async function repair(
  context: FlowContext,
  tenant: string,
  tenantConfig: TenantConfig,
  missing: readonly Absent[],
  findActivityBySid: (sid: string, signal?: AbortSignal) => Promise<string | undefined>,
  signal: AbortSignal | undefined,
): Promise<number> {
  const { db } = context.store;
  let repaired = 0;
  const toPush: SyncItem[] = [];
  for (const a of missing) {
    if (a.staleId === null) {
      toPush.push(a.item);
      continue;
    }
    const found = await findActivityBySid(a.item.sid, signal);
    if (found) {
      await db
        .updateTable('messages')
        .set({ acumatica_id: found, updated_at: context.clock.now() })
        .where('twilio_sid', '=', a.item.sid)
        .execute();
      repaired += 1;
      continue;
    }
    await db
      .updateTable('messages')
      .set({ acumatica_id: null, updated_at: context.clock.now() })
      .where('twilio_sid', '=', a.item.sid)
      .where('acumatica_id', '=', a.staleId)
      .execute();
    toPush.push(a.item);
  }
  for (let i = 0; i < toPush.length; i += context.config.sync.batchSize) {
    const prepared = await preparePage(context, tenant, toPush.slice(i, i + context.config.sync.batchSize), {
      dryRun: false,
    });
    const pushed = await pushCandidates(context, context.erp(tenant), prepared.candidates, {
      concurrency: tenantConfig.acumatica.maxConcurrent,
      ...(signal ? { signal } : {}),
    });
    repaired += pushed.pushed;
  }
  return repaired;
}

/** Cursor holding the last scheduled run, so a restart neither skips nor repeats a firing. */
const LAST_RUN = 'reconcile:last-run';

/**
 * The daily reconcile on `reconcile.schedule` (cron, UTC) over the last `reconcile.window`.
 * Checked every minute; whether a firing is due comes from the stored last run, so several
 * instances (one holds the scheduler lock) and restarts still give one run per firing.
 */
export function reconcileTask(context: FlowContext, tenant: TenantConfig): ScheduledTask {
  const { reconcile } = context.config;
  const schedule = parseCron(reconcile.schedule);
  const { db } = context.store;
  return {
    name: `${tenant.id}:reconcile`,
    everyMs: 60_000,
    async run(signal) {
      const now = context.clock.now();
      const row = await db
        .selectFrom('cursors')
        .select('value')
        .where('tenant', '=', tenant.id)
        .where('name', '=', LAST_RUN)
        .executeTakeFirst();
      const save = (value: number) =>
        db
          .insertInto('cursors')
          .values({ tenant: tenant.id, name: LAST_RUN, value: String(value), updated_at: now })
          .onConflict((oc) =>
            oc.columns(['tenant', 'name']).doUpdateSet({ value: String(value), updated_at: now }),
          )
          .execute();
      // First start: count from now, so deploying at 10:00 does not reconcile at once.
      if (!row) return void (await save(now));
      if (schedule.next(Number(row.value)) > now) return;
      await save(now);
      const report = await runReconcile(context, {
        tenant: tenant.id,
        since: new Date(now - reconcile.windowMs),
        until: new Date(now),
        fix: reconcile.autoRepair,
        signal,
      });
      context.logger.info(
        { tenant: tenant.id, report: { ...report, missing: report.missing.length } },
        'reconcile done',
      );
    },
  };
}
