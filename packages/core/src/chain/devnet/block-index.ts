import { hexToU8a, isHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import type { Chain, ChainEvent } from '../types.js';
import { dispatchInfoOf } from './fees.js';
import {
  type DevnetRuntime,
  type EventRecordBytes,
  encodeEvents,
  eventRecordFor,
  outcomeRecord,
  sudidRecord,
  timestampInherent,
} from './runtime.js';

/** One block as the devnet serves it: a Substrate header over the engine's block. */
export interface BlockRecord {
  number: number;
  engineHash: string;
  hash: string;
  parentHash: string;
  header: Record<string, unknown>;
  timestamp: number;
  /** SCALE extrinsics by index (the engine's indices); slots the devnet has no bytes for get a placeholder. */
  extrinsics: Map<number, string>;
  /** Engine events by extrinsic index, or null for block-level events. */
  events: Map<number | null, ChainEvent[]>;
  /** True once the engine's own event list for the block arrived (it then replaces partial lists). */
  eventsFinal: boolean;
  /** Failed extrinsics attached to this block: index → subtensor error name. */
  failures: Map<number, string>;
  /** `Sudo.sudo` extrinsics: index → the inner call's error name, or null when it succeeded. */
  sudo: Map<number, string | null>;
  encodedEvents: Uint8Array | null;
}

const ZERO = `0x${'00'.repeat(32)}`;

/**
 * Maps the engine's blocks to Substrate headers (hash = blake2 of the SCALE header, state root = the
 * engine's block hash) and keeps, per block, the SCALE extrinsics and `System.Events` the devnet
 * serves. Blocks are indexed in order; `ensure(n)` fills any gap from the engine.
 */
export class BlockIndex {
  readonly #rt: DevnetRuntime;
  readonly #chain: Chain;
  readonly #byNumber = new Map<number, BlockRecord>();
  readonly #byHash = new Map<string, BlockRecord>();
  #queue: Promise<unknown> = Promise.resolve();
  #head = -1;
  /** Only the newest blocks keep their extrinsics and events (memory bound). */
  readonly #keepDetail: number;

  constructor(rt: DevnetRuntime, chain: Chain, keepDetail = 4096) {
    this.#rt = rt;
    this.#chain = chain;
    this.#keepDetail = keepDetail;
  }

  get head(): BlockRecord | undefined {
    return this.#byNumber.get(this.#head);
  }

  get genesisHash(): string {
    return this.#byNumber.get(0)?.hash ?? ZERO;
  }

  byNumber(n: number): BlockRecord | undefined {
    return this.#byNumber.get(n);
  }

  byHash(hash: string): BlockRecord | undefined {
    return this.#byHash.get(hash.toLowerCase());
  }

  /** The block for an RPC `at`/hash argument: the head when absent. */
  resolve(hash: unknown): BlockRecord | undefined {
    if (hash === undefined || hash === null) return this.head;
    return typeof hash === 'string' ? this.byHash(hash) : undefined;
  }

  /** Indexes blocks up to `n` (serialised, so records are built in order). */
  ensure(n: number, timestamp?: number): Promise<BlockRecord> {
    const run = async (): Promise<BlockRecord> => {
      for (let k = this.#head + 1; k <= n; k++) {
        const engineHash = await this.#chain.blockHash(k);
        this.#add(k, engineHash, k === n ? (timestamp ?? 0) : 0);
      }
      const rec = this.#byNumber.get(n);
      if (!rec) throw new Error(`block ${n} is not indexed`);
      if (timestamp && rec.timestamp === 0) rec.timestamp = timestamp;
      return rec;
    };
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => undefined);
    return p;
  }

  #add(number: number, engineHash: string, timestamp: number): void {
    const parent = this.#byNumber.get(number - 1);
    const stateRoot =
      isHex(engineHash) && hexToU8a(engineHash).length === 32 ? engineHash : blake2AsHex(engineHash, 256);
    const header = this.#rt.registry.createType('Header', {
      parentHash: parent?.hash ?? ZERO,
      number,
      stateRoot,
      extrinsicsRoot: ZERO,
      digest: { logs: [] },
    });
    const rec: BlockRecord = {
      number,
      engineHash,
      hash: header.hash.toHex(),
      parentHash: parent?.hash ?? ZERO,
      header: header.toJSON() as Record<string, unknown>,
      timestamp,
      extrinsics: new Map(),
      events: new Map(),
      eventsFinal: false,
      failures: new Map(),
      sudo: new Map(),
      encodedEvents: null,
    };
    this.#byNumber.set(number, rec);
    this.#byHash.set(rec.hash, rec);
    this.#head = Math.max(this.#head, number);
    const old = this.#byNumber.get(number - this.#keepDetail);
    if (old) {
      old.extrinsics.clear();
      old.events.clear();
      old.failures.clear();
      old.sudo.clear();
      old.encodedEvents = null;
    }
  }

  /** The engine's full event list for a block (authoritative). */
  setBlockEvents(rec: BlockRecord, events: ChainEvent[]): void {
    rec.events.clear();
    for (const ev of events) {
      const idx = ev.extrinsicIndex;
      const list = rec.events.get(idx) ?? [];
      list.push(ev);
      rec.events.set(idx, list);
    }
    rec.eventsFinal = true;
    rec.encodedEvents = null;
  }

  /**
   * Records an extrinsic the engine included at `engineIndex` (null: unknown, use the next free
   * slot); `errorName` marks a dispatch failure. Returns its index in the devnet block.
   */
  addIncluded(
    rec: BlockRecord,
    hex: string,
    engineIndex: number | null,
    events: ChainEvent[],
    errorName: string | null,
    viaSudo = false,
  ): number {
    const idx = engineIndex ?? this.#nextFree(rec);
    rec.extrinsics.set(idx, hex);
    if (!rec.eventsFinal && !rec.events.has(idx) && events.length > 0) rec.events.set(idx, events);
    // a sudo extrinsic succeeds; its inner call's outcome is the Sudid event
    if (viaSudo) rec.sudo.set(idx, errorName);
    else if (errorName !== null) rec.failures.set(idx, errorName);
    rec.encodedEvents = null;
    return idx;
  }

  #nextFree(rec: BlockRecord): number {
    return Math.max(-1, ...rec.extrinsics.keys(), ...[...rec.events.keys()].filter((k): k is number => k !== null)) + 1;
  }

  #count(rec: BlockRecord): number {
    return this.#nextFree(rec);
  }

  /**
   * SCALE extrinsics of the block. Indices are the engine's (so event phases match the in-process
   * chain); slots whose bytes the devnet never saw (submitted in-process) hold a timestamp inherent.
   */
  extrinsicsOf(rec: BlockRecord): string[] {
    const n = this.#count(rec);
    const filler = timestampInherent(this.#rt, rec.timestamp);
    return Array.from({ length: n }, (_, i) => rec.extrinsics.get(i) ?? filler);
  }

  /** SCALE `System.Events` of the block. */
  eventsOf(rec: BlockRecord): Uint8Array {
    if (rec.encodedEvents) return rec.encodedEvents;
    const records: EventRecordBytes[] = [];
    for (const ev of rec.events.get(null) ?? []) {
      const r = eventRecordFor(this.#rt, ev, { Initialization: null });
      if (r) records.push(r);
    }
    const n = this.#count(rec);
    for (let i = 0; i < n; i++) {
      records.push(
        ...(rec.events.get(i) ?? []).flatMap((ev) => eventRecordFor(this.#rt, ev, { ApplyExtrinsic: i }) ?? []),
      );
      const sudo = rec.sudo.get(i);
      if (sudo !== undefined) records.push(sudidRecord(this.#rt, i, sudo));
      const failure = sudo !== undefined ? null : (rec.failures.get(i) ?? engineFailure(rec.events.get(i)));
      const hex = rec.extrinsics.get(i);
      records.push(outcomeRecord(this.#rt, i, failure, hex ? dispatchInfoOf(this.#rt, hex) : undefined));
    }
    rec.encodedEvents = encodeEvents(this.#rt, records);
    return rec.encodedEvents;
  }
}

/** The engine reports a dispatch failure as `System.ExtrinsicFailed { chainError }`. */
function engineFailure(events: ChainEvent[] | undefined): string | null {
  const failed = events?.find((e) => e.pallet === 'System' && e.name === 'ExtrinsicFailed');
  if (!failed) return null;
  return typeof failed.data.chainError === 'string' ? failed.data.chainError : 'Other';
}
