import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { faultsPatchSchema, registerControlRoutes, stripUndefined } from './control-routes.js';
import { type InjectInboundInput, type InjectInboundResult, injectInbound } from './inbound.js';
import {
  type ApiResponse,
  authenticate,
  createMessage,
  type FormParams,
  fetchAccount,
  fetchMessage,
  listIncomingNumbers,
  listMessagesApi,
  notFound,
  unauthorized,
} from './messages-api.js';
import { createPrng } from './prng.js';
import { errorBody, toResource } from './resource.js';
import { SimState } from './state.js';
import type {
  SimAccount,
  SimFaults,
  SimRequestRecord,
  SimWebhookRecord,
  TwilioSimulatorOptions,
} from './types.js';

export interface TwilioSimulator {
  /** e.g. `http://127.0.0.1:43121`; use as the client's `baseUrl`. */
  readonly url: string;
  readonly port: number;
  readonly accounts: readonly SimAccount[];
  /** Every API request, in arrival order (control routes excluded). */
  readonly requests: readonly SimRequestRecord[];
  /** Every webhook sent (status callbacks and inbound), in completion order. */
  readonly webhooks: readonly SimWebhookRecord[];
  readonly autoReplies: readonly { at: number; from: string; to: string; body: string }[];
  /** All messages, outbound and inbound, as API resources, oldest first. */
  messages(): Record<string, unknown>[];
  faults(): SimFaults;
  setFaults(faults: Partial<SimFaults>): SimFaults;
  injectInbound(input: InjectInboundInput): Promise<InjectInboundResult>;
  /** Whether `recipient` has opted out of `sender` (a number, or a Messaging Service SID). */
  isOptedOut(recipient: string, sender: string, accountSid?: string): boolean;
  clearRequests(): void;
  /** Resolves once `predicate()` holds, re-checked on every state change. Rejects after `timeoutMs` (10,000). */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves when no webhook is being delivered. */
  settled(): Promise<void>;
  /** Idempotent; destroys open connections (including hung ones). */
  stop(): Promise<void>;
}

/** A deterministic account for demo mode and quick tests; any `From` is accepted. */
export function demoAccount(seed = 1): SimAccount {
  const rng = createPrng(seed ^ 0x2545f491);
  return { accountSid: `AC${rng.hex(32)}`, authToken: rng.hex(32) };
}

function parseForm(text: string): FormParams {
  const out: FormParams = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

function flatQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === 'string') out[k] = first;
  }
  return out;
}

function basicUser(header: string | undefined): string | null {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  return decoded.split(':')[0] ?? null;
}

type Operation = 'create' | 'list' | 'fetch' | 'account' | 'numbers';

