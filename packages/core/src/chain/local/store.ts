import { blake2Big, canonicalEncode } from './codec.js';

const ABSENT: unique symbol = Symbol('absent');
type Old = unknown | typeof ABSENT;
const MOD = 1n << 256n;

/** One key's change in a block: the new canonical value, or null when deleted. */
export type StoreWrite = [key: string, value: string | null];

/** What a block changed, as the values before it (`had` false: the key was absent). */
export type StoreUndo = [key: string, had: boolean, old: unknown][];

/**
 * The chain state as one key-value map of immutable values, with two journals: a per-extrinsic
 * savepoint (so a failing call is undone completely) and a per-block dirty set (what the block
 * commits to disk and folds into the state hash). Values must never be mutated in place: writers
 * always store a fresh object, so the journals can keep references to old values.
 *
 * The state hash is the sum mod 2^256 of blake2(key ‖ value) over all entries: order-free, and
 * updated in O(changed keys) per block.
 */
export class Store {
  readonly #data = new Map<string, unknown>();
  #dirty = new Map<string, Old>();
  #journal: [string, Old][] | null = null;
  /** Journal lengths at each open savepoint (nested: a batch's items inside their extrinsic). */
  #marks: number[] = [];
  #acc = 0n;

  get<T>(key: string): T | undefined {
    return this.#data.get(key) as T | undefined;
  }

  has(key: string): boolean {
    return this.#data.has(key);
  }

  set(key: string, value: unknown): void {
    this.#touch(key);
    this.#data.set(key, value);
  }

  delete(key: string): void {
    if (!this.#data.has(key)) return;
    this.#touch(key);
    this.#data.delete(key);
  }

  #touch(key: string): void {
    const old: Old = this.#data.has(key) ? this.#data.get(key) : ABSENT;
    if (this.#journal) this.#journal.push([key, old]);
    if (!this.#dirty.has(key)) this.#dirty.set(key, old);
  }

  /** Starts a savepoint (they nest: each `rollback`/`release` closes the innermost). */
  savepoint(): void {
    if (!this.#journal) {
      this.#journal = [];
      this.#marks = [];
    }
    this.#marks.push(this.#journal.length);
  }

  /** Undoes everything since the innermost open `savepoint()`. */
  rollback(): void {
    const journal = this.#journal ?? [];
    const mark = this.#marks.pop() ?? 0;
    for (let i = journal.length - 1; i >= mark; i--) {
      const [key, old] = journal[i] as [string, Old];
      if (old === ABSENT) this.#data.delete(key);
      else this.#data.set(key, old);
    }
    journal.length = mark;
    if (this.#marks.length === 0) this.#journal = null;
  }

  /** Keeps everything since the innermost open `savepoint()` (an outer rollback still undoes it). */
  release(): void {
    this.#marks.pop();
    if (this.#marks.length === 0) this.#journal = null;
  }

  /** Undoes the whole block being built. */
  discardBlock(): void {
    for (const [key, old] of this.#dirty) {
      if (old === ABSENT) this.#data.delete(key);
      else this.#data.set(key, old);
    }
    this.#dirty = new Map();
    this.#journal = null;
    this.#marks = [];
  }

  /** Closes the block: returns its writes and the new state hash. */
  commitBlock(): { writes: StoreWrite[]; stateHash: string; undo: StoreUndo } {
    const writes: StoreWrite[] = [];
    const undo: StoreUndo = [];
    const keys = [...this.#dirty.keys()].sort();
    for (const key of keys) {
      const old = this.#dirty.get(key);
      const oldText = old === ABSENT ? null : canonicalEncode(old);
      const now = this.#data.has(key) ? canonicalEncode(this.#data.get(key)) : null;
      if (oldText === now) continue;
      if (oldText !== null) this.#acc = (this.#acc - entryHash(key, oldText) + MOD) % MOD;
      if (now !== null) this.#acc = (this.#acc + entryHash(key, now)) % MOD;
      writes.push([key, now]);
      undo.push([key, old !== ABSENT, old === ABSENT ? undefined : old]);
    }
    this.#dirty = new Map();
    this.#journal = null;
    this.#marks = [];
    return { writes, stateHash: this.stateHash(), undo };
  }

  /**
   * A detached copy of the committed state as it was before the given blocks (their undo records,
   * newest first). Values are shared, which is safe because they are never mutated in place. Its
   * state hash is not maintained: it serves reads of historical state.
   */
  snapshotBefore(undos: StoreUndo[]): Store {
    const copy = new Store();
    for (const [key, value] of this.#data) copy.#data.set(key, value);
    for (const undo of undos) {
      for (const [key, had, old] of undo) {
        if (had) copy.#data.set(key, old);
        else copy.#data.delete(key);
      }
    }
    return copy;
  }

  /** 0x-hex state hash of the committed state. */
  stateHash(): string {
    return `0x${this.#acc.toString(16).padStart(64, '0')}`;
  }

  /** Loads committed entries (at startup) and recomputes the hash from scratch. */
  load(entries: Iterable<[string, string]>, decode: (text: string) => unknown): void {
    this.#data.clear();
    this.#acc = 0n;
    for (const [key, text] of entries) {
      this.#data.set(key, decode(text));
      this.#acc = (this.#acc + entryHash(key, text)) % MOD;
    }
    this.#dirty = new Map();
  }

  /** Keys with a prefix, sorted (for queries and invariant checks; O(state)). */
  keysWithPrefix(prefix: string): string[] {
    const out: string[] = [];
    for (const key of this.#data.keys()) if (key.startsWith(prefix)) out.push(key);
    return out.sort();
  }
}

function entryHash(key: string, text: string): bigint {
  return blake2Big(`${key}\u0000${text}`);
}
