import { EventEmitter } from 'node:events';
import { type Clock, systemClock } from '../../ops/clock.js';
import { createPrng, type Prng } from './prng.js';
import type { SimMessage } from './resource.js';
import {
  defaultFaults,
  type FailingNumber,
  type SimAccount,
  type SimFaults,
  type SimMessagingService,
  type SimNumber,
  type SimRequestRecord,
  type SimWebhookRecord,
  type TwilioSimulatorOptions,
} from './types.js';

/** Everything the simulator knows, shared by the API handlers, the sender queues and the control API. */
export class SimState {
  readonly clock: Clock;
  readonly accounts: SimAccount[];
  readonly defaultMps: number;
  readonly deliveryDelayMs: number;
  readonly inboundUrl: string | undefined;
  readonly failingNumbers: Map<string, FailingNumber>;
  readonly landlineNumbers: Set<string>;
  readonly optOutTypeParam: boolean;
  faults: SimFaults;

  readonly messages: SimMessage[] = [];
  readonly bySid = new Map<string, SimMessage>();
  readonly requests: SimRequestRecord[] = [];
  readonly webhooks: SimWebhookRecord[] = [];
  /** Twilio's automatic STOP/START/HELP replies; not in the Messages list. */
  readonly autoReplies: { at: number; from: string; to: string; body: string }[] = [];
  /** `${scope}|${recipient}`; scope is `ms:MG…` or `num:+1…` (see `optOutScope`). */
  readonly optOuts = new Set<string>();
  /** Per sender number: when its queue is free again (epoch ms). */
  readonly senderFreeAt = new Map<string, number>();
  readonly events = new EventEmitter();
  readonly stopController = new AbortController();
  readonly inflight = new Set<Promise<unknown>>();

  #seq = 0;
  readonly #sidRng: Prng;
  readonly #faultRng: Prng;

  constructor(options: TwilioSimulatorOptions, accounts: SimAccount[]) {
    const seed = options.seed ?? 1;
    this.clock = options.clock ?? systemClock;
    this.accounts = accounts;
    this.defaultMps = options.defaultMps ?? 1;
    this.deliveryDelayMs = options.deliveryDelayMs ?? 1000;
    this.inboundUrl = options.inboundUrl;
    this.failingNumbers = new Map(Object.entries(options.failingNumbers ?? {}));
    this.landlineNumbers = new Set(options.landlineNumbers ?? []);
    this.optOutTypeParam = options.optOutTypeParam ?? true;
    this.faults = { ...defaultFaults, ...options.faults };
    // Separate streams: turning a fault knob must not change the SIDs a test sees.
    this.#sidRng = createPrng(seed);
    this.#faultRng = createPrng(seed ^ 0x5bd1e995);
    this.events.setMaxListeners(0);
  }

  nextSeq(): number {
    return ++this.#seq;
  }

  newSid(prefix: string): string {
    return `${prefix}${this.#sidRng.hex(32)}`;
  }

  /** A fault decision; draws only when the rate is set, so unrelated knobs keep their sequence. */
  chance(rate: number): boolean {
    return rate > 0 && this.#faultRng.next() < rate;
  }

  changed(): void {
    this.events.emit('change');
  }

  addMessage(m: SimMessage): void {
    this.messages.push(m);
    this.bySid.set(m.sid, m);
    this.changed();
  }

  accountOfNumber(phoneNumber: string): SimAccount | undefined {
    return this.accounts.find((a) => a.numbers?.some((n) => n.phoneNumber === phoneNumber));
  }

  numberConfig(account: SimAccount, phoneNumber: string): SimNumber | undefined {
    return account.numbers?.find((n) => n.phoneNumber === phoneNumber);
  }

  serviceOfNumber(account: SimAccount, phoneNumber: string): SimMessagingService | undefined {
    return account.messagingServices?.find((s) => s.numbers.includes(phoneNumber));
  }

  /** A Messaging Service's block covers all its senders; otherwise a block is per number (notes §5). */
  optOutScope(
    account: SimAccount,
    sender: { from: string | null; messagingServiceSid: string | null },
  ): string {
    if (sender.messagingServiceSid) return `ms:${sender.messagingServiceSid}`;
    const service = sender.from ? this.serviceOfNumber(account, sender.from) : undefined;
    return service ? `ms:${service.sid}` : `num:${sender.from ?? ''}`;
  }

  mpsOf(account: SimAccount, from: string): number {
    return this.numberConfig(account, from)?.mps ?? this.defaultMps;
  }

  /**
   * Runs `fn` at simulator time `atMs` unless the simulator stops first. Not tracked as in
   * flight: with a `ManualClock` it may wait forever, and `settled()` must not.
   */
  schedule(atMs: number, fn: () => void | Promise<void>): void {
    const wait = atMs - this.clock.now();
    const run =
      wait > 0 ? this.clock.sleep(wait, this.stopController.signal).then(fn) : Promise.resolve().then(fn);
    run.catch(() => undefined);
  }

  /** Webhook deliveries in progress, awaited by `settled()` and `stop()`. */
  track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }
}
