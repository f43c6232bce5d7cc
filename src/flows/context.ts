import type { Logger } from 'pino';
import type { Config, TenantConfig } from '../config/schema.js';
import type { Alerter } from '../ops/alert.js';
import type { Clock } from '../ops/clock.js';
import type { Queue } from '../queue/queue.js';
import type { Store } from '../store/db.js';
import type { ErpGateway, SmsGateway } from './ports.js';

/** What every flow gets: storage, the outbox, time, and one gateway pair per tenant. */
export interface FlowContext {
  config: Config;
  store: Store;
  queue: Queue;
  clock: Clock;
  logger: Logger;
  alerts: Alerter;
  sms(tenant: string): SmsGateway;
  erp(tenant: string): ErpGateway;
}

export function findTenant(config: Config, id: string): TenantConfig | undefined {
  return config.tenants.find((t) => t.id === id);
}

/** Job kinds of the outbox, one per flow step. */
export const JOB = {
  push: 'push',
  poll: 'poll',
  send: 'send',
  inbound: 'inbound',
  status: 'status',
  activity: 'activity',
} as const;
