import { GroupCommitter } from '../store/group-commit.js';
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
  return new GroupCommitter(context.store, (trx, item: IngestItem) => {
    switch (item.type) {
      case 'inbound':
        return inbound(trx, item);
      case 'status':
        return status(trx, item);
      case 'push':
        return push(trx, item);
      default: {
        const never: never = item;
        throw new Error(`unknown ingest item ${JSON.stringify(never)}`);
      }
    }
  });
}
