import { randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import type { Secret } from '../config/secret.js';
import type { Metrics } from '../ops/metrics.js';
import { errorHandler, HttpError } from './errors.js';

export interface ServerOptions {
  logger: Logger;
  metrics: Metrics;
  /** Bearer token for everything under `/api/`. */
  adminToken: Secret;
  /** When set, `/metrics` needs it too. */
  metricsToken?: Secret | null;
  /** What stops the instance from serving; empty when ready. */
  readiness: () => Promise<string[]>;
  /** Largest request body, bytes. Default 1 MiB (Acumatica push notifications carry rows). */
  bodyLimitBytes?: number;
}

/**
 * The one Fastify server: health, readiness, metrics, the admin guard, JSON errors and form
 * parsing. Feature routes (webhooks, admin API) register themselves on the returned instance.
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    // Per-request info lines would dominate the webhook hot path; latency goes to /metrics
    // and a debug line instead.
    logController: new LogController({ disableRequestLogging: true }),
    // A pino child per request (with redaction set up) cost ~2% of webhook throughput; the
    // few lines logged per request carry `reqId` explicitly instead.
    childLoggerFactory: (logger) => logger,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    trustProxy: true,
  });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url}` });
  });

  // Twilio posts application/x-www-form-urlencoded; repeated keys (none today) become arrays.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const params: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(body as string)) {
      const seen = params[key];
      params[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
    }
    done(null, params);
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/') || request.url === '/api') requireBearer(request, options.adminToken);
    else if (options.metricsToken && request.url.startsWith('/metrics'))
      requireBearer(request, options.metricsToken);
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    options.metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      seconds,
    );
    request.log.debug(
      { method: request.method, route, status: reply.statusCode, ms: reply.elapsedTime },
      'request',
    );
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const problems = await options.readiness().catch((error: unknown) => [String(error)]);
    if (problems.length > 0) return reply.status(503).send({ status: 'not_ready', problems });
    return { status: 'ready' };
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await options.metrics.registry.metrics();
    return reply.type(options.metrics.registry.contentType).send(text);
  });

  return app;
}

function requireBearer(request: FastifyRequest, token: Secret): void {
  const header = request.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '');
  const expected = Buffer.from(token.reveal());
  // Constant-time compare so the token cannot be guessed byte by byte from response times.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(401, 'unauthorized', 'missing or wrong bearer token');
  }
}
