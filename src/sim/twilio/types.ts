import type { Clock } from '../../ops/clock.js';

export interface SimNumber {
  /** E.164, e.g. `+13125550100`. */
  phoneNumber: string;
  /** Segments per second this sender's queue drains at. Default: the simulator's `defaultMps`. */
  mps?: number;
  /** "A message comes in" URL for this number (else the service's, else the simulator's). */
  inboundUrl?: string;
}

export interface SimMessagingService {
  /** `MG` + 32 hex. */
  sid: string;
  /** Sender pool; the first is used when a create gives no `From`. */
  numbers: string[];
  inboundUrl?: string;
  /** The service's "Delivery Status Callback", used when a create gives no `StatusCallback`. */
  statusCallback?: string;
}

export interface SimAccount {
  accountSid: string;
  authToken: string;
  apiKeys?: { sid: string; secret: string }[];
  /**
   * The account's numbers. When given, `From` must be one of them (else 21606); when omitted
   * any `From` is accepted, which keeps quick tests short.
   */
  numbers?: SimNumber[];
  messagingServices?: SimMessagingService[];
}

/** Knobs that make the simulator misbehave; every rate is a probability in [0, 1]. */
export interface SimFaults {
  /** Added before every API response (uses the simulator's clock). */
  latencyMs: number;
  /** 500 before processing: nothing is created. */
  serverErrorRate: number;
  /** The create is committed, then the answer is a 500: the message exists. */
  serverErrorAfterCreateRate: number;
  /** 429 / 20429 before processing (safe to retry). */
  rateLimitRate: number;
  /** Seconds in `Retry-After` on those 429s; null sends none (Twilio documents none, notes §2.3). */
  retryAfterSeconds: number | null;
  /** The create is committed, then the response is lost. */
  timeoutAfterCreateRate: number;
  /** `reset`: the connection is destroyed at once; `hang`: no answer until the client gives up. */
  timeoutMode: 'reset' | 'hang';
  /** Every API call answers 401 / 20003. */
  authFailure: boolean;
  /** Each status callback is sent a second time with this probability. */
  callbackDuplicateRate: number;
  /** With this probability a message's `sent` callback is held back until after its final one. */
  callbackReorderRate: number;
}

export const defaultFaults: SimFaults = {
  latencyMs: 0,
  serverErrorRate: 0,
  serverErrorAfterCreateRate: 0,
  rateLimitRate: 0,
  retryAfterSeconds: null,
  timeoutAfterCreateRate: 0,
  timeoutMode: 'reset',
  authFailure: false,
  callbackDuplicateRate: 0,
  callbackReorderRate: 0,
};

/** How a message to a given number ends, for numbers that do not simply get `delivered`. */
export interface FailingNumber {
  status: 'undelivered' | 'failed';
  /** e.g. 30003 unreachable handset, 30005 unknown handset, 30007 filtered. */
  errorCode: number;
}

export interface TwilioSimulatorOptions {
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: one account derived from the seed (see `demoAccount`). */
  accounts?: SimAccount[];
  /** Seeds SIDs and fault decisions. Default 1. */
  seed?: number;
  faults?: Partial<SimFaults>;
  /** Default the system clock; a `ManualClock` makes queues and callbacks move only when advanced. */
  clock?: Clock;
  /** Sender pace when a number has no `mps`. Default 1 (a US long code). */
  defaultMps?: number;
  /** From `sent` to `delivered`/`undelivered`. Default 1,000 ms. */
  deliveryDelayMs?: number;
  /** Inbound URL for numbers and services without their own. */
  inboundUrl?: string;
  /** Recipients whose messages do not get delivered. Keys are E.164 numbers. */
  failingNumbers?: Record<string, FailingNumber>;
  /** Recipients Twilio rejects at create with 21614 (landline / not mobile). */
  landlineNumbers?: string[];
  /**
   * Send `OptOutType` on inbound STOP/START/HELP. Real Twilio only does with Advanced Opt-Out on
   * a Messaging Service (notes §5). Default true.
   */
  optOutTypeParam?: boolean;
}

/** One API request as the simulator saw it. */
export interface SimRequestRecord {
  /** Simulator clock, epoch ms, when the request arrived. */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Form parameters (repeated keys joined as arrays). */
  params: Record<string, string | string[]>;
  /** The user of Basic auth (Account SID or API key SID), or null. */
  authUser: string | null;
  /** HTTP status sent; 0 when the connection was dropped or never answered. */
  status: number;
  /** Fault applied, if any. */
  fault?: keyof SimFaults;
}

/** One webhook the simulator sent (status callback or inbound message). */
export interface SimWebhookRecord {
  at: number;
  kind: 'status' | 'inbound';
  url: string;
  params: Record<string, string>;
  signature: string;
  /** HTTP status of each try; 0 for a connection failure. */
  tries: number[];
  /** Response body of the last try (inbound webhooks answer TwiML). */
  responseBody: string;
}
