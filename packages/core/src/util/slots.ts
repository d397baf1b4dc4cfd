/**
 * The items of something that adds and removes them at request rate (the requests in flight), for
 * the rare walk over all of them (a forced shutdown). `add` returns the slot to remove the item by.
 *
 * Not a `Set`: a long-lived Set (in V8's old space) whose entries come and go keeps deleted entries
 * reachable for the young-generation collector until the next full collection, so every request it
 * ever held is copied and then promoted, live or not. Measured with `--trace-gc-nvp` on a loop
 * holding 16 entries of 8 KB at a time: 310 MB promoted and 91 full collections for an old Set,
 * 0.1 MB and 2 for these slots (the signed axon bench: ~2.5 MB promoted per scavenge with the Set,
 * ~0.2 MB with slots). A freed slot holds nothing; freed slots are reused, newest first.
 */
export class Slots<T> {
  readonly #items: (T | undefined)[] = [];
  readonly #free: number[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Stores `item`; the returned slot is what {@link remove} takes. */
  add(item: T): number {
    const slot = this.#free.pop() ?? this.#items.length;
    this.#items[slot] = item;
    this.#size++;
    return slot;
  }

  /** Frees `slot` (a slot already free, or never given, is ignored). */
  remove(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.#items.length) return;
    if (this.#items[slot] === undefined) return;
    this.#items[slot] = undefined;
    this.#free.push(slot);
    this.#size--;
  }

  /** The items stored now (a copy: removing while walking it is safe). */
  values(): T[] {
    return this.#items.filter((x): x is T => x !== undefined);
  }
}
