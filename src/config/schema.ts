import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { cronProblem } from './cron.js';
import { type DatabaseConfig, database, SQLITE_MEMORY } from './database.js';
import { CONFIG_DEFAULTS as D } from './defaults.js';
import {
  always,
  boolean,
  clock,
  duration,
  e164,
  httpUrl,
  integer,
  isTimeZone,
  numberFromText,
  positiveNumber,
  secret,
  secretHttpUrl,
  sid,
  slug,
  text,
} from './fields.js';
import type { Secret } from './secret.js';

/*
 * The configuration contract of DESIGN.md as one zod schema. It parses the YAML tree (after
 * `${ENV}` interpolation and `…File` secrets, see load.ts) into typed values: durations become
 * `…Ms`, either/or settings become discriminated unions, every credential becomes a `Secret`.
 * Objects are strict: a misspelt key is an error, not a silently ignored setting.
 */

// ---------------------------------------------------------------- alerts

const alertSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('log') }),
  z.strictObject({ type: z.literal('webhook'), url: secretHttpUrl(), secret: secret().optional() }),
  z.strictObject({ type: z.literal('slack'), url: secretHttpUrl() }),
  z.strictObject({
    type: z.literal('sms'),
    /** Whose Twilio account sends the alert; the first tenant when omitted. */
    tenant: slug().optional(),
    to: z.array(e164()).min(1, 'list at least one number'),
  }),
]);

// ---------------------------------------------------------------- tenant

const acumaticaAuthSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('oauth2'),
    clientId: text(),
    clientSecret: secret(),
    username: text(),
    password: secret(),
  }),
  z.strictObject({ type: z.literal('session'), username: text(), password: secret() }),
]);

const acumaticaSchema = z.strictObject({
  url: httpUrl(),
  endpoint: z
    .string()
    .regex(/^[A-Za-z0-9_]+\/\d+(?:\.\d+)*$/, 'expected <name>/<version>, e.g. Default/24.200.001')
    .default(D.acumatica.endpoint),
  /** The Acumatica tenant (company) login name. */
  tenant: text(),
  auth: acumaticaAuthSchema,
  maxConcurrent: integer(1, 1000).default(D.acumatica.maxConcurrent),
  requestsPerMinute: integer(1).default(D.acumatica.requestsPerMinute),
  requestTimeoutMs: integer(1000).default(D.acumatica.requestTimeoutMs),
  /** Needed only by push-notification rules (`query`); polling-only tenants may omit it. */
  push: z
    .strictObject({
      header: z.string().regex(/^[A-Za-z0-9-]+$/, 'expected an HTTP header name such as X-Api-Key'),
      secret: secret(),
    })
    .nullable()
    .default(null),
  activityType: text().default(D.acumatica.activityType),
  activitySidField: text().nullable().default(D.acumatica.activitySidField),
  optOutField: text().default(D.acumatica.optOutField),
  phoneIndex: z
    .strictObject({ refreshEvery: duration().prefault(D.acumatica.phoneIndexRefreshEvery) })
    .prefault({})
    .transform(({ refreshEvery }) => ({ refreshEveryMs: refreshEvery })),
});

export type TwilioSender =
  | { readonly type: 'from'; readonly from: string }
  | { readonly type: 'messagingService'; readonly messagingServiceSid: string };

