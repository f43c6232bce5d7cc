import type { JobHandler } from '../queue/worker.js';
import { runActivityJob } from './activity.js';
import { type FlowContext, JOB } from './context.js';
import { runInboundJob } from './inbound.js';
import { runPushJob } from './push.js';
import { runSendJob } from './send.js';
import { runStatusJob } from './status.js';

/**
 * The outbox job handlers. Concurrency per kind: sends wait on the sender's pace anyway;
 * Acumatica writes are capped by the licence limiter, so a few in flight keep it busy; inbound
 * runs one at a time so a STOP and a later START from one phone apply in order.
 */
export function flowHandlers(context: FlowContext): Record<string, JobHandler> {
  return {
    [JOB.push]: { concurrency: 2, run: (job) => runPushJob(context, job) },
    [JOB.send]: { concurrency: 8, run: (job, { signal }) => runSendJob(context, job, signal) },
    [JOB.inbound]: { concurrency: 1, run: (job, { signal }) => runInboundJob(context, job, signal) },
    [JOB.status]: { concurrency: 4, run: (job) => runStatusJob(context, job) },
    [JOB.activity]: { concurrency: 4, run: (job) => runActivityJob(context, job) },
  };
}
