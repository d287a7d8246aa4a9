export const REDACTED = '[redacted]';

/**
 * A secret setting. Its value is only reachable through `reveal()`: string conversion, JSON and
 * console/util.inspect all show `[redacted]`, so logging a whole config object cannot leak it.
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

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}
