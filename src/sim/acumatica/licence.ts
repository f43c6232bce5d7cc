/**
 * The licence as Acumatica enforces it (notes §5): `maxConcurrent` requests run, later ones wait
 * silently in a queue; past `queueLength` waiting (20 on real instances) a request is declined
 * with 429. Per minute: from half the limit on, each request is delayed by (time left in the
 * rolling minute) ÷ (requests remaining); at the limit, 429 (the simulator's simplification of
 * "declined after waiting 10 minutes").
 */
export interface LicenceOptions {
  maxConcurrent: number;
  queueLength: number;
  requestsPerMinute: number;
  /** Apply the 50 %-of-limit delay. Default true. */
  perMinuteDelay: boolean;
  now: () => number;
}

export class SimLicence {
  inFlight = 0;
  maxInFlightSeen = 0;
  declined = 0;
  delayed = 0;
  readonly #queue: Array<() => void> = [];
  readonly #window: number[] = [];

  constructor(readonly options: LicenceOptions) {}

  /** Resolves with a release function once the request may run, or with null when declined. */
  async enter(): Promise<(() => void) | null> {
    const now = this.options.now();
    while (this.#window.length > 0 && this.#window[0]! <= now - 60_000) this.#window.shift();
    const limit = this.options.requestsPerMinute;
    if (this.#window.length >= limit) {
      this.declined += 1;
      return null;
    }
    if (this.inFlight >= this.options.maxConcurrent && this.#queue.length >= this.options.queueLength) {
      this.declined += 1;
      return null;
    }
    this.#window.push(now);
    if (this.options.perMinuteDelay && this.#window.length > limit / 2) {
      const left = this.#window[0]! + 60_000 - now;
      const remaining = Math.max(1, limit - this.#window.length + 1);
      this.delayed += 1;
      await new Promise((r) => setTimeout(r, left / remaining));
    }
    if (this.inFlight >= this.options.maxConcurrent) {
      await new Promise<void>((resolve) => this.#queue.push(resolve));
    } else {
      this.inFlight += 1;
    }
    this.maxInFlightSeen = Math.max(this.maxInFlightSeen, this.inFlight);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      // The slot passes straight to the next waiter, so inFlight never dips and rises again.
      if (next) next();
      else this.inFlight -= 1;
    };
  }

  get queued(): number {
    return this.#queue.length;
  }
}