const twilioSchema = z
  .strictObject({
    accountSid: sid('AC', 'Twilio Account SID'),
    /** Always required: Twilio signs webhooks with the auth token, never with an API key. */
    authToken: secret(),
    apiKeySid: sid('SK', 'Twilio API key SID').optional(),
    apiKeySecret: secret().optional(),
    baseUrl: httpUrl().default(D.twilio.baseUrl),
    from: e164().optional(),
    messagingServiceSid: sid('MG', 'Messaging Service SID').optional(),
    mps: positiveNumber().default(D.twilio.mps),
    statusCallbackFragment: z
      .string()
      .transform((value) => value.replace(/^#/, ''))
      .default(D.twilio.statusCallbackFragment),
    maxConcurrent: integer(1, 1000).default(D.twilio.maxConcurrent),
    requestTimeoutMs: integer(1000).default(D.twilio.requestTimeoutMs),
  })
  .refine((v) => (v.from === undefined) !== (v.messagingServiceSid === undefined), {
    ...always,
    path: ['from'],
    message: 'give exactly one of from or messagingServiceSid',
  })
  .refine((v) => (v.apiKeySid === undefined) === (v.apiKeySecret === undefined), {
    ...always,
    path: ['apiKeySid'],
    message: 'give apiKeySid and apiKeySecret together, or neither',
  })
  .transform(({ from, messagingServiceSid, apiKeySid, apiKeySecret, ...rest }) => {
    const sender: TwilioSender =
      from !== undefined
        ? { type: 'from', from }
        : { type: 'messagingService', messagingServiceSid: messagingServiceSid! };
    const apiKey = apiKeySid !== undefined ? { sid: apiKeySid, secret: apiKeySecret! } : null;
    return { ...rest, apiKey, sender };
  });

export type RuleTrigger =
  | { readonly type: 'push'; readonly query: string }
  | {
      readonly type: 'poll';
      readonly entity: string;
      readonly filter: string | null;
      /** Field the poll cursor follows; `null`: LastModified for SalesOrder, else LastModifiedDateTime. */
      readonly changeField: string | null;
      /** Linked entities to read with each record (`$expand`), e.g. `MainContact`. */
      readonly expand: readonly string[];
      readonly everyMs: number;
    };

const ruleSchema = z
  .strictObject({
    id: slug(),
    query: text().optional(),
    poll: z
      .strictObject({
        entity: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, 'expected an entity name such as Invoice'),
        filter: text().nullable().default(null),
        changeField: text().nullable().default(null),
        expand: z.array(text()).default([]),
        every: duration(),
      })
      .optional(),
    when: z
      .strictObject({
        field: text(),
        becomes: z
          .preprocess(numberFromText, z.union([z.string(), z.number(), z.boolean()]))
          .transform(String),
      })
      .nullable()
      .default(null),
    key: text(),
    to: text(),
    body: text(),
    relate: z.strictObject({ noteId: text(), type: text() }).nullable().default(null),
  })
  .refine((v) => (v.query === undefined) !== (v.poll === undefined), {
    ...always,
    path: ['query'],
    message: 'give exactly one of query (push notification) or poll',
  })
  .transform(({ query, poll, ...rest }) => {
    const trigger: RuleTrigger =
      query !== undefined
        ? { type: 'push', query }
        : {
            type: 'poll',
            entity: poll!.entity,
            filter: poll!.filter,
            changeField: poll!.changeField,
            expand: poll!.expand,
            everyMs: poll!.every,
          };
    return { ...rest, trigger };
  });

const quietHoursSchema = z
  .strictObject({ start: clock(), end: clock() })
  .refine((v) => v.start !== v.end, {
    path: ['end'],
    message: 'start and end are equal; use quietHours: null to turn quiet hours off',
  })
  .transform((v) => ({ ...v, startMinute: minuteOfDay(v.start), endMinute: minuteOfDay(v.end) }));

function minuteOfDay(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours! * 60 + minutes!;
}

const tenantSchema = z.strictObject({
  id: slug(),
  /** Country for numbers stored without +country code (ISO 3166-1 alpha-2). */
  defaultCountry: z
    .string()
    .transform((value) => value.toUpperCase())
    .refine((value) => /^[A-Z]{2}$/.test(value) && isSupportedCountry(value), {
      message: 'expected an ISO 3166-1 alpha-2 country code with a phone plan, e.g. US',
    })
    .default(D.tenant.defaultCountry),
  /** IANA zone; the fallback when the recipient's own zone is unknown. */
  timezone: z.string().refine(isTimeZone, 'expected an IANA time zone such as America/Chicago'),
  quietHours: quietHoursSchema.nullable().prefault({ ...D.tenant.quietHours }),
  acumatica: acumaticaSchema,
  twilio: twilioSchema,
  rules: z.array(ruleSchema).default([...D.rules]),
});

// ---------------------------------------------------------------- top level

const queueSchema = z
  .strictObject({
    /** Omitted keys fall back to the queue's own per-kind defaults (src/queue/). */
    pollIntervalMs: integer(10).optional(),
    leaseSeconds: integer(1).optional(),
    maxAttempts: integer(1).optional(),
    baseDelayMs: integer(1).optional(),
    maxDelayMs: integer(1).optional(),
    concurrency: integer(1, 1000).optional(),
  })
  .prefault({});

export const configSchema = z
  .strictObject({
    database: database().prefault(D.database),
    /** The URL Twilio signs and calls back; webhook signatures are computed over it. */
    publicUrl: httpUrl(),
    http: z
      .strictObject({ host: text().default(D.http.host), port: integer(0, 65_535).default(D.http.port) })
      .prefault({}),
    log: z
      .strictObject({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default(D.log.level),
      })
      .prefault({}),
    admin: z.strictObject({ token: secret() }),
    metrics: z.strictObject({ token: secret().nullable().default(null) }).prefault({}),
    alerts: z.array(alertSchema).prefault(D.alerts.map((alert) => ({ ...alert }))),
    tenants: z.array(tenantSchema).min(1, 'configure at least one tenant'),
    sync: z
      .strictObject({
        /** Scheduled incremental sync; omitted: only `acusms sync` runs it. */
        every: duration().nullable().default(null),
        /** Each window starts this much before the cursor so late arrivals are not missed. */
        overlap: duration().prefault(D.sync.overlap),
        batchSize: integer(1, 1000).default(D.sync.batchSize),
      })
      .prefault({})
      .transform(({ every, overlap, batchSize }) => ({ everyMs: every, overlapMs: overlap, batchSize })),
    reconcile: z
      .strictObject({
        schedule: z
          .string()
          .superRefine((value, ctx) => {
            const problem = cronProblem(value);
            if (problem !== undefined)
              ctx.addIssue({ code: 'custom', message: `invalid cron expression: ${problem}` });
          })
          .default(D.reconcile.schedule),
        /** How far back the scheduled reconcile looks. */
        window: duration().prefault(D.reconcile.window),
        threshold: integer(0).default(D.reconcile.threshold),
        autoRepair: boolean().default(D.reconcile.autoRepair),
      })
      .prefault({})
      .transform(({ window, ...rest }) => ({ ...rest, windowMs: window })),
    pushLog: z.strictObject({ retentionDays: integer(1).default(D.pushLog.retentionDays) }).prefault({}),
    errorRate: z
      .strictObject({
        windowSeconds: integer(10).default(D.errorRate.windowSeconds),
        /** Error ratio (0–1) that counts as a spike. */
        threshold: z.preprocess(numberFromText, z.number().gt(0).max(1)).default(D.errorRate.threshold),
        /** No alert below this many calls in the window: 1 failure out of 2 is not a spike. */
        minVolume: integer(1).default(D.errorRate.minVolume),
        cooldownSeconds: integer(0).default(D.errorRate.cooldownSeconds),
      })
      .prefault({}),
    queue: queueSchema,
  })
  .transform((config) => ({
    ...config,
    // An SMS alert without a tenant goes out through the first tenant's Twilio account.
    alerts: config.alerts.map((alert) =>
      alert.type === 'sms' ? { ...alert, tenant: alert.tenant ?? config.tenants[0]!.id } : alert,
    ),
  }));

// ---------------------------------------------------------------- types

/** Deeply readonly, except that a `Secret` stays a `Secret` (its private field makes it nominal). */
export type DeepReadonly<T> = T extends Secret
  ? T
  : T extends readonly (infer U)[]
    ? readonly DeepReadonly<U>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** The parsed, frozen configuration. */
export type Config = DeepReadonly<z.output<typeof configSchema>>;
export type TenantConfig = Config['tenants'][number];
export type AcumaticaConfig = TenantConfig['acumatica'];
export type AcumaticaAuthConfig = AcumaticaConfig['auth'];
export type TwilioConfig = TenantConfig['twilio'];
export type RuleConfig = TenantConfig['rules'][number];
export type QuietHours = NonNullable<TenantConfig['quietHours']>;
export type AlertConfig = Config['alerts'][number];
export type SyncConfig = Config['sync'];
export type ReconcileConfig = Config['reconcile'];
export type ErrorRateConfig = Config['errorRate'];
export type QueueConfig = Config['queue'];

/**
 * Where credentials live in the YAML tree. Each may instead be given as `<key>File: /path`
 * (secret-files.ts), and the same list feeds the pino redact paths (redact.ts). A test checks
 * that exactly these paths come out as `Secret`s.
 */
export const SECRET_PATHS: readonly (readonly string[])[] = [
  ['database'],
  ['admin', 'token'],
  ['metrics', 'token'],
  ['alerts', '*', 'url'],
  ['alerts', '*', 'secret'],
  ['tenants', '*', 'acumatica', 'auth', 'clientSecret'],
  ['tenants', '*', 'acumatica', 'auth', 'password'],
  ['tenants', '*', 'acumatica', 'push', 'secret'],
  ['tenants', '*', 'twilio', 'authToken'],
  ['tenants', '*', 'twilio', 'apiKeySecret'],
];

export { type DatabaseConfig, SQLITE_MEMORY };
