import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * Holds a secret value (mnemonic, seed, private key, password). Every way of printing it —
 * `toString`, template strings, `JSON.stringify`, `util.inspect`, pino — shows `[redacted]`.
 * The raw value is reachable only through `reveal()`, called at the point of use.
 */
export class Secret<T = string> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  /** The raw value. Call only where the secret is consumed (signing, decryption). */
  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}

/** Wraps a value in a Secret unless it already is one. */
export function toSecret<T>(value: T | Secret<T>): Secret<T> {
  return value instanceof Secret ? value : new Secret(value);
}
