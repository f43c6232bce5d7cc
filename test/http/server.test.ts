import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Secret } from '../../src/config/secret.js';
import { buildServer } from '../../src/http/server.js';
import { createMetrics } from '../../src/ops/metrics.js';
import { silentLogger } from '../helpers/logger.js';

const token = 'test-admin-token-0123456789';

function server(options: { problems?: string[]; metricsToken?: string; bodyLimitBytes?: number } = {}) {
  const app = buildServer({
    logger: silentLogger,
    metrics: createMetrics(async () => ({ send: 3 })),
    adminToken: new Secret(token),
    metricsToken: options.metricsToken ? new Secret(options.metricsToken) : null,
    readiness: async () => options.problems ?? [],
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
  });
  app.post('/api/echo', async (request) => z.object({ n: z.number() }).parse(request.body));
  app.post('/form', async (request) => request.body);
  return app;
}

describe('http server', () => {
  let app: ReturnType<typeof server> | undefined;
  afterEach(async () => {
    await app?.close();
  });

  it('answers /healthz and echoes a request id', async () => {
    app = server();
    const res = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'req-42' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toBe('req-42');
  });

  it('/readyz lists what is not ready with 503', async () => {
    app = server({ problems: ['database: connection refused'] });
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'not_ready', problems: ['database: connection refused'] });
  });

  it('/metrics serves Prometheus text with HTTP latency and queue depth', async () => {
    app = server();
    await app.inject({ url: '/healthz' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain(
      'acusms_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"} 1',
    );
    expect(res.body).toContain('acusms_queue_depth{kind="send"} 3');
    expect(res.body).toContain('acusms_process_cpu_user_seconds_total');
  });

  it('/metrics can require its own token', async () => {
    app = server({ metricsToken: 'scrape-token' });
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
    const ok = await app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-token' } });
    expect(ok.statusCode).toBe(200);
  });

  it.each([
    ['no header', {}],
    ['wrong token', { authorization: 'Bearer nope' }],
    ['wrong scheme', { authorization: `Basic ${token}` }],
  ])('the admin API refuses %s with 401 JSON', async (_name, headers) => {
    app = server();
    const res = await app.inject({ method: 'POST', url: '/api/echo', headers, payload: { n: 1 } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'unauthorized', message: 'missing or wrong bearer token' });
  });

  it('the admin API accepts the token; bad input gets 400 {error, message}', async () => {
    app = server();
    const auth = { authorization: `Bearer ${token}` };
    const ok = await app.inject({ method: 'POST', url: '/api/echo', headers: auth, payload: { n: 1 } });
    expect(ok.json()).toEqual({ n: 1 });
    const bad = await app.inject({ method: 'POST', url: '/api/echo', headers: auth, payload: { n: 'one' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'bad_request', message: expect.stringContaining('n:') });
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/echo',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"n":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toHaveProperty('error');
  });

  it('unknown routes and oversized bodies answer JSON errors', async () => {
    app = server({ bodyLimitBytes: 100 });
    const missing = await app.inject({ url: '/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'not_found' });
    const big = await app.inject({
      method: 'POST',
      url: '/form',
      payload: `Body=${'x'.repeat(500)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toHaveProperty('error');
  });

  it('parses Twilio form bodies, keeping repeated keys', async () => {
    app = server();
    const res = await app.inject({
      method: 'POST',
      url: '/form',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'Body=Hi+there%21&From=%2B13125550142&MediaUrl=a&MediaUrl=b',
    });
    expect(res.json()).toEqual({ Body: 'Hi there!', From: '+13125550142', MediaUrl: ['a', 'b'] });
  });
});
