import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InboundError, type InjectInboundInput, injectInbound } from './inbound.js';
import { toResource } from './resource.js';
import type { SimState } from './state.js';

/** Inputs of the control API, parsed at the edge like every other input. */
export const faultsPatchSchema = z
  .object({
    latencyMs: z.number().min(0),
    serverErrorRate: z.number().min(0).max(1),
    serverErrorAfterCreateRate: z.number().min(0).max(1),
    rateLimitRate: z.number().min(0).max(1),
    retryAfterSeconds: z.number().min(0).nullable(),
    timeoutAfterCreateRate: z.number().min(0).max(1),
    timeoutMode: z.enum(['reset', 'hang']),
    authFailure: z.boolean(),
    callbackDuplicateRate: z.number().min(0).max(1),
    callbackReorderRate: z.number().min(0).max(1),
  })
  .partial()
  .strict();

export const inboundSchema = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  body: z.string(),
  accountSid: z.string().optional(),
  mediaUrls: z.array(z.string()).optional(),
});

export function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/**
 * `/_sim/*`: everything the in-process handle offers, for tests and demos in other processes.
 * Not part of Twilio's API; nothing here needs credentials.
 */
export function registerControlRoutes(app: FastifyInstance, state: SimState): void {
  app.get('/_sim/requests', async () => ({ items: state.requests }));
  app.delete('/_sim/requests', async (_req, reply) => {
    state.requests.length = 0;
    return reply.code(204).send();
  });
  app.get('/_sim/messages', async () => ({ items: state.messages.map(toResource) }));
  app.get('/_sim/webhooks', async () => ({ items: state.webhooks }));
  app.get('/_sim/auto-replies', async () => ({ items: state.autoReplies }));
  app.get('/_sim/opt-outs', async () => ({
    items: [...state.optOuts].map((k) => {
      const [scope, recipient] = k.split('|');
      return { scope, recipient };
    }),
  }));
  app.get('/_sim/faults', async () => state.faults);
  app.post('/_sim/faults', async (req, reply) => {
    const parsed = faultsPatchSchema.safeParse(req.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ error: 'invalid_faults', message: parsed.error.message });
    state.faults = { ...state.faults, ...stripUndefined(parsed.data) };
    return state.faults;
  });
  app.post('/_sim/inbound', async (req, reply) => {
    const parsed = inboundSchema.safeParse(req.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ error: 'invalid_inbound', message: parsed.error.message });
    try {
      return await injectInbound(state, stripUndefined(parsed.data) as InjectInboundInput);
    } catch (error) {
      if (error instanceof InboundError) {
        return reply.code(400).send({ error: 'invalid_inbound', message: error.message });
      }
      throw error;
    }
  });
}