export async function startTwilioSimulator(options: TwilioSimulatorOptions = {}): Promise<TwilioSimulator> {
  const accounts = options.accounts ?? [demoAccount(options.seed ?? 1)];
  const state = new SimState(options, accounts);
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 1024 * 1024 });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseForm(String(body)));
  });

  const send = (reply: FastifyReply, record: SimRequestRecord, res: ApiResponse) => {
    record.status = res.status;
    state.changed();
    return reply
      .code(res.status)
      .headers({ 'content-type': 'application/json; charset=utf-8', ...res.headers })
      .send(JSON.stringify(res.body));
  };

  async function api(
    req: FastifyRequest,
    reply: FastifyReply,
    op: Operation,
    accountSid: string,
    sid?: string,
  ) {
    const path = req.url.split('?')[0] ?? req.url;
    const query = flatQuery(req.query);
    const params = (req.body ?? {}) as FormParams;
    const record: SimRequestRecord = {
      at: state.clock.now(),
      method: req.method,
      path,
      query,
      params: typeof params === 'object' ? params : {},
      authUser: basicUser(req.headers.authorization),
      status: 0,
    };
    state.requests.push(record);
    const f = state.faults;
    if (f.latencyMs > 0)
      await state.clock.sleep(f.latencyMs, state.stopController.signal).catch(() => undefined);
    if (f.authFailure) {
      record.fault = 'authFailure';
      return send(reply, record, unauthorized());
    }
    const account = authenticate(state, req.headers.authorization, accountSid);
    if (!account) return send(reply, record, unauthorized());
    if (state.chance(f.rateLimitRate)) {
      record.fault = 'rateLimitRate';
      const headers: Record<string, string> =
        f.retryAfterSeconds === null ? {} : { 'retry-after': String(f.retryAfterSeconds) };
      return send(reply, record, { status: 429, body: errorBody(429, 20429, 'Too Many Requests'), headers });
    }
    if (state.chance(f.serverErrorRate)) {
      record.fault = 'serverErrorRate';
      return send(reply, record, { status: 500, body: errorBody(500, 20500, 'Internal Server Error') });
    }
    let res: ApiResponse;
    switch (op) {
      case 'create':
        res = createMessage(state, account, params);
        break;
      case 'list':
        res = listMessagesApi(state, account, query);
        break;
      case 'fetch':
        res = fetchMessage(state, account, sid ?? '', path);
        break;
      case 'account':
        res = fetchAccount(account);
        break;
      case 'numbers':
        res = listIncomingNumbers(account, query);
        break;
      default: {
        const never: never = op;
        throw new Error(`unknown operation ${String(never)}`);
      }
    }
    if (op === 'create' && res.status === 201) {
      if (state.chance(f.timeoutAfterCreateRate)) {
        record.fault = 'timeoutAfterCreateRate';
        state.changed();
        reply.hijack();
        // `reset`: the client sees a dropped connection; `hang`: its own timeout fires.
        if (f.timeoutMode === 'reset') req.raw.socket.destroy();
        return;
      }
      if (state.chance(f.serverErrorAfterCreateRate)) {
        record.fault = 'serverErrorAfterCreateRate';
        return send(reply, record, { status: 500, body: errorBody(500, 20500, 'Internal Server Error') });
      }
    }
    return send(reply, record, res);
  }

  type AccountParams = { accountSid: string };
  const base = '/2010-04-01/Accounts';
  app.post<{ Params: AccountParams }>(`${base}/:accountSid/Messages.json`, (req, reply) =>
    api(req, reply, 'create', req.params.accountSid),
  );
  app.get<{ Params: AccountParams }>(`${base}/:accountSid/Messages.json`, (req, reply) =>
    api(req, reply, 'list', req.params.accountSid),
  );
  app.get<{ Params: AccountParams }>(`${base}/:accountSid/IncomingPhoneNumbers.json`, (req, reply) =>
    api(req, reply, 'numbers', req.params.accountSid),
  );
  app.get<{ Params: AccountParams & { file: string } }>(
    `${base}/:accountSid/Messages/:file`,
    (req, reply) => {
      const sid = req.params.file.replace(/\.json$/, '');
      if (sid === req.params.file) return reply.code(404).send(notFound(req.url).body);
      return api(req, reply, 'fetch', req.params.accountSid, sid);
    },
  );
  app.get<{ Params: { file: string } }>(`${base}/:file`, (req, reply) => {
    const sid = req.params.file.replace(/\.json$/, '');
    if (sid === req.params.file) return reply.code(404).send(notFound(req.url).body);
    return api(req, reply, 'account', sid);
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(notFound(req.url.split('?')[0] ?? req.url).body);
  });

  registerControlRoutes(app, state);

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;

  let stopping: Promise<void> | undefined;
  const settled = async () => {
    while (state.inflight.size > 0) await Promise.allSettled([...state.inflight]);
  };

  return {
    url,
    port,
    accounts,
    requests: state.requests,
    webhooks: state.webhooks,
    autoReplies: state.autoReplies,
    messages: () => state.messages.map(toResource),
    faults: () => ({ ...state.faults }),
    setFaults(faults) {
      state.faults = { ...state.faults, ...stripUndefined(faultsPatchSchema.parse(faults)) };
      return { ...state.faults };
    },
    injectInbound: (input) => injectInbound(state, input),
    isOptedOut(recipient, sender, accountSid) {
      const account = accounts.find((a) => a.accountSid === accountSid) ?? accounts[0];
      if (!account) return false;
      const scope = sender.startsWith('MG')
        ? state.optOutScope(account, { from: null, messagingServiceSid: sender })
        : state.optOutScope(account, { from: sender, messagingServiceSid: null });
      return state.optOuts.has(`${scope}|${recipient}`);
    },
    clearRequests() {
      state.requests.length = 0;
    },
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        if (predicate()) return resolve();
        const onChange = () => {
          if (!predicate()) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`simulator waitFor: condition not met within ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          state.events.off('change', onChange);
        };
        state.events.on('change', onChange);
      });
    },
    settled,
    stop() {
      stopping ??= (async () => {
        state.stopController.abort(new Error('simulator stopped'));
        await app.close();
        await settled();
      })();
      return stopping;
    },
  };
}
