import { z } from 'zod';
import type { Job } from '../queue/queue.js';
import type { BatchWriter } from '../store/group-commit.js';
import { type FlowContext, findTenant, JOB } from './context.js';
import { acceptSend } from './outbound.js';
import { type PushNotification, planSends, pushNotificationSchema, rulesForQuery } from './rules.js';

export interface PushIngest {
  tenant: string;
  notification: PushNotification;
}

/**
 * The request-path write for push notifications: the dedupe rows and the jobs, in the group
 * commit. Acumatica resends up to 5 times; (CompanyId, Query, Id) makes repeats no-ops.
 * Answers false for a duplicate.
 */
export function pushIngestWriter(context: FlowContext): BatchWriter<PushIngest, boolean> {
  return async (trx, items) => {
    const keyOf = (tenant: string, companyId: string, query: string, eventId: string) =>
      JSON.stringify([tenant, companyId, query, eventId]);
    const inserted = await trx
      .insertInto('push_events')
      .values(
        items.map(({ tenant, notification }) => ({
          tenant,
          company_id: notification.CompanyId,
          query: notification.Query,
          event_id: notification.Id,
          received_at: context.clock.now(),
        })),
      )
      .onConflict((oc) => oc.columns(['tenant', 'company_id', 'query', 'event_id']).doNothing())
      .returning(['tenant', 'company_id', 'query', 'event_id'])
      .execute();
    const fresh = new Set(inserted.map((r) => keyOf(r.tenant, r.company_id, r.query, r.event_id)));
    // Two copies of one event in one batch: only the first is new.
    const isNew = items.map(({ tenant, notification: n }) =>
      fresh.delete(keyOf(tenant, n.CompanyId, n.Query, n.Id)),
    );
    await context.queue.enqueueMany(
      trx,
      items.flatMap(({ tenant, notification }, i) =>
        isNew[i] ? [{ kind: JOB.push, tenant, payload: { tenant, notification } }] : [],
      ),
    );
    return isNew;
  };
}

const pushJobSchema = z.object({ tenant: z.string(), notification: pushNotificationSchema });

/**
 * Turns a stored push notification into messages: every matching rule row becomes a ledger
 * row + send job, all in one transaction. A row a rule cannot render (missing field, bad
 * number) becomes a dead letter naming the reason; the other rows still go.
 */
export async function runPushJob(context: FlowContext, job: Job): Promise<void> {
  const { tenant: tenantId, notification } = pushJobSchema.parse(job.payload);
  const tenant = findTenant(context.config, tenantId);
  if (!tenant) return;
  const rules = rulesForQuery(tenant.rules, notification.Query);
  const { sends, failures } = planSends(rules, notification.Inserted, notification.Deleted);
  await context.store.db.transaction().execute(async (trx) => {
    for (const send of sends) {
      try {
        const accepted = await acceptSend(context, trx, {
          tenant: tenantId,
          to: send.to,
          body: send.body,
          idempotencyKey: `rule:${send.ruleId}:${send.key}`,
          ruleId: send.ruleId,
          relate: send.relate,
        });
        if (accepted.created)
          context.logger.info(
            { tenant: tenantId, rule: send.ruleId, key: send.key, messageId: accepted.id },
            'rule queued an SMS',
          );
      } catch (error) {
        failures.push({
          ruleId: send.ruleId,
          row: send.row,
          reason: `rule ${send.ruleId}: ${String(error instanceof Error ? error.message : error)}`,
        });
      }
    }
    for (const failure of failures) {
      await context.queue.deadLetter(trx, {
        kind: JOB.push,
        tenant: tenantId,
        error: failure.reason,
        payload: { tenant: tenantId, notification: { ...notification, Inserted: [failure.row] } },
      });
      context.logger.warn(
        { tenant: tenantId, rule: failure.ruleId, reason: failure.reason },
        'push notification row dead-lettered',
      );
    }
  });
}
