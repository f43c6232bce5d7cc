import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { TenantConfig } from '../config/schema.js';
import { type FlowContext, findTenant } from '../flows/context.js';
import { inboundParamsSchema } from '../flows/inbound.js';
import type { IngestItem } from '../flows/ingest.js';
import { pushNotificationSchema } from '../flows/rules.js';
import { statusParamsSchema } from '../flows/status.js';
import type { GroupCommitter } from '../store/group-commit.js';
import { verifyTwilioSignature, type WebhookParams } from '../twilio/signature.js';
import { HttpError } from './errors.js';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const tenantParams = z.object({ tenant: z.string() });

/**
 * The three webhooks. Each answers only after its write is committed (guarantee 1) and does no
 * upstream call on the request path: Twilio waits at most 15 s and Acumatica retries on error.
 */
export function registerWebhookRoutes(
  app: FastifyInstance,
  context: FlowContext,
  ingest: GroupCommitter<IngestItem, boolean>,
): void {
  const tenantOf = (request: FastifyRequest): TenantConfig => {
    const { tenant } = tenantParams.parse(request.params);
    const config = findTenant(context.config, tenant);
    if (!config) throw new HttpError(404, 'unknown_tenant', `no tenant "${tenant}"`);
    return config;
  };

  const verifiedTwilioParams = (request: FastifyRequest, tenant: TenantConfig): WebhookParams => {
    if (!isFormBody(request.body)) throw new HttpError(400, 'bad_request', 'expected a form-encoded body');
    verifyTwilioSignature({
      authToken: tenant.twilio.authToken,
      publicUrl: context.config.publicUrl,
      requestUrl: request.url,
      params: request.body,
      signature: request.headers['x-twilio-signature'],
    });
    return request.body;
  };

  app.post('/webhooks/twilio/:tenant/inbound', async (request, reply) => {
    const tenant = tenantOf(request);
    const params = inboundParamsSchema.parse(verifiedTwilioParams(request, tenant));
    await ingest.submit({ type: 'inbound', tenant: tenant.id, params });
    return reply.type('text/xml').send(EMPTY_TWIML);
  });

  app.post('/webhooks/twilio/:tenant/status', async (request, reply) => {
    const tenant = tenantOf(request);
    const params = statusParamsSchema.parse(verifiedTwilioParams(request, tenant));
    await ingest.submit({ type: 'status', tenant: tenant.id, params });
    return reply.status(200).send();
  });

  app.post('/webhooks/acumatica/:tenant', async (request, reply) => {
    const tenant = tenantOf(request);
    const push = tenant.acumatica.push;
    if (!push) throw new HttpError(404, 'push_not_configured', `tenant "${tenant.id}" has no acumatica.push`);
    const given = request.headers[push.header.toLowerCase()];
    if (typeof given !== 'string' || !sameSecret(given, push.secret.reveal())) {
      throw new HttpError(401, 'unauthorized', `missing or wrong ${push.header} header`);
    }
    const notification = pushNotificationSchema.parse(request.body);
    const isNew = await ingest.submit({ type: 'push', tenant: tenant.id, notification });
    return reply.status(200).send({ status: isNew ? 'stored' : 'duplicate' });
  });
}

function isFormBody(body: unknown): body is Record<string, string | string[]> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
