import type { Socket } from 'node:net';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { type Clock, systemClock } from '../../ops/clock.js';
import { customPaths, route, wrap } from './entity-routes.js';
import { EntityStore, httpError, SimHttpError } from './entity-store.js';
import { FaultTable, type SimFault } from './faults.js';
import { SimLicence } from './licence.js';
import { FilterSyntaxError } from './odata-filter.js';
import { type PushOptions, type PushResult, sendPush } from './push.js';
import { makeIdSource, toWire } from './records.js';
import { schemaOf } from './schema.js';
import { defaultSeed, type SeedData } from './seed.js';
import { SimAuth, type SimAuthConfig, type SimClient, type SimUser } from './sim-auth.js';

export interface SimTenantOptions {
  /** Tenant login name, e.g. `Company`; also the suffix of client ids. */
  name: string;
  users?: SimUser[];
  clients?: SimClient[];
  /** API-user seats. Default 2 (a trial licence). */
  apiUsers?: number;
  /** Licence cores. Default 2. */
  maxConcurrent?: number;
  /** Waiting requests before 429. Default 20. */
  queueLength?: number;
  /** Default 600 (keeps tests fast; real tiers are ~100–150). */
  requestsPerMinute?: number;
  perMinuteDelay?: boolean;
  /** CR102000 activity types. Default M, P, C, E, N, W, SMS. */
  activityTypes?: string[];
  /** Seed records; default `defaultSeed()`, `false` for an empty tenant. */
  seed?: SeedData | false;
}

export interface AcumaticaSimulatorOptions {
  port?: number;
  host?: string;
  tenants?: SimTenantOptions[];
  accessTokenLifetimeSec?: number;
  refreshTokenLifetimeSec?: number;
  sessionIdleMs?: number;
  /** Seeds the id generator: the same seed gives the same record ids. Default 42. */
  seed?: number;
  /** Endpoints `GET /entity` lists. Default Default 20/22/23/24.200.001. */
  endpoints?: Array<{ name: string; version: string }>;
  clock?: Clock;
}

export const SIM_DEFAULT_CREDENTIALS = {
  tenant: 'Company',
  username: 'admin',
  password: 'setup',
  clientId: '4E0F1C2A-7B3D-4E5F-9A1B-2C3D4E5F6A7B@Company',
  clientSecret: 'sim-client-secret',
} as const;

export interface SimCounters {
  maxInFlight: number;
  inFlight: number;
  declined: number;
  /** Requests per `METHOD Entity` (e.g. `PUT Activity`) or auth path. */
  requests: Record<string, number>;
}

export interface AcumaticaSimulator {
  url: string;
  port: number;
  stop(): Promise<void>;
  counters(tenant?: string): SimCounters & SimAuth['counters'] & { activeSessions: number };
  fault(fault: SimFault): void;
  clearFaults(): void;
  expireAccessTokens(): void;
  expireSessions(): void;
  /** Stored records as the API would return them with every field and `$expand` of all linked ones. */
  records(entity: string, tenant?: string): Array<Record<string, unknown>>;
  /** Inserts or updates directly (no licence, no faults), as a user on a screen would. */
  upsert(entity: string, plain: Record<string, unknown>, tenant?: string): Record<string, unknown>;
  sendPush(options: PushOptions): Promise<PushResult>;
  tenants: SimTenantOptions[];
}

interface Tenant {
  options: SimTenantOptions;
  store: EntityStore;
  licence: SimLicence;
  requests: Record<string, number>;
}

