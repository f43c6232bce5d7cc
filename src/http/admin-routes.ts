import type { FastifyInstance } from 'fastify';
import type { FlowContext } from '../flows/context.js';
import { registerDeadLetterRoutes } from './admin-dead-letters.js';
import { registerMessageRoutes } from './admin-messages.js';
import { registerOptOutRoutes } from './admin-opt-outs.js';
import { registerPushLogRoutes } from './admin-push-log.js';
import { registerReconciliationRoutes } from './admin-reconciliations.js';
import { registerStatsRoutes } from './admin-stats.js';

/**
 * The admin API (DESIGN.md "External contract", docs/admin-api.md). Every route lives under
 * `/api/`, where `buildServer` already demands the bearer token, and validates its query, params
 * and body with zod before touching the store, so bad input is a 400 that stores nothing.
 */
export function registerAdminRoutes(app: FastifyInstance, context: FlowContext): void {
  registerMessageRoutes(app, context);
  registerDeadLetterRoutes(app, context);
  registerReconciliationRoutes(app, context);
  registerStatsRoutes(app, context);
  registerOptOutRoutes(app, context);
  registerPushLogRoutes(app, context);
}
