import { type BatchWriter, GroupCommitter } from '../store/group-commit.js';
import type { FlowContext } from './context.js';
import { type InboundIngest, inboundIngestWriter } from './inbound.js';
import { type PushIngest, pushIngestWriter } from './push.js';
import { type StatusIngest, statusIngestWriter } from './status.js';

export type IngestItem =
  | ({ type: 'inbound' } & InboundIngest)
  | ({ type: 'status' } & StatusIngest)
  | ({ type: 'push' } & PushIngest);

/**
 * Every webhook's durable write goes through one group committer, so inbound texts, status
 * callbacks and push notifications arriving together share a transaction and an fsync.
 * Resolves true when the item was new, false for a duplicate delivery.
 */
export function createIngest(context: FlowContext): GroupCommitter<IngestItem, boolean> {
  const inbound = inboundIngestWriter(context);
  const status = statusIngestWriter(context);
  const push = pushIngestWriter(context);
  return new GroupCommitter(context.store, async (trx, items: readonly IngestItem[]) => {
    // One multi-row write per type, then the answers back in arrival order.
    const answers = new Array<boolean>(items.length);
    const byType = async <T extends IngestItem>(type: T['type'], write: BatchWriter<T, boolean>) => {
      const positions = items.flatMap((item, i) => (item.type === type ? [i] : []));
      if (positions.length === 0) return;
      const results = await write(
        trx,
        positions.map((i) => items[i] as T),
      );
      for (const [k, i] of positions.entries()) answers[i] = results[k]!;
    };
    await byType<Extract<IngestItem, { type: 'inbound' }>>('inbound', inbound);
    await byType<Extract<IngestItem, { type: 'status' }>>('status', status);
    await byType<Extract<IngestItem, { type: 'push' }>>('push', push);
    return answers;
  });
}
