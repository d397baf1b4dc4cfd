import type { Clock } from '../util/clock.js';

/** Replay-protection settings. */
export interface NonceGuardOptions {
  /** Allowance on top of the request timeout for the freshness window (SDK: 4 s). */
  readonly allowanceMs?: number;
  /** How far in the future a nonce may be (clock skew); the SDK has no bound. */
  readonly maxFutureSkewMs?: number;
  /** Most endpoints remembered in all; past this the least recently used hotkey loses its oldest. */
  readonly maxEntries?: number;
  /** Most endpoints (uuids) remembered per hotkey; past this that hotkey's own oldest goes. Default 256. */
  readonly maxEntriesPerHotkey?: number;
  /** Largest timeout a check may add to the window, whatever the caller passes. Default 60 s. */
  readonly maxTimeoutMs?: number;
}

/** Outcome of a nonce check. */
export type NonceCheck = { readonly ok: true } | { readonly ok: false; readonly message: string };

const NS_PER_MS = 1_000_000n;
const REPLAY = 'Nonce is too old, a newer one was last processed';

/** One hotkey's endpoints (uuid → last nonce, least recently used first) and its eviction floor. */
interface HotkeyNonces {
  readonly uuids: Map<string, bigint>;
  /** Every uuid of this hotkey not in `uuids` must send a nonce above this. */
  floor: bigint;
}

/**
 * Per-endpoint (`hotkey:uuid`) monotonic nonces with a freshness window on *every* request, a
 * bound on future skew and bounded memory. Checks run in the SDK's order: replay of a stored
 * endpoint first, then the window.
 *
 * Eviction never re-opens a replay: an evicted endpoint raises a floor its hotkey's unknown uuids
 * must exceed. Floors are per hotkey, and each hotkey holds at most `maxEntriesPerHotkey`
 * endpoints, so one key (say, one that fills its slots with future-dated nonces) can only raise its
 * own floor, never push out or block another key's endpoints. Entries already outside the widest
 * window are dropped without raising anything (the window refuses them anyway). Only when more
 * than `maxEntries / maxEntriesPerHotkey` hotkeys are active within one window does a whole
 * hotkey go, and its floor then applies to hotkeys not remembered, until it ages out of the window.
 */
export class NonceGuard {
  readonly #clock: Clock;
  readonly #allowanceNs: bigint;
  readonly #futureNs: bigint;
  readonly #maxTimeoutMs: number;
  readonly #max: number;
  readonly #maxPerKey: number;
  /** Hotkeys, least recently committed first. */
  readonly #keys = new Map<string, HotkeyNonces>();
  #size = 0;
  /** Floor for hotkeys with no record (raised only when a whole hotkey had to go). */
  #floor = 0n;

  constructor(clock: Clock, options: NonceGuardOptions = {}) {
    this.#clock = clock;
    this.#allowanceNs = BigInt(Math.round(options.allowanceMs ?? 4_000)) * NS_PER_MS;
    this.#futureNs = BigInt(Math.round(options.maxFutureSkewMs ?? 4_000)) * NS_PER_MS;
    this.#maxTimeoutMs = Math.max(0, options.maxTimeoutMs ?? 60_000);
    this.#max = Math.max(1, options.maxEntries ?? 100_000);
    this.#maxPerKey = Math.min(this.#max, Math.max(1, options.maxEntriesPerHotkey ?? 256));
  }

  /** Endpoints currently remembered. */
  get size(): number {
    return this.#size;
  }

  #now(): bigint {
    return BigInt(Math.round(this.#clock.now())) * NS_PER_MS;
  }

  /**
   * Checks without recording (call `commit` after the signature verifies). `timeoutMs` widens the
   * window up to `maxTimeoutMs`; pass a value the caller cannot inflate.
   */
  check(endpoint: string, nonce: bigint, timeoutMs: number): NonceCheck {
    const { hotkey, uuid } = split(endpoint);
    const rec = this.#keys.get(hotkey);
    const stored = rec?.uuids.get(uuid);
    if (stored !== undefined && nonce <= stored) return { ok: false, message: REPLAY };
    const now = this.#now();
    const t = Math.min(this.#maxTimeoutMs, Math.max(0, Math.round(timeoutMs)));
    const deltaNs = this.#allowanceNs + BigInt(t) * NS_PER_MS;
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
    if (stored === undefined && nonce <= (rec ? rec.floor : this.#floor)) return { ok: false, message: REPLAY };
    return { ok: true };
  }

  /** Records `nonce` as the endpoint's latest, then enforces the per-hotkey and total bounds. */
  commit(endpoint: string, nonce: bigint): void {
    const { hotkey, uuid } = split(endpoint);
    let rec = this.#keys.get(hotkey);
    if (rec) this.#keys.delete(hotkey);
    else rec = { uuids: new Map(), floor: this.#floor };
    this.#keys.set(hotkey, rec);
    const prev = rec.uuids.get(uuid);
    if (prev !== undefined && prev >= nonce) return;
    if (prev === undefined) this.#size++;
    else rec.uuids.delete(uuid);
    rec.uuids.set(uuid, nonce);
    const expiredBelow = this.#now() - this.#allowanceNs - BigInt(this.#maxTimeoutMs) * NS_PER_MS;
    while (rec.uuids.size > this.#maxPerKey) this.#evictOldest(hotkey, rec, expiredBelow);
    while (this.#size > this.#max) {
      const [lruKey, lru] = this.#keys.entries().next().value as [string, HotkeyNonces];
      this.#evictOldest(lruKey, lru, expiredBelow);
    }
  }

  #evictOldest(hotkey: string, rec: HotkeyNonces, expiredBelow: bigint): void {
    const [uuid, nonce] = rec.uuids.entries().next().value as [string, bigint];
    rec.uuids.delete(uuid);
    this.#size--;
    if (nonce > expiredBelow && nonce > rec.floor) rec.floor = nonce;
    if (rec.uuids.size > 0) return;
    this.#keys.delete(hotkey);
    if (rec.floor > expiredBelow && rec.floor > this.#floor) this.#floor = rec.floor;
  }
}

/** `hotkey:uuid` → parts; SS58 has no `:`, so the first one separates them. */
function split(endpoint: string): { hotkey: string; uuid: string } {
  const i = endpoint.indexOf(':');
  return i < 0 ? { hotkey: endpoint, uuid: '' } : { hotkey: endpoint.slice(0, i), uuid: endpoint.slice(i + 1) };
}

function seconds(ns: bigint): string {
  return (Number(ns) / 1e9).toFixed(2);
}
