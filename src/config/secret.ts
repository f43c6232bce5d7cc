import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A credential that cannot be logged by accident: `String()`, JSON, `util.inspect` and pino all
 * see `[redacted]`. Only `reveal()` gives the value, and only the code that sends it calls that.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
