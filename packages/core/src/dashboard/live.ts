import type { Chain } from '../chain/types.js';
import { cellsOf } from './columns.js';
import type { DashboardSnapshot } from './snapshot.js';

/** What a live update carries: block, next epochs and every table cell (already formatted). */
export interface LiveUpdate {
  block: number;
  subnets: {
    netuid: number;
    nextEpochBlock: number | null;
    epochs: number;
    neurons: { uid: number; cells: ReturnType<typeof cellsOf> }[];
  }[];
}

export function liveUpdate(snap: DashboardSnapshot): LiveUpdate {
  return {
    block: snap.block,
    subnets: snap.subnets.map((s) => ({
      netuid: s.netuid,
      nextEpochBlock: s.nextEpochBlock,
      epochs: s.epochs,
      neurons: s.neurons.map((n) => ({ uid: n.uid, cells: cellsOf(n) })),
    })),
  };
}

type Listener = (update: LiveUpdate) => void;

/**
 * Fans block updates out to the open pages: one chain read per block whatever the number of
 * pages, none while no page listens, and a read still running when the next block comes is
 * not doubled (the next read starts once it ends, with the newest block).
 */
export class LiveHub {
  readonly #listeners = new Set<Listener>();
  readonly #closers = new Set<() => void>();
  readonly #unsubscribe: () => void;
  #reading = false;
  #again = false;
  #closed = false;

  constructor(
    chain: Chain,
    readonly read: () => Promise<DashboardSnapshot>,
    readonly onError: (err: unknown) => void,
  ) {
    this.#unsubscribe = chain.onBlock(() => this.#refresh());
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  /** Adds a page; `closed` is called when the hub closes (the server stops), so its stream ends. */
  subscribe(listener: Listener, closed: () => void): () => void {
    if (this.#closed) {
      closed();
      return () => undefined;
    }
    this.#listeners.add(listener);
    this.#closers.add(closed);
    return () => {
      this.#listeners.delete(listener);
      this.#closers.delete(closed);
    };
  }

  #refresh(): void {
    if (this.#listeners.size === 0 || this.#closed) return;
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    this.read()
      .then((snap) => {
        const update = liveUpdate(snap);
        for (const l of this.#listeners) l(update);
      })
      .catch(this.onError)
      .finally(() => {
        this.#reading = false;
        if (this.#again) {
          this.#again = false;
          this.#refresh();
        }
      });
  }

  close(): void {
    this.#closed = true;
    this.#unsubscribe();
    for (const c of [...this.#closers]) c();
    this.#listeners.clear();
    this.#closers.clear();
  }
}
