import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';
import { SubnetkitError } from '../../errors/subnetkit-error.js';
import type { StoreWrite } from './store.js';
import { assertStoreIntact } from './store-check.js';

/** A committed block as stored: header, the signed extrinsics (wire text) and the state hash. */
export interface StoredBlock {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  stateHash: string;
  extrinsics: string[];
  /** The block's events (canonical JSON of `ChainEvent[]`); absent in blocks stored before they were kept. */
  events?: string;
}

/**
 * The lmdb data dir: `state` (key → canonical JSON value), `blocks` (number → StoredBlock JSON),
 * `meta` (genesis config and hash, head). One synchronous lmdb transaction per block, so a crash
 * (even SIGKILL) leaves the last fully committed block.
 */
export class ChainDb {
  readonly #root: RootDatabase;
  readonly #state: Database<string, string>;
  readonly #blocks: Database<string, number>;
  readonly #meta: Database<string, string>;

  /**
   * Opens (or, unless `readOnly`, creates) the store in `dir`. A damaged data file is refused
   * before LMDB maps it (SK_CHAIN_STORAGE, details.damaged). Read-only never creates a file: a
   * folder without a store is SK_CHAIN_NOT_FOUND.
   */
  constructor(dir: string, options: { readOnly?: boolean } = {}) {
    const readOnly = options.readOnly ?? false;
    if (readOnly && !existsSync(join(dir, 'data.mdb'))) {
      throw new SubnetkitError('SK_CHAIN_NOT_FOUND', `There is no chain database in ${dir} (no data.mdb).`, { dir });
    }
    assertStoreIntact(dir);
    try {
      if (!readOnly) mkdirSync(dir, { recursive: true });
      this.#root = open({ path: dir, maxDbs: 4, compression: false, readOnly });
      this.#state = this.#root.openDB<string, string>({ name: 'state', encoding: 'string' });
      this.#blocks = this.#root.openDB<string, number>({ name: 'blocks', encoding: 'string', keyEncoding: 'uint32' });
      this.#meta = this.#root.openDB<string, string>({ name: 'meta', encoding: 'string' });
    } catch (cause) {
      throw new SubnetkitError('SK_CHAIN_STORAGE', `cannot open the chain database in ${dir}`, { dir }, { cause });
    }
  }

  meta(key: string): string | undefined {
    return this.#meta.get(key);
  }

  /** All state entries (for loading at startup). */
  *stateEntries(): Iterable<[string, string]> {
    for (const { key, value } of this.#state.getRange()) yield [key, value];
  }

  block(number: number): StoredBlock | undefined {
    const text = this.#blocks.get(number);
    return text === undefined ? undefined : (JSON.parse(text) as StoredBlock);
  }

  /** Commits one block atomically: its state writes, its record, the new head. */
  commit(block: StoredBlock, writes: StoreWrite[], extraMeta: Record<string, string> = {}): void {
    try {
      this.#root.transactionSync(() => {
        for (const [key, value] of writes) {
          if (value === null) this.#state.remove(key);
          else this.#state.put(key, value);
        }
        this.#blocks.put(block.number, JSON.stringify(block));
        this.#meta.put('head', String(block.number));
        for (const [k, v] of Object.entries(extraMeta)) this.#meta.put(k, v);
      });
    } catch (cause) {
      throw new SubnetkitError(
        'SK_CHAIN_STORAGE',
        'writing a block to the chain database failed',
        { block: block.number },
        { cause },
      );
    }
  }

  async close(): Promise<void> {
    await this.#root.close();
  }
}
