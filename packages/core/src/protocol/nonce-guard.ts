import type { Clock } from '../util/clock.js';

/** Replay-protection settings. */
export interface NonceGuardOptions {
  /** Allowance on top of the request timeout for the freshness window (SDK: 4 s). */
  readonly allowanceMs?: number;
  /** How far in the future a nonce may be (clock skew); the SDK has no bound. */
  readonly maxFutureSkewMs?: number;
  /** Most endpoints remembered; the oldest are evicted past this. */
  readonly maxEntries?: number;
}

/** Outcome of a nonce check. */
export type NonceCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

const NS_PER_MS = 1_000_000n;

/**
 * Per-endpoint (`hotkey:uuid`) monotonic nonces with a freshness window on *every* request, a
 * bound on future skew and bounded memory. Evicting an endpoint raises a floor that every unknown
 * endpoint's nonce must exceed, so eviction never re-opens a replay.
 */
export class NonceGuard {
  readonly #clock: Clock;
  readonly #allowanceNs: bigint;
  readonly #futureNs: bigint;
  readonly #max: number;
  readonly #last = new Map<string, bigint>();
  #floor = 0n;

  constructor(clock: Clock, options: NonceGuardOptions = {}) {
    this.#clock = clock;
    this.#allowanceNs = BigInt(Math.round(options.allowanceMs ?? 4_000)) * NS_PER_MS;
    this.#futureNs = BigInt(Math.round(options.maxFutureSkewMs ?? 4_000)) * NS_PER_MS;
    this.#max = Math.max(1, options.maxEntries ?? 100_000);
  }

  /** Endpoints currently remembered. */
  get size(): number {
    return this.#last.size;
  }

  /** Checks without recording (call `commit` after the signature verifies). */
  check(endpoint: string, nonce: bigint, timeoutMs: number): NonceCheck {
    const now = BigInt(Math.round(this.#clock.now())) * NS_PER_MS;
    const deltaNs = this.#allowanceNs + BigInt(Math.max(0, Math.round(timeoutMs))) * NS_PER_MS;
    if (nonce <= now - deltaNs) {
      return {
        ok: false,
        message: `Nonce is too old: acceptable delta is ${seconds(deltaNs)} seconds but request was ${seconds(now - nonce)} seconds old`,
      };
    }
    if (nonce > now + this.#futureNs) {
      return {
        ok: false,
        message: `Nonce is from the future: it is ${seconds(nonce - now)} seconds ahead of this axon's clock, more than the ${seconds(this.#futureNs)} seconds of skew allowed (check both clocks)`,
      };
    }
    const last = this.#last.get(endpoint) ?? this.#floor;
    if (nonce <= last) return { ok: false, message: 'Nonce is too old, a newer one was last processed' };
    return { ok: true };
  }

  /** Records `nonce` as the endpoint's latest; evicts the least recently used past the bound. */
  commit(endpoint: string, nonce: bigint): void {
    const prev = this.#last.get(endpoint);
    if (prev !== undefined && prev >= nonce) return;
    this.#last.delete(endpoint);
    this.#last.set(endpoint, nonce);
    while (this.#last.size > this.#max) {
      const first = this.#last.entries().next().value as [string, bigint];
      this.#last.delete(first[0]);
      if (first[1] > this.#floor) this.#floor = first[1];
    }
  }
}

function seconds(ns: bigint): string {
  return (Number(ns) / 1e9).toFixed(2);
}
