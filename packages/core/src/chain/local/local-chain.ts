import { createHash } from 'node:crypto';
import { isSubnetkitError, SubnetkitError } from '../../errors/subnetkit-error.js';
import type { Logger } from '../../log/logger.js';
import type { LocalBeacon } from '../../timelock/beacon.js';
import { type Clock, systemClock } from '../../util/clock.js';
import type { Signer } from '../../util/signer.js';
import type {
  BlockHeader,
  Chain,
  ChainCall,
  ChainEvent,
  ChildkeyInfo,
  ExtrinsicResult,
  Metagraph,
  Rao,
  StakeInfo,
  SubnetHyperparameters,
  SubnetInfo,
  TimelockBeaconInfo,
  Unsubscribe,
} from '../types.js';
import { lockCost } from './calls.js';
import { childkeyTakeOf, childrenOf, inheritedStake, parentsOf, pendingChildrenOf } from './childkeys.js';
import { blake2Hex, canonicalDecode, canonicalEncode } from './codec.js';
import { blockStep } from './coinbase.js';
import { initCrypto, isAddress } from './crypto.js';
import { attachBeacon, BEACON_GENESIS, BEACON_PERIOD, beaconTime, lastStoredRound, pulseSignature } from './drand.js';
import {
  decodeAndVerify,
  type EngineCall,
  encodeExtrinsic,
  parseCall,
  type SignedExtrinsic,
  signExtrinsic,
} from './extrinsic.js';
import { buildGenesis, type GenesisConfig, genesisHashOf, paramsOf } from './genesis.js';
import { activityCutoffBlocks } from './params.js';
import { ChainDb, type StoredBlock } from './persistence.js';
import type { CallContext } from './set-weights.js';
import { ChainState, type Subnet } from './state.js';
import { Store, type StoreUndo } from './store.js';
import { poolValidate, type TimelockedCommit, timelockedQueues } from './timelock-weights.js';
import { applyEngineCall, innerCalls } from './utility.js';

/** How blocks are produced: every `n` ms, on `advance()` only, or right after each submission. */
export type BlockTime = number | 'manual' | 'instant';

/** Options of `createLocalChain`. */
export interface LocalChainOptions {
  /** lmdb data dir; omitted → state lives in memory only. */
  dataDir?: string;
  /** Genesis for a new chain; a data dir that already has one keeps it (a different one is refused). */
  genesis?: GenesisConfig;
  /** Default 12,000 ms like the real chain; 250 for fast development; 'manual' for tests. */
  blockTime?: BlockTime;
  clock?: Clock;
  logger?: Logger;
  /**
   * Blocks whose state stays readable (`stateAt`), as a node keeps recent state (default 256): each
   * keeps the values its writes replaced, in memory.
   */
  historyBlocks?: number;
}

/** TAO accounting: TotalIssuance equals free balances + pool reserves + burned TAO. */
export interface IssuanceBreakdown {
  totalIssuance: Rao;
  free: Rao;
  /** SubnetTAO over all subnets (root's stable pool included): stakes and locks live here. */
  poolTao: Rao;
  burned: Rao;
  recycled: Rao;
  /** free + poolTao + burned. */
  accounted: Rao;
}

/**
 * A transaction fee computed by the caller (the devnet's weight-based fee): `fee` is the whole
 * amount withdrawn (tip included), before dispatch, and kept when the call fails.
 */
export interface TxPayment {
  fee: bigint;
  tip: bigint;
}

/** Extras of an externally authenticated extrinsic. */
export interface AuthenticatedExtras {
  payment?: TxPayment;
  /** The extrinsic's own encoding (e.g. SCALE hex), stored with the block so its body can be served later. */
  raw?: string;
}

interface Pending {
  x: SignedExtrinsic;
  wire: string;
  payment?: TxPayment;
  resolve(r: ExtrinsicResult): void;
  reject(e: unknown): void;
}

const ZERO_HASH = `0x${'0'.repeat(64)}`;
const U16 = 65535;

/**
 * The embedded local chain: subtensor's rules, signed extrinsics, deterministic blocks, lmdb
 * persistence (one transaction per block).
 *
 * @example
 * const chain = await createLocalChain({ blockTime: 'manual', genesis });
 * const done = chain.submit(alice, { pallet: 'Balances', method: 'transfer_keep_alive', args: { dest, value: 10n ** 9n } });
 * await chain.advance(1);
 * await done;
 */