/** A local stand-in for an Acumatica instance, faithful where the flows depend on it (see docs/acumatica.md). */
export async function startAcumaticaSimulator(
  options: AcumaticaSimulatorOptions = {},
): Promise<AcumaticaSimulator> {
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const newId = makeIdSource(options.seed ?? 42);
  const tenantOptions = options.tenants ?? [{ name: SIM_DEFAULT_CREDENTIALS.tenant }];
  const tenants = new Map<string, Tenant>();
  for (const t of tenantOptions) {
    const store = new EntityStore(
      new Set(t.activityTypes ?? ['M', 'P', 'C', 'E', 'N', 'W', 'SMS']),
      newId,
      now,
    );
    const seed = t.seed === undefined ? defaultSeed() : t.seed;
    if (seed) {
      // Customers first: orders refer to them.
      for (const entity of [
        'Customer',
        'Contact',
        'SalesOrder',
        'Shipment',
        'Invoice',
        'Activity',
      ] as const) {
        for (const plain of seed[entity] ?? []) store.seed(entity, plain);
      }
    }
    const licence = new SimLicence({
      maxConcurrent: t.maxConcurrent ?? 2,
      queueLength: t.queueLength ?? 20,
      requestsPerMinute: t.requestsPerMinute ?? 600,
      perMinuteDelay: t.perMinuteDelay ?? true,
      now,
    });
    tenants.set(t.name.toLowerCase(), { options: t, store, licence, requests: {} });
  }
  const authConfig = (name: string): SimAuthConfig | undefined => {
    const t = tenants.get(name.toLowerCase())?.options;
    if (!t) return undefined;
    return {
      users: t.users ?? [
        { username: SIM_DEFAULT_CREDENTIALS.username, password: SIM_DEFAULT_CREDENTIALS.password },
      ],
      clients: t.clients ?? [
        {
          clientId: SIM_DEFAULT_CREDENTIALS.clientId.replace(/@.*$/, `@${t.name}`),
          secret: SIM_DEFAULT_CREDENTIALS.clientSecret,
        },
      ],
      apiUsers: t.apiUsers ?? 2,
      accessTokenLifetimeSec: options.accessTokenLifetimeSec ?? 3600,
      refreshTokenLifetimeSec: options.refreshTokenLifetimeSec ?? 30 * 86_400,
      sessionIdleMs: options.sessionIdleMs ?? 10 * 60_000,
    };
  };
  const defaultTenant = tenantOptions[0]!.name;
  const auth = new SimAuth(authConfig, defaultTenant, now);
  const faults = new FaultTable();
  const endpoints =
    options.endpoints ??
    ['20.200.001', '22.200.001', '23.200.001', '24.200.001'].map((version) => ({ name: 'Default', version }));
  const authRequests: Record<string, number> = {};
  const count = (bucket: Record<string, number>, key: string) => {
    bucket[key] = (bucket[key] ?? 0) + 1;
  };

  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  const hung = new Set<Socket>();
  const send = (reply: FastifyReply, error: SimHttpError) => reply.code(error.status).send(error.body);

  app.post('/identity/connect/token', async (req, reply) => {
    count(authRequests, 'POST /identity/connect/token');
    const result = auth.tokenRequest((req.body ?? {}) as Record<string, string>);
    return reply.code(result.status).header('cache-control', 'no-store').send(result.body);
  });
  app.post('/entity/auth/login', async (req, reply) => {
    count(authRequests, 'POST /entity/auth/login');
    const result = auth.login((req.body ?? {}) as Record<string, unknown>);
    if ('status' in result) return send(reply, httpError(result.status, result.message));
    return reply.code(204).header('set-cookie', result.cookies).send();
  });
  app.post('/entity/auth/logout', async (req, reply) => {
    count(authRequests, 'POST /entity/auth/logout');
    auth.logout(req.headers);
    return reply.code(204).send();
  });
  app.get('/entity', async () => ({
    version: { acumaticaBuildVersion: '24.211.0015', databaseVersion: '24.211.0015' },
    endpoints: endpoints.map((e) => ({ ...e, href: `/entity/${e.name}/${e.version}/` })),
  }));

  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const params = req.params as { name: string; version: string; entity: string; '*'?: string };
    const session = auth.authenticate(req.headers);
    if (!session) return reply.code(401).send({ message: 'The user is not logged in to the system.' });
    const tenant = tenants.get(session.tenant.toLowerCase())!;
    count(tenant.requests, `${req.method} ${params.entity}`);
    const release = await tenant.licence.enter();
    if (!release) {
      return send(
        reply,
        httpError(429, 'The number of requests has exceeded the limit imposed by the license.'),
      );
    }
    try {
      const latency = faults.take(req.method, params.entity, ['latency']);
      if (latency) await clock.sleep(latency.ms);
      if (!endpoints.some((e) => e.name === params.name && e.version === params.version)) {
        return reply
          .code(404)
          .type('text/html')
          .send('<html><head><title>404 - Not Found</title></head><body>Not Found</body></html>');
      }
      if (faults.take(req.method, params.entity, ['unauthorized'])) {
        return reply.code(401).send({ message: 'The user is not logged in to the system.' });
      }
      const status = faults.take(req.method, params.entity, ['status']);
      if (status) {
        if (status.html) {
          return reply
            .code(status.status)
            .type('text/html')
            .send(
              `<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>HTTP Error ${status.status}</h1><p>${status.message ?? 'The service is unavailable.'}</p></body></html>`,
            );
        }
        return send(reply, httpError(status.status, status.message ?? 'Simulated failure.'));
      }
      if (req.method !== 'GET' && faults.take(req.method, params.entity, ['lock'])) {
        return send(
          reply,
          httpError(
            500,
            `Another process has updated the '${params.entity}' record. Your changes will be lost.`,
            'PX.Data.PXLockViolationException',
          ),
        );
      }
      const result = route(tenant, req, params);
      const lost =
        req.method !== 'GET' ? faults.take(req.method, params.entity, ['timeoutAfterWrite']) : undefined;
      if (lost) {
        // The write is applied; the answer never arrives.
        reply.hijack();
        if (lost.mode === 'hang') hung.add(req.raw.socket);
        else req.raw.socket.destroy();
        return;
      }
      return reply.code(result.status).send(result.body);
    } catch (error) {
      if (error instanceof SimHttpError) return send(reply, error);
      if (error instanceof FilterSyntaxError)
        return send(reply, httpError(400, `Invalid $filter: ${error.message}`));
      throw error;
    } finally {
      release();
    }
  };
  app.get('/entity/:name/:version/:entity', handle);
  app.get('/entity/:name/:version/:entity/*', handle);
  app.put('/entity/:name/:version/:entity', handle);
  app.delete('/entity/:name/:version/:entity/*', handle);

  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const port = Number(new URL(address).port);

  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    tenants: tenantOptions,
    async stop() {
      for (const s of hung) s.destroy();
      await app.close();
    },
    counters(name = defaultTenant) {
      const t = tenants.get(name.toLowerCase())!;
      return {
        maxInFlight: t.licence.maxInFlightSeen,
        inFlight: t.licence.inFlight,
        declined: t.licence.declined,
        requests: { ...t.requests, ...authRequests },
        ...auth.counters,
        activeSessions: auth.activeSessions(t.options.name),
      };
    },
    fault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    expireAccessTokens: () => auth.expireAccessTokens(),
    expireSessions: () => auth.expireSessions(),
    records(entity, name = defaultTenant) {
      const t = tenants.get(name.toLowerCase())!;
      const schema = schemaOf(entity)!;
      return t.store
        .all(entity)
        .map((r, i) =>
          toWire(schema, r, { expand: [...schema.linked.keys()], custom: customPaths(r) }, i + 1),
        );
    },
    upsert(entity, plain, name = defaultTenant) {
      const t = tenants.get(name.toLowerCase())!;
      const body = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, k === 'id' ? v : wrap(v)]));
      const out = t.store.put(entity, body, 'any');
      const schema = schemaOf(entity)!;
      return toWire(schema, out.record, { expand: [], custom: customPaths(out.record) }, 1);
    },
    sendPush: (o) => sendPush({ companyId: defaultTenant, ...o }),
  };
}
