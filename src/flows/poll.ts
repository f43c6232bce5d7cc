import type { RuleConfig, TenantConfig } from '../config/schema.js';
import type { ScheduledTask } from '../ops/scheduler.js';
import { type FlowContext, JOB } from './context.js';
import { acceptSend } from './outbound.js';
import { planSends } from './rules.js';

/** SalesOrder tracks `LastModified`; the other entities `LastModifiedDateTime` (notes §2). */
export function changeFieldOf(entity: string, configured: string | null): string {
  return configured ?? (entity === 'SalesOrder' ? 'LastModified' : 'LastModifiedDateTime');
}

/**
 * A polling rule, the fallback when push notifications are not set up: records changed since
 * the stored cursor are read as new rows (no `Deleted` twin), so `when` matches their current
 * value and `(rule, key)` keeps it to one SMS ever. The cursor moves only after the page's
 * messages are committed, so a crash re-reads rather than skips.
 */
export function pollTask(
  context: FlowContext,
  tenant: TenantConfig,
  rule: RuleConfig,
): ScheduledTask | undefined {
  const trigger = rule.trigger;
  if (trigger.type !== 'poll') return undefined;
  const cursorName = `poll:${rule.id}`;
  const changeField = changeFieldOf(trigger.entity, trigger.changeField);
  return {
    name: `${tenant.id}:${cursorName}`,
    everyMs: trigger.everyMs,
    async run(signal) {
      const { db } = context.store;
      const cursor = await db
        .selectFrom('cursors')
        .select('value')
        .where('tenant', '=', tenant.id)
        .where('name', '=', cursorName)
        .executeTakeFirst();
      let latest = cursor ? new Date(cursor.value) : null;
      const rows: Record<string, unknown>[] = [];
      for await (const row of context.erp(tenant.id).listChanged({
        entity: trigger.entity,
        filter: trigger.filter,
        changeField,
        expand: trigger.expand,
        since: latest,
        signal,
      })) {
        rows.push(row);
        const changed = row[changeField];
        const at = typeof changed === 'string' ? new Date(changed) : null;
        if (at && !Number.isNaN(at.getTime()) && (!latest || at > latest)) latest = at;
      }
      const { sends, failures } = planSends([rule], rows, []);
      await db.transaction().execute(async (trx) => {
        for (const send of sends) {
          await acceptSend(context, trx, {
            tenant: tenant.id,
            to: send.to,
            body: send.body,
            idempotencyKey: `rule:${send.ruleId}:${send.key}`,
            ruleId: send.ruleId,
            relate: send.relate,
          }).catch(async (error: unknown) => {
            failures.push({ ruleId: rule.id, row: send.row, reason: `rule ${rule.id}: ${String(error)}` });
          });
        }
        for (const failure of failures) {
          await context.queue.deadLetter(trx, {
            kind: JOB.poll,
            tenant: tenant.id,
            error: failure.reason,
            payload: { tenant: tenant.id, rule: rule.id, row: failure.row },
          });
        }
        if (latest) {
          const value = latest.toISOString();
          await trx
            .insertInto('cursors')
            .values({ tenant: tenant.id, name: cursorName, value, updated_at: context.clock.now() })
            .onConflict((oc) =>
              oc.columns(['tenant', 'name']).doUpdateSet({ value, updated_at: context.clock.now() }),
            )
            .execute();
        }
      });
      if (sends.length + failures.length > 0) {
        context.logger.info(
          { tenant: tenant.id, rule: rule.id, sends: sends.length, failures: failures.length },
          'poll done',
        );
      }
    },
  };
}