export class LocalChain implements Chain {
  readonly kind = 'local' as const;
  readonly chainType = 'Development';
  readonly genesisHash: string;
  readonly #store: Store;
  readonly #st: ChainState;
  readonly #db: ChainDb | null;
  readonly #clock: Clock;
  readonly #log: Logger | undefined;
  readonly #blockTime: BlockTime;
  readonly #historyBlocks: number;
  #head: BlockHeader;
  readonly #hashes: string[] = [];
  #pool: Pending[] = [];
  readonly #nextNonce = new Map<string, number>();
  readonly #blockListeners = new Set<(h: BlockHeader) => void>();
  readonly #eventListeners = new Set<(e: ChainEvent[], h: BlockHeader) => void>();
  readonly #abort = new AbortController();
  #closed = false;
  #dbClosed = false;
  #instantScheduled = false;
  readonly #beacon: LocalBeacon;

  /** Use `createLocalChain`. */
  constructor(init: {
    store: Store;
    st: ChainState;
    db: ChainDb | null;
    genesisHash: string;
    head: BlockHeader;
    options: LocalChainOptions;
  }) {
    this.#store = init.store;
    this.#st = init.st;
    this.#db = init.db;
    this.genesisHash = init.genesisHash;
    this.#head = init.head;
    this.#beacon = attachBeacon(init.st, init.genesisHash);
    this.#clock = init.options.clock ?? systemClock;
    this.#log = init.options.logger;
    this.#blockTime = init.options.blockTime ?? 12_000;
    this.#historyBlocks = init.options.historyBlocks ?? 256;
    if (!this.#db) this.#hashes[init.head.number] = init.head.hash;
    if (typeof this.#blockTime === 'number') {
      if (!Number.isFinite(this.#blockTime) || this.#blockTime <= 0) {
        throw new SubnetkitError(
          'SK_CONFIG_INVALID',
          'blockTime must be a positive number of ms, "manual" or "instant"',
          {},
        );
      }
      void this.#run(this.#blockTime);
    }
  }

  async #run(ms: number): Promise<void> {
    while (!this.#closed) {
      try {
        await this.#clock.sleep(ms, this.#abort.signal);
      } catch {
        return;
      }
      if (this.#closed) return;
      try {
        this.produceBlock();
      } catch (err) {
        this.#log?.error({ event: 'chain.block_failed', err }, 'block production failed; the chain stopped');
        return;
      }
    }
  }

  // ---- extrinsics -------------------------------------------------------------------------

  /** Signs `call` with `signer` (next free nonce) and resolves once it is in a block. */
  async submit(signer: Signer, call: ChainCall): Promise<ExtrinsicResult> {
    this.#assertOpen();
    const parsed = parseCall(call);
    const nonce = this.#expectedNonce(signer.address);
    return this.submitExtrinsic(signExtrinsic(signer, this.genesisHash, nonce, parsed));
  }

  /**
   * Submits a signed extrinsic (wire bytes or object). Rejects at once on malformed input, a bad
   * signature, or a stale/future nonce; otherwise resolves or rejects when its block is built.
   */
  submitExtrinsic(input: Uint8Array | SignedExtrinsic): Promise<ExtrinsicResult> {
    try {
      this.#assertOpen();
      const x = decodeAndVerify(input, this.genesisHash);
      // wire bytes that decoded and verified are kept as given (no second encoding)
      const wire =
        input instanceof Uint8Array
          ? Buffer.from(input).toString('utf8')
          : Buffer.from(encodeExtrinsic(x)).toString('utf8');
      return this.#enqueue(x, wire);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Submits a call whose signature the caller already verified in another format (the devnet's
   * Substrate extrinsics). Nonce rules, validation and the block path are the same; the block
   * records it with `auth: "external"` and no local signature.
   */
  submitAuthenticated(
    signer: string,
    nonce: number,
    call: EngineCall,
    extras: AuthenticatedExtras = {},
  ): Promise<ExtrinsicResult> {
    try {
      this.#assertOpen();
      if (!isAddress(signer)) {
        throw new SubnetkitError('SK_CHAIN_BAD_INPUT', 'signer is not an SS58-42 address', {
          chainError: 'BadRequest',
        });
      }
      const x: SignedExtrinsic = { signer, nonce, call: parseCall(call), signature: '' };
      const { payment, raw } = extras;
      if (payment && (payment.fee < 0n || payment.tip < 0n || payment.tip > payment.fee)) {
        throw new SubnetkitError('SK_CHAIN_BAD_INPUT', 'a fee is non-negative and includes the tip', {
          chainError: 'BadRequest',
        });
      }
      if (payment && !this.#canPay(signer, payment.fee)) {
        throw new SubnetkitError(
          'SK_CHAIN_INSUFFICIENT_BALANCE',
          'Inability to pay some fees (e.g. account balance too low)',
          { chainError: 'Payment' },
        );
      }
      const wire = canonicalEncode({
        ...x,
        auth: 'external',
        ...(payment ? { fee: payment.fee, tip: payment.tip } : {}),
        ...(raw !== undefined ? { raw } : {}),
      });
      return this.#enqueue(x, wire, payment);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** A fee is paid keep-alive (as pallet-transaction-payment withdraws it): the existential deposit stays. */
  #canPay(address: string, fee: bigint): boolean {
    if (fee === 0n) return true;
    return this.#st.free(address) - fee >= this.#st.params.existentialDeposit;
  }

  /**
   * Replaces a pooled, not yet included extrinsic of `signer` with `nonce` (a higher-tip
   * replacement, as Substrate's pool does it); the replaced one's promise rejects with
   * `SK_CHAIN_BAD_NONCE` (chainError `Usurped`). Null when no such extrinsic waits.
   */
  replaceAuthenticated(
    signer: string,
    nonce: number,
    call: EngineCall,
    extras: AuthenticatedExtras = {},
  ): Promise<ExtrinsicResult> | null {
    const at = this.#pool.findIndex((p) => p.x.signer === signer && p.x.nonce === nonce);
    const old = this.#pool[at];
    if (!old) return null;
    const x: SignedExtrinsic = { signer, nonce, call: parseCall(call), signature: '' };
    const { payment, raw } = extras;
    if (payment && !this.#canPay(signer, payment.fee)) {
      return Promise.reject(
        new SubnetkitError(
          'SK_CHAIN_INSUFFICIENT_BALANCE',
          'Inability to pay some fees (e.g. account balance too low)',
          {
            chainError: 'Payment',
          },
        ),
      );
    }
    for (const c of innerCalls(x.call)) if (c.pallet !== 'System') poolValidate(this.#st, this.#head.number + 1, c);
    const wire = canonicalEncode({
      ...x,
      auth: 'external',
      ...(payment ? { fee: payment.fee, tip: payment.tip } : {}),
      ...(raw !== undefined ? { raw } : {}),
    });
    const done = new Promise<ExtrinsicResult>((resolve, reject) => {
      this.#pool[at] = { x, wire, ...(payment ? { payment } : {}), resolve, reject };
    });
    old.reject(
      // its nonce now belongs to the replacement
      new SubnetkitError('SK_CHAIN_BAD_NONCE', 'replaced in the pool by an extrinsic with a higher tip', {
        chainError: 'Usurped',
      }),
    );
    return done;
  }

  #enqueue(x: SignedExtrinsic, wire: string, payment?: TxPayment): Promise<ExtrinsicResult> {
    const expected = this.#expectedNonce(x.signer);
    if (x.nonce !== expected) {
      const stale = x.nonce < expected;
      throw new SubnetkitError(
        'SK_CHAIN_BAD_NONCE',
        `nonce ${x.nonce} is ${stale ? 'stale (already used)' : 'from the future'}; the next nonce of ${x.signer} is ${expected}`,
        { chainError: stale ? 'Stale' : 'Future', expected, got: x.nonce },
      );
    }
    // the transaction extension's checks: refused before the pool, nothing consumed
    for (const c of innerCalls(x.call)) if (c.pallet !== 'System') poolValidate(this.#st, this.#head.number + 1, c);
    this.#nextNonce.set(x.signer, expected + 1);
    const done = new Promise<ExtrinsicResult>((resolve, reject) => {
      this.#pool.push({ x, wire, ...(payment ? { payment } : {}), resolve, reject });
    });
    if (this.#blockTime === 'instant') this.#scheduleInstant();
    return done;
  }

  /** Signs without submitting (for tests of replays and tampering). */
  sign(signer: Signer, call: ChainCall, nonce = this.#expectedNonce(signer.address)): SignedExtrinsic {
    return signExtrinsic(signer, this.genesisHash, nonce, parseCall(call));
  }

  /** Next nonce the pool expects from an account (state nonce + pending). */
  nonce(address: string): number {
    return this.#expectedNonce(address);
  }

  #expectedNonce(address: string): number {
    return this.#nextNonce.get(address) ?? this.#st.account(address).nonce;
  }

  #scheduleInstant(): void {
    if (this.#instantScheduled) return;
    this.#instantScheduled = true;
    void Promise.resolve().then(() => {
      this.#instantScheduled = false;
      if (!this.#closed && this.#pool.length > 0) this.produceBlock();
    });
  }

  // ---- blocks -----------------------------------------------------------------------------

  /** Produces `n` blocks through the same path as the timer (epochs included); returns the head. */
  async advance(n = 1): Promise<BlockHeader> {
    for (let i = 0; i < n; i++) this.produceBlock();
    return this.#head;
  }

  /** Builds, commits and announces one block (synchronous). */
  produceBlock(): BlockHeader {
    this.#assertOpen();
    const number = this.#head.number + 1;
    const pending = this.#pool;
    this.#pool = [];
    const events: ChainEvent[] = [];
    const outcomes: { p: Pending; events: ChainEvent[]; error: unknown }[] = [];
    const included: string[] = [];
    let stored: StoredBlock;
    let writes: ReturnType<Store['commitBlock']>['writes'];
    let undo: StoreUndo;
    try {
      blockStep(this.#st, number, (name, data) =>
        events.push({ pallet: 'SubtensorModule', name, data, extrinsicIndex: null }),
      );
      for (const p of pending) {
        const acct = this.#st.account(p.x.signer);
        if (p.x.nonce !== acct.nonce) {
          outcomes.push({
            p,
            events: [],
            error: new SubnetkitError('SK_CHAIN_BAD_NONCE', 'the nonce became invalid before inclusion', {
              chainError: p.x.nonce < acct.nonce ? 'Stale' : 'Future',
            }),
          });
          continue;
        }
        const fee = p.payment?.fee ?? 0n;
        if (!this.#canPay(p.x.signer, fee)) {
          // as a pool re-validating at block time: dropped, nothing consumed
          outcomes.push({
            p,
            events: [],
            error: new SubnetkitError(
              'SK_CHAIN_INSUFFICIENT_BALANCE',
              'Inability to pay some fees (e.g. account balance too low)',
              { chainError: 'Payment' },
            ),
          });
          continue;
        }
        const index = included.length;
        const xEvents: ChainEvent[] = [];
        const ctx: CallContext = {
          st: this.#st,
          block: number,
          signer: p.x.signer,
          emit: (name, data, pallet = 'SubtensorModule') => xEvents.push({ pallet, name, data, extrinsicIndex: index }),
        };
        // the fee is withdrawn before dispatch and kept when the call fails; no block author
        // receives it here, so it is burned (chain.md §11 allows that for a local chain)
        const feeEvents: ChainEvent[] = [];
        if (fee > 0n) {
          this.#st.addFree(p.x.signer, -fee);
          this.#st.setGlobals({ burned: this.#st.globals().burned + fee });
          feeEvents.push({
            pallet: 'Balances',
            name: 'Withdraw',
            data: { who: p.x.signer, amount: fee },
            extrinsicIndex: index,
          });
        }
        this.#store.savepoint();
        let error: unknown = null;
        try {
          applyEngineCall(ctx, p.x.call);
          this.#store.release();
          xEvents.push({ pallet: 'System', name: 'ExtrinsicSuccess', data: {}, extrinsicIndex: index });
        } catch (err) {
          this.#store.rollback();
          error = isSubnetkitError(err)
            ? err
            : new SubnetkitError(
                'SK_INTERNAL',
                'the local chain failed applying an extrinsic',
                { chainError: 'Other' },
                { cause: err },
              );
          xEvents.length = 0;
          xEvents.push({
            pallet: 'System',
            name: 'ExtrinsicFailed',
            data: { chainError: (error as SubnetkitError).details.chainError ?? 'Other' },
            extrinsicIndex: index,
          });
        }
        if (p.payment) {
          const paid: ChainEvent = {
            pallet: 'TransactionPayment',
            name: 'TransactionFeePaid',
            data: { who: p.x.signer, actualFee: fee, tip: p.payment.tip },
            extrinsicIndex: index,
          };
          // Withdraw first, the call's events, then TransactionFeePaid before the outcome event
          xEvents.splice(xEvents.length - 1, 0, paid);
          xEvents.unshift(...feeEvents);
        }
        // the nonce advances for included extrinsics, failed or not (as on the real chain)
        const after = this.#st.account(p.x.signer);
        this.#st.setAccount(p.x.signer, { ...after, nonce: after.nonce + 1 });
        included.push(p.wire);
        events.push(...xEvents);
        outcomes.push({ p, events: xEvents, error });
      }
      const commit = this.#store.commitBlock();
      writes = commit.writes;
      undo = commit.undo;
      const timestamp = this.#clock.now();
      const extrinsicsRoot = blake2Hex(included.join('\n'));
      const hash = blake2Hex(
        canonicalEncode({
          extrinsicsRoot,
          number,
          parentHash: this.#head.hash,
          stateHash: commit.stateHash,
          timestamp,
        }),
      );
      stored = {
        number,
        hash,
        parentHash: this.#head.hash,
        timestamp,
        stateHash: commit.stateHash,
        extrinsics: included,
        // kept with the block so a reopened chain can serve its events (persistent chains only)
        ...(this.#db ? { events: canonicalEncode(events) } : {}),
      };
    } catch (err) {
      this.#store.discardBlock();
      this.#pool = [...pending, ...this.#pool];
      throw err;
    }
    if (this.#db) {
      try {
        this.#db.commit(stored, writes);
      } catch (err) {
        // memory is ahead of disk now: stop rather than diverge
        this.#closed = true;
        for (const o of outcomes) o.p.reject(err);
        throw err;
      }
    } else this.#hashes[number] = stored.hash;
    this.#head = { number, hash: stored.hash, parentHash: stored.parentHash, timestamp: stored.timestamp };
    this.#recordHistory(this.#head, undo);
    this.#lastExtrinsics = included;
    // pool nonces re-derive from state for accounts with nothing pending
    for (const o of outcomes)
      if (!this.#pool.some((p) => p.x.signer === o.p.x.signer)) this.#nextNonce.delete(o.p.x.signer);
    const header = this.#head;
    if (this.#log) {
      for (const e of events) {
        if (e.name === 'IncentiveAlphaEmittedToMiners') {
          this.#log.info({ event: 'chain.epoch', netuid: e.data.netuid, block: number }, 'epoch ran');
        }
      }
    }
    for (const o of outcomes) {
      if (o.error) o.p.reject(o.error);
      else o.p.resolve({ blockNumber: number, blockHash: header.hash, events: o.events });
    }
    for (const l of this.#blockListeners) safe(() => l(header), this.#log);
    for (const l of this.#eventListeners) safe(() => l(events, header), this.#log);
    return header;
  }

  #lastExtrinsics: string[] = [];

  /** Undo records and headers of the newest blocks, for `stateAt`. */
  readonly #history = new Map<number, { header: BlockHeader; undo: StoreUndo }>();
  readonly #snapshots = new Map<number, LocalChain>();

  #recordHistory(header: BlockHeader, undo: StoreUndo): void {
    const keep = this.#historyBlocks;
    if (keep <= 0) return;
    this.#history.set(header.number, { header, undo });
    this.#history.delete(header.number - keep - 1);
    this.#snapshots.delete(header.number - keep - 1);
  }

  /**
   * The chain as it was after block `number`, read-only (queries only; it produces no blocks), or
   * null when that block is older than the history window (`historyBlocks`) or not yet built.
   */
  stateAt(number: number): LocalChain | null {
    if (number === this.#head.number) return this;
    if (number > this.#head.number || number < this.#head.number - this.#historyBlocks) return null;
    const cached = this.#snapshots.get(number);
    if (cached) return cached;
    const undos: StoreUndo[] = [];
    for (let n = this.#head.number; n > number; n--) {
      const h = this.#history.get(n);
      if (!h) return null;
      undos.push(h.undo);
    }
    const header = number === this.#head.number ? this.#head : this.#history.get(number)?.header;
    const store = this.#store.snapshotBefore(undos);
    const snapshot = new LocalChain({
      store,
      st: new ChainState(store, this.#st.params),
      db: null,
      genesisHash: this.genesisHash,
      head: header ?? { number, hash: ZERO_HASH, parentHash: ZERO_HASH, timestamp: 0 },
      options: { blockTime: 'manual', historyBlocks: 0 },
    });
    // a handful of snapshots: clients read a few recent blocks at a time
    if (this.#snapshots.size >= 8) this.#snapshots.delete(this.#snapshots.keys().next().value as number);
    this.#snapshots.set(number, snapshot);
    return snapshot;
  }

  /** State hash after the latest block (order-free hash of all storage entries). */
  stateHash(): string {
    return this.#store.stateHash();
  }

  /** Wire text of the extrinsics included in the latest block (for replay checks). */
  lastBlockExtrinsics(): string[] {
    return this.#lastExtrinsics.slice();
  }

  /** A committed block record (persistent chains keep all; in-memory ones only hashes). */
  storedBlock(number: number): StoredBlock | undefined {
    return this.#db?.block(number);
  }

  /** The latest header. */
  head(): BlockHeader {
    return this.#head;
  }

  // ---- queries ----------------------------------------------------------------------------

  async blockNumber(): Promise<number> {
    return this.#head.number;
  }

  async blockHash(number?: number): Promise<string> {
    if (number === undefined || number === this.#head.number) return this.#head.hash;
    const hash = this.#db ? this.#db.block(number)?.hash : this.#hashes[number];
    if (!hash) throw new SubnetkitError('SK_CHAIN_NOT_FOUND', `block ${number} does not exist`, { number });
    return hash;
  }

  async balance(address: string): Promise<Rao> {
    return this.#st.free(address);
  }

  async totalIssuance(): Promise<Rao> {
    return this.#st.globals().totalIssuance;
  }

  /** TotalIssuance with where it sits (the accounting rules of docs/local-chain.md). */
  issuanceBreakdown(): IssuanceBreakdown {
    const g = this.#st.globals();
    let free = 0n;
    for (const key of this.#store.keysWithPrefix('a:')) free += this.#store.get<{ free: bigint }>(key)?.free ?? 0n;
    let poolTao = 0n;
    for (const n of g.netuids) poolTao += this.#st.subnet(n)?.taoIn ?? 0n;
    return {
      totalIssuance: g.totalIssuance,
      free,
      poolTao,
      burned: g.burned,
      recycled: g.recycled,
      accounted: free + poolTao + g.burned,
    };
  }

  async subnets(): Promise<SubnetInfo[]> {
    return this.#st.globals().netuids.map((n) => this.#subnetInfo(this.#st.subnet(n) as Subnet));
  }

  async subnet(netuid: number): Promise<SubnetInfo | null> {
    const s = this.#st.subnet(netuid);
    return s ? this.#subnetInfo(s) : null;
  }

  #subnetInfo(s: Subnet): SubnetInfo {
    const n = this.#st.neurons(s.netuid).hotkeys.length;
    return {
      netuid: s.netuid,
      name: s.name,
      owner: s.owner,
      ownerHotkey: s.ownerHotkey,
      n,
      maxN: s.hyper.maxAllowedUids,
      tempo: s.hyper.tempo,
      registeredAt: s.registeredAt,
      blocksSinceLastStep: this.#head.number - s.lastMechStepBlock,
      burn: s.burn,
      taoIn: s.taoIn,
      alphaIn: s.alphaIn,
      alphaOut: s.alphaOut,
      price: s.mechanism === 0 ? 1 : s.alphaIn > 0n ? Number(s.taoIn) / Number(s.alphaIn) : 0,
      emissionPerBlock: s.lastTaoEmission,
      nextEpochBlock: s.hyper.tempo > 0 ? s.lastEpochBlock + s.hyper.tempo : null,
      epochIndex: s.epochIndex,
      started: s.firstEmissionBlock !== null,
    };
  }

  async hyperparameters(netuid: number): Promise<SubnetHyperparameters> {
    const s = this.#subnetOrThrow(netuid);
    const h = s.hyper;
    return {
      ...h,
      activityCutoff: activityCutoffBlocks(h),
      burn: s.burn,
      stakeThreshold: this.#st.params.stakeThreshold,
    };
  }

  async metagraph(netuid: number, options: { weights?: boolean; bonds?: boolean } = {}): Promise<Metagraph> {
    this.#subnetOrThrow(netuid);
    const nv = this.#st.neurons(netuid);
    const n = nv.hotkeys.length;
    const uids = Array.from({ length: n }, (_, i) => i);
    const tw = this.#st.params.taoWeight;
    // as the runtime API reports them: after childkey inheritance (chain.md §9.3)
    const inherited = nv.hotkeys.map((h) => inheritedStake(this.#st, netuid, h));
    const alphaStake = inherited.map((v) => v.alpha);
    const taoStake = inherited.map((v) => v.tao);
    const frac = (v: number) => v / U16;
    const mg: Metagraph = {
      netuid,
      block: this.#head.number,
      n,
      uids,
      hotkeys: nv.hotkeys.slice(),
      coldkeys: nv.hotkeys.map((h) => this.#st.ownerOf(h) ?? ''),
      alphaStake,
      taoStake,
      totalStake: alphaStake.map((a, i) => a + ((taoStake[i] as bigint) * tw) / 0xffff_ffff_ffff_ffffn),
      ranks: nv.rank.map(frac),
      trust: nv.trust.map(frac),
      consensus: nv.consensus.map(frac),
      validatorTrust: nv.validatorTrust.map(frac),
      incentive: nv.incentive.map(frac),
      dividends: nv.dividends.map(frac),
      emission: nv.emission.slice(),
      active: nv.active.slice(),
      validatorPermit: nv.validatorPermit.slice(),
      lastUpdate: nv.lastUpdate.slice(),
      blockAtRegistration: nv.blockAtRegistration.slice(),
      pruningScore: nv.pruningScore.map(frac),
      axons: nv.hotkeys.map((h) => this.#st.axon(netuid, h) ?? null),
    };
    if (options.weights)
      mg.weights = uids.map((u) => this.#st.weights(netuid, u).map(([j, w]) => [j, w] as [number, number]));
    if (options.bonds)
      mg.bonds = uids.map((u) => this.#st.bonds(netuid, u).map(([j, b]) => [j, b] as [number, number]));
    return mg;
  }

  async uidOf(netuid: number, hotkey: string): Promise<number | null> {
    return this.#st.uidOf(netuid, hotkey) ?? null;
  }

  async stake(hotkey: string, coldkey: string, netuid: number): Promise<Rao> {
    return this.#st.stakeOf(netuid, hotkey, coldkey);
  }

  async stakesOf(coldkey: string): Promise<StakeInfo[]> {
    return this.#st
      .stakingIndex(coldkey)
      .map(([hotkey, netuid]) => ({ hotkey, coldkey, netuid, stake: this.#st.stakeOf(netuid, hotkey, coldkey) }));
  }

  async burnCost(netuid: number): Promise<Rao> {
    return this.#subnetOrThrow(netuid).burn;
  }

  async networkLockCost(): Promise<Rao> {
    return lockCost(this.#st, this.#head.number + 1);
  }

  /** Hotkey → coldkey link, or null. */
  async childkeys(hotkey: string, netuid: number): Promise<ChildkeyInfo> {
    const st = this.#st;
    const links = (l: [bigint, string][]) => l.map(([proportion, hk]) => ({ proportion, hotkey: hk }));
    const p = pendingChildrenOf(st, netuid, hotkey);
    return {
      hotkey,
      netuid,
      children: links(childrenOf(st, netuid, hotkey)),
      parents: links(parentsOf(st, netuid, hotkey)),
      pending: p ? { children: links(p.children), coolDownBlock: p.coolDownBlock } : null,
      take: childkeyTakeOf(st, netuid, hotkey),
    };
  }

  async hotkeyOwner(hotkey: string): Promise<string | null> {
    return this.#st.ownerOf(hotkey) ?? null;
  }

  /** The local drand beacon (Drand.BeaconConfig, LastStoredRound) as clients see it. */
  async timelockBeacon(): Promise<TimelockBeaconInfo> {
    const head = this.#head.number;
    return {
      publicKey: `0x${Buffer.from(this.#beacon.publicKey).toString('hex')}`,
      genesisTime: BEACON_GENESIS,
      period: BEACON_PERIOD,
      lastStoredRound: lastStoredRound(head, this.#st.params),
      headBlock: head,
      now: beaconTime(head, this.#st.params),
      blockTime: this.#st.params.beaconSecondsPerBlock,
    };
  }

  /** Drand.Pulses[round] at the head, or null when not stored. */
  drandPulse(round: bigint): { round: bigint; randomness: string; signature: string } | null {
    const sig = pulseSignature(this.#st, round, this.#head.number);
    if (!sig) return null;
    return {
      round,
      randomness: `0x${createHash('sha256').update(sig).digest('hex')}`,
      signature: `0x${Buffer.from(sig).toString('hex')}`,
    };
  }

  /** TimelockedWeightCommits of a subnet: queued ciphertexts by commit epoch. */
  async timelockedWeightCommits(netuid: number): Promise<{ epoch: number; commits: TimelockedCommit[] }[]> {
    return timelockedQueues(this.#st, netuid).map((q) => ({
      epoch: q.epoch,
      commits: q.commits.map((c) => ({ ...c })),
    }));
  }

  /** Unrevealed hash commits of a hotkey on a subnet. */
  async weightCommits(netuid: number, hotkey: string): Promise<{ hash: string; epoch: number; block: number }[]> {
    return this.#st.commits(netuid, hotkey).map((c) => ({ ...c }));
  }

  #subnetOrThrow(netuid: number): Subnet {
    const s = this.#st.subnet(netuid);
    if (!s)
      throw new SubnetkitError('SK_CHAIN_NOT_FOUND', `subnet ${netuid} does not exist`, {
        netuid,
        chainError: 'SubnetNotExists',
      });
    return s;
  }

  /** Read-only view of the raw state (invariant checks in tests). */
  get state(): ChainState {
    return this.#st;
  }

  // ---- subscriptions and lifecycle ---------------------------------------------------------

  onBlock(listener: (header: BlockHeader) => void): Unsubscribe {
    this.#blockListeners.add(listener);
    return () => this.#blockListeners.delete(listener);
  }

  onEvents(listener: (events: ChainEvent[], header: BlockHeader) => void): Unsubscribe {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#abort.abort(new SubnetkitError('SK_CHAIN_CONNECTION', 'the local chain was closed', {}));
    // a clock that ignores the abort signal (ManualClock) wakes the loop later; it then sees #closed
    const err = new SubnetkitError(
      'SK_CHAIN_CONNECTION',
      'the local chain closed before the extrinsic was included',
      {},
    );
    for (const p of this.#pool) p.reject(err);
    this.#pool = [];
    this.#blockListeners.clear();
    this.#eventListeners.clear();
    if (this.#db && !this.#dbClosed) {
      this.#dbClosed = true;
      await this.#db.close().catch(() => undefined);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new SubnetkitError('SK_CHAIN_CONNECTION', 'the local chain is closed', {});
  }
}

function safe(fn: () => void, log: Logger | undefined): void {
  try {
    fn();
  } catch (err) {
    log?.warn({ event: 'chain.listener_failed', err }, 'a chain listener threw');
  }
}

/**
 * A chain rebuilt from its database as stored: the state is loaded and must match the head
 * block's state hash, else SK_CHAIN_STORAGE (the caller closes `db` on a throw).
 */
export function reopenStoredChain(
  db: ChainDb,
  dataDir: string,
  storedGenesis: string,
  genesisHash: string,
  options: LocalChainOptions,
): LocalChain {
  const store = new Store();
  store.load(db.stateEntries(), canonicalDecode);
  const headNumber = Number(db.meta('head'));
  const head = db.block(headNumber);
  if (!head || head.stateHash !== store.stateHash()) {
    throw new SubnetkitError(
      'SK_CHAIN_STORAGE',
      `The chain database in ${dataDir} is inconsistent (state hash mismatch).`,
      { dir: dataDir, head: headNumber },
    );
  }
  const st = new ChainState(store, paramsOf(canonicalDecode<GenesisConfig>(storedGenesis)));
  return new LocalChain({
    store,
    st,
    db,
    genesisHash,
    head: { number: head.number, hash: head.hash, parentHash: head.parentHash, timestamp: head.timestamp },
    options,
  });
}

/**
 * Creates (or reopens, from `dataDir`) a local chain. Waits for the wasm sr25519 backend.
 *
 * @example
 * const chain = await createLocalChain({ dataDir: '.subnetkit/chain', blockTime: 250, genesis: devGenesis() });
 */
export async function createLocalChain(options: LocalChainOptions = {}): Promise<LocalChain> {
  await initCrypto();
  const store = new Store();
  const db = options.dataDir ? new ChainDb(options.dataDir) : null;
  try {
    const storedGenesis = db?.meta('genesis');
    if (db && storedGenesis !== undefined) {
      const genesisHash = db.meta('genesisHash') as string;
      if (options.genesis && genesisHashOf(options.genesis) !== genesisHash) {
        throw new SubnetkitError(
          'SK_CHAIN_STORAGE',
          `${options.dataDir} holds a chain with another genesis; use a new data dir`,
          {
            dir: options.dataDir,
          },
        );
      }
      return reopenStoredChain(db, options.dataDir as string, storedGenesis, genesisHash, options);
    }
    const genesis = options.genesis ?? {};
    const genesisHash = genesisHashOf(genesis);
    const st = buildGenesis(store, genesis);
    const { writes, stateHash } = store.commitBlock();
    const timestamp = genesis.timestamp ?? 0;
    const block0: StoredBlock = {
      number: 0,
      hash: genesisHash,
      parentHash: ZERO_HASH,
      timestamp,
      stateHash,
      extrinsics: [],
    };
    db?.commit(block0, writes, { genesis: canonicalEncode(genesis), genesisHash });
    return new LocalChain({
      store,
      st,
      db,
      genesisHash,
      head: { number: 0, hash: genesisHash, parentHash: ZERO_HASH, timestamp },
      options,
    });
  } catch (err) {
    await db?.close().catch(() => undefined);
    throw err;
  }
}
