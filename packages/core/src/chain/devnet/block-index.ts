import { hexToU8a, isHex, u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import type { Chain, ChainEvent } from '../types.js';
import { dispatchInfoOf } from './fees.js';
import {
  type DevnetRuntime,
  type DispatchInfoJson,
  type EventRecordBytes,
  encodeEvents,
  eventRecordFor,
  outcomeRecord,
  sudidRecord,
  timestampInherent,
} from './runtime.js';
import { orderedTrieRoot } from './trie.js';

/** One block as the devnet serves it: a Substrate header over the engine's block. */
export interface BlockRecord {
  number: number;
  engineHash: string;
  hash: string;
  parentHash: string;
  header: Record<string, unknown>;
  timestamp: number;
  /**
   * SCALE extrinsics in block order: the `timestamp.set` inherent, then the engine's extrinsics
   * (engine index i is block index i + 1). Null once evicted from memory (reloaded from the engine).
   */
  extrinsics: string[] | null;
  /** Engine events by engine extrinsic index, or null for block-level events. */
  events: Map<number | null, ChainEvent[]>;
  /** True once the engine's own event list for the block arrived (it then replaces partial lists). */
  eventsFinal: boolean;
  /** Failed extrinsics attached to this block: engine index → subtensor error name. */
  failures: Map<number, string>;
  /** `Sudo.sudo` extrinsics: engine index → the inner call's error name, or null when it succeeded. */
  sudo: Map<number, string | null>;
  /**
   * `DispatchInfo` of the extrinsics the devnet included itself (engine index → info): their
   * events need no second decode (their `Sudo.sudo`-ness is then `sudo`'s keys).
   */
  info: Map<number, DispatchInfoJson>;
  encodedEvents: Uint8Array | null;
}

/** What the engine kept of a committed block (persistent engines), for re-indexing after a restart. */
export interface StoredBody {
  timestamp: number;
  /** Per engine extrinsic, the devnet's SCALE hex, or null for one submitted another way. */
  extrinsics: (string | null)[];
  events: ChainEvent[] | null;
}

const ZERO = `0x${'00'.repeat(32)}`;
/** `aura` engine id: blocks carry an Aura-style pre-runtime digest (the slot), as subtensor's do. */
const AURA = '0x61757261';
/** The slot duration the digest's slot counts in (subtensor's 12 s block time). */
const SLOT_MS = 12_000;

/**
 * Maps the engine's blocks to Substrate blocks: the body is the `timestamp.set` inherent followed by
 * the engine's extrinsics, the header carries the ordered-trie extrinsics root, an Aura pre-runtime
 * digest (slot = timestamp / 12 s) and the engine's block hash as state root. Per block it keeps the
 * SCALE extrinsics and `System.Events` the devnet serves; the newest `keepDetail` blocks in memory,
 * older ones reloaded from the engine's store when it has one. Blocks are indexed in order;
 * `ensure(n)` fills any gap from the engine.
 */
export class BlockIndex {
  readonly #rt: DevnetRuntime;
  readonly #chain: Chain;
  readonly #stored: ((n: number) => StoredBody | null) | undefined;
  readonly #byNumber = new Map<number, BlockRecord>();
  readonly #byHash = new Map<string, BlockRecord>();
  #queue: Promise<unknown> = Promise.resolve();
  #head = -1;
  /** Only the newest blocks keep their extrinsics and events in memory. */
  readonly #keepDetail: number;

  constructor(rt: DevnetRuntime, chain: Chain, stored?: (n: number) => StoredBody | null, keepDetail = 4096) {
    this.#rt = rt;
    this.#chain = chain;
    this.#stored = stored;
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

  /**
   * Indexes blocks up to `n` (serialised, so records are built in order). `body` is block n's
   * engine extrinsics as the engine reported them when it built the block; blocks without one are
   * read from the engine's store, or indexed with an empty body.
   */
  ensure(n: number, timestamp?: number, body?: (string | null)[]): Promise<BlockRecord> {
    // an indexed block (every extrinsic of a block asks for it): no turn in the queue
    const known = body === undefined && n <= this.#head ? this.#byNumber.get(n) : undefined;
    if (known) return Promise.resolve(known);
    const run = async (): Promise<BlockRecord> => {
      for (let k = this.#head + 1; k <= n; k++) {
        const engineHash = await this.#chain.blockHash(k);
        const stored = k === n && body ? null : (this.#stored?.(k) ?? null);
        const ts = k === n && timestamp ? timestamp : (stored?.timestamp ?? 0);
        const rec = this.#add(k, engineHash, ts, k === n && body ? body : (stored?.extrinsics ?? []));
        if (stored?.events) this.setBlockEvents(rec, stored.events);
      }
      const rec = this.#byNumber.get(n);
      if (!rec) throw new Error(`block ${n} is not indexed`);
      return rec;
    };
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => undefined);
    return p;
  }

  #body(number: number, timestamp: number, engineXts: (string | null)[]): string[] {
    if (number === 0) return [];
    // an extrinsic submitted in-process has no Substrate encoding: an unsigned remark holds its slot
    const filler = (i: number) => remark(this.#rt, i);
    return [timestampInherent(this.#rt, timestamp), ...engineXts.map((x, i) => x ?? filler(i))];
  }

  #add(number: number, engineHash: string, timestamp: number, engineXts: (string | null)[]): BlockRecord {
    const parent = this.#byNumber.get(number - 1);
    const stateRoot =
      isHex(engineHash) && hexToU8a(engineHash).length === 32 ? engineHash : blake2AsHex(engineHash, 256);
    const extrinsics = this.#body(number, timestamp, engineXts);
    const slot = BigInt(Math.floor(timestamp / SLOT_MS));
    const header = this.#rt.registry.createType('Header', {
      parentHash: parent?.hash ?? ZERO,
      number,
      stateRoot,
      extrinsicsRoot: u8aToHex(orderedTrieRoot(extrinsics.map((x) => hexToU8a(x)))),
      digest: {
        logs: number === 0 ? [] : [{ PreRuntime: [AURA, u8aToHex(this.#rt.registry.createType('u64', slot).toU8a())] }],
      },
    });
    const rec: BlockRecord = {
      number,
      engineHash,
      hash: header.hash.toHex(),
      parentHash: parent?.hash ?? ZERO,
      header: header.toJSON() as Record<string, unknown>,
      timestamp,
      extrinsics,
      events: new Map(),
      eventsFinal: false,
      failures: new Map(),
      sudo: new Map(),
      info: new Map(),
      encodedEvents: null,
    };
    this.#byNumber.set(number, rec);
    this.#byHash.set(rec.hash, rec);
    this.#head = Math.max(this.#head, number);
    const old = this.#byNumber.get(number - this.#keepDetail);
    // evicted details come back from the engine's store when asked for (in-memory engines keep
    // none: the body then holds placeholders and the events are gone)
    if (old) {
      old.extrinsics = null;
      old.events.clear();
      old.eventsFinal = false;
      old.encodedEvents = null;
    }
    return rec;
  }

  /** Reloads an evicted block's body and events from the engine's store. */
  #reload(rec: BlockRecord): void {
    if (rec.extrinsics) return;
    const stored = this.#stored?.(rec.number);
    rec.extrinsics = this.#body(rec.number, rec.timestamp, stored?.extrinsics ?? []);
    if (stored?.events) this.setBlockEvents(rec, stored.events);
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
   * Records what the devnet knows of an extrinsic the engine included at `engineIndex` (null:
   * unknown, found by its bytes): its events until the engine's list arrives, a dispatch failure,
   * and whether it was a `sudo`. Returns its index in the Substrate block.
   */
  addIncluded(
    rec: BlockRecord,
    hex: string,
    engineIndex: number | null,
    events: ChainEvent[],
    errorName: string | null,
    viaSudo = false,
    info?: DispatchInfoJson,
  ): number {
    this.#reload(rec);
    const xts = rec.extrinsics as string[];
    let idx = engineIndex;
    if (idx === null) {
      const at = xts.indexOf(hex);
      idx = at > 0 ? at - 1 : Math.max(0, xts.length - 1);
    }
    if (!rec.eventsFinal && !rec.events.has(idx) && events.length > 0) rec.events.set(idx, events);
    // a sudo extrinsic succeeds; its inner call's outcome is the Sudid event
    if (info) rec.info.set(idx, info);
    if (viaSudo) rec.sudo.set(idx, errorName);
    else if (errorName !== null) rec.failures.set(idx, errorName);
    rec.encodedEvents = null;
    return idx + 1;
  }

  /** SCALE extrinsics of the block, the timestamp inherent first. */
  extrinsicsOf(rec: BlockRecord): string[] {
    this.#reload(rec);
    return rec.extrinsics as string[];
  }

  /** SCALE `System.Events` of the block. */
  eventsOf(rec: BlockRecord): Uint8Array {
    this.#reload(rec);
    if (rec.encodedEvents) return rec.encodedEvents;
    const records: EventRecordBytes[] = [];
    for (const ev of rec.events.get(null) ?? []) {
      const r = eventRecordFor(this.#rt, ev, { Initialization: null });
      if (r) records.push(r);
    }
    const xts = rec.extrinsics as string[];
    if (rec.number > 0) {
      records.push(
        outcomeRecord(this.#rt, 0, null, {
          weight: { refTime: 0, proofSize: 0 },
          class: 'Mandatory',
          paysFee: 'Yes',
        }),
      );
    }
    for (let i = 0; i + 1 < xts.length; i++) {
      const at = i + 1;
      const engineEvents = rec.events.get(i);
      records.push(...(engineEvents ?? []).flatMap((ev) => eventRecordFor(this.#rt, ev, { ApplyExtrinsic: at }) ?? []));
      const hex = xts[at] as string;
      const info = rec.info.get(i);
      const sudo = rec.sudo.has(i)
        ? rec.sudo.get(i)
        : info === undefined && isSudo(this.#rt, hex)
          ? engineFailure(engineEvents)
          : undefined;
      if (sudo !== undefined) records.push(sudidRecord(this.#rt, at, sudo));
      const failure = sudo !== undefined ? null : (rec.failures.get(i) ?? engineFailure(engineEvents));
      records.push(outcomeRecord(this.#rt, at, failure, info ?? dispatchInfoOf(this.#rt, hex)));
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

/** A signed `Sudo.sudo` (its outcome is reported as `Sudo.Sudid`), from its bytes. */
function isSudo(rt: DevnetRuntime, hex: string): boolean {
  try {
    const ext = rt.registry.createType('Extrinsic', hex);
    return ext.isSigned && ext.method.section === 'sudo';
  } catch {
    return false;
  }
}

/** Unsigned `System.remark(index)`: the placeholder of an extrinsic with no Substrate encoding. */
function remark(rt: DevnetRuntime, index: number): string {
  const call = rt.registry.createType('Call', {
    callIndex: [rt.palletIndex('System') ?? 0, 0],
    args: { remark: rt.registry.createType('u32', index).toU8a() },
  });
  return u8aToHex(rt.registry.createType('Extrinsic', call).toU8a());
}
