import type { AddressInfo } from 'node:net';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { isSubnetkitError, SubnetkitError } from '../../errors/subnetkit-error.js';
import { initCrypto } from '../local/crypto.js';
import { CUSTOM_VALIDITY_ERRORS } from '../subtensor/dispatch-error.js';
import type { Unsubscribe } from '../types.js';
import { BlockIndex, type BlockRecord } from './block-index.js';
import { CustomRpcParamsError, customRpcHandlers } from './custom-rpc.js';
import { type FeeQuote, quoteFee } from './fees.js';
import type { DevnetEngine } from './local-engine.js';
import {
  callKeysOf,
  DEVNET_SPEC,
  type DispatchInfoJson,
  loadDevnetRuntime,
  type PreparedExtrinsic,
  prepareExtrinsic,
  TransactionRejected,
  type VerifiedExtrinsic,
} from './runtime.js';
import { type StateContext, StateView } from './state-view.js';
import { VerifyPool } from './verify-pool.js';

export interface DevnetOptions {
  engine: DevnetEngine;
  /** Default 9944; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Requests larger than this get a JSON-RPC error (default 1 MiB); frames over 4× it close the socket. */
  maxRequestBytes?: number;
  /** Subscriptions per connection (default 1024). */
  maxSubscriptions?: number;
  /** What `system_chainType` answers (default 'Development'); 'Live' lets tests play a real network. */
  chainType?: 'Development' | 'Local' | 'Live';
  /** Extrinsics with a future nonce held until their gap fills, all accounts together (default 512). */
  maxFutureExtrinsics?: number;
  /**
   * Longest wait between a watched extrinsic's InBlock and Finalized statuses (default 4000 ms; a
   * node's finality lags a few blocks). A loaded machine can take over a second to fetch the events.
   * Finalized comes earlier once the watcher has read state at that block and has nothing in flight:
   * polkadot-js reads the block's events on InBlock and drops InBlock if Finalized overtakes it.
   */
  finalityLagMs?: number;
  /**
   * Transaction fees (default true): weight-based fees and tips are withdrawn from the signer
   * (`fees.ts`). False serves the engine's fee-free rules (paymentInfo then quotes 0), for
   * comparing the devnet with the same engine in-process.
   */
  chargeFees?: boolean;
  /**
   * Worker threads that verify sr25519 signatures of bursts (default: the cores less two, at most
   * 4; 0 verifies on the server's thread). Started on the first burst; a lone extrinsic is
   * verified on the server's thread.
   */
  verifyWorkers?: number;
  logger?: Logger;
}

/** A running devnet. */
export interface Devnet {
  readonly url: string;
  readonly port: number;
  readonly genesisHash: string;
  /** Open connections (for tests and the CLI status line). */
  connections(): number;
  close(): Promise<void>;
}

interface RpcRequest {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;
const INTERNAL = -32603;

const SUB_METHODS: Record<string, { notify: string; unsubscribe: string[] }> = {
  chain_subscribeNewHeads: { notify: 'chain_newHead', unsubscribe: ['chain_unsubscribeNewHeads'] },
  chain_subscribeNewHead: { notify: 'chain_newHead', unsubscribe: ['chain_unsubscribeNewHead'] },
  chain_subscribeAllHeads: { notify: 'chain_allHead', unsubscribe: ['chain_unsubscribeAllHeads'] },
  chain_subscribeFinalizedHeads: { notify: 'chain_finalizedHead', unsubscribe: ['chain_unsubscribeFinalizedHeads'] },
  chain_subscribeFinalisedHeads: { notify: 'chain_finalisedHead', unsubscribe: ['chain_unsubscribeFinalisedHeads'] },
  state_subscribeRuntimeVersion: { notify: 'state_runtimeVersion', unsubscribe: ['state_unsubscribeRuntimeVersion'] },
  chain_subscribeRuntimeVersion: { notify: 'state_runtimeVersion', unsubscribe: ['chain_unsubscribeRuntimeVersion'] },
  state_subscribeStorage: { notify: 'state_storage', unsubscribe: ['state_unsubscribeStorage'] },
  author_submitAndWatchExtrinsic: { notify: 'author_extrinsicUpdate', unsubscribe: ['author_unwatchExtrinsic'] },
};
const UNSUBSCRIBE = new Set(Object.values(SUB_METHODS).flatMap((s) => s.unsubscribe));

interface Subscription {
  id: string;
  kind: string;
  notify: string;
  keys?: string[];
}

interface Connection {
  socket: WebSocket;
  subs: Map<string, Subscription>;
  /** Requests received and not yet answered. */
  inflight: number;
  /** Block hashes this connection read storage at (recent ones), for the Finalized status. */
  readAt: Set<string>;
  /** Checked whenever the connection has nothing in flight. */
  onIdle: Set<() => void>;
  /** Run on the next pong. */
  onPong: Set<() => void>;
}

/** An engine refusal before inclusion, as Substrate's pool reports it. */
function poolRejection(err: SubnetkitError): TransactionRejected {
  if (err.code === 'SK_CHAIN_BAD_SIGNATURE')
    return new TransactionRejected(1010, 'Invalid Transaction', 'Transaction has a bad signature');
  if (err.details.chainError === 'Payment')
    return new TransactionRejected(
      1010,
      'Invalid Transaction',
      'Inability to pay some fees (e.g. account balance too low)',
    );
  if (err.details.chainError === 'Usurped') return new Usurped();
  if (err.code === 'SK_CHAIN_BAD_NONCE') {
    return new TransactionRejected(
      1010,
      'Invalid Transaction',
      err.details.chainError === 'Future' ? 'Transaction will be valid in the future' : 'Transaction is outdated',
    );
  }
  // a refusal subtensor's transaction extension makes keeps its custom code (e.g. 15 InvalidRevealRound)
  const custom = Object.entries(CUSTOM_VALIDITY_ERRORS).find(([, name]) => name === err.details.chainError)?.[0];
  return new TransactionRejected(1010, 'Invalid Transaction', `Custom error: ${custom ?? 255}`);
}

/** A pooled extrinsic replaced by one with the same nonce and a higher tip (status `usurped`). */
class Usurped extends TransactionRejected {
  by: string | null = null;
  constructor() {
    super(1014, 'Priority is too low', 'Replaced by a transaction with a higher priority');
  }
}

const isHexString = (v: unknown): v is string => typeof v === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(v);

/** A submitted extrinsic as the pool sees it. */
interface Submitted {
  hash: string;
  /** 'future' while its nonce waits for a gap to fill (Substrate's future queue). */
  queue: 'ready' | 'future';
  /** Resolves once the engine's pool took it; rejects with the pool's refusal. */
  ready: Promise<void>;
  /** Resolves once it is in a block. */
  included: Promise<BlockRecord>;
}

/** A future-nonce extrinsic waiting for its predecessor. */
interface FutureTx {
  verified: VerifiedExtrinsic;
  settle(ready: Promise<void>, included: Promise<BlockRecord>): void;
}

function deferred<T>(): { promise: Promise<T>; resolve(v: T | Promise<T>): void } {
  let resolve!: (v: T | Promise<T>) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  // watchers may be gone by the time it settles
  promise.catch(() => undefined);
  return { promise, resolve };
}

/**
 * Serves a local chain engine over Substrate JSON-RPC on a WebSocket, with subtensor's spec-343
 * metadata, so @polkadot/api (and `createSubtensorChain`) work against it unchanged. Bad input
 * gets JSON-RPC errors; the server stays up.
 *
 * @example
 * const devnet = await startDevnet({ engine, port: 9944 });
 * const chain = await createSubtensorChain({ endpoint: devnet.url });
 */
export async function startDevnet(options: DevnetOptions): Promise<Devnet> {
  // the wasm sr25519 verifier (the local chain's init, shared)
  await initCrypto();
  const rt = loadDevnetRuntime();
  const { engine } = options;
  const chain = engine.chain;
  const log = options.logger?.child({ component: 'devnet' });
  const maxRequest = options.maxRequestBytes ?? 1024 * 1024;
  const maxSubs = options.maxSubscriptions ?? 1024;
  const chargeFees = options.chargeFees ?? true;
  const verifier = new VerifyPool(options.verifyWorkers);

  const blocks = new BlockIndex(rt, chain, engine.storedBlock ? (n) => engine.storedBlock?.(n) ?? null : undefined);
  await blocks.ensure(await chain.blockNumber());

  const feeQuoteOf = (hex: string, length?: number): FeeQuote | null => {
    try {
      const ext = rt.registry.createType('Extrinsic', hex);
      const { callKey, innerKeys } = callKeysOf(ext.method as unknown as Parameters<typeof callKeysOf>[0]);
      const q = quoteFee(rt, callKey, length ?? ext.encodedLength, innerKeys);
      return chargeFees ? q : { ...q, baseFee: 0n, lenFee: 0n, adjustedWeightFee: 0n, partialFee: 0n };
    } catch {
      return null;
    }
  };

  const viewContext: StateContext = {
    feeQuote: feeQuoteOf,
    chain,
    nonce: (a) => engine.nonce(a),
    eventsAt: (hash) => {
      const rec = blocks.resolve(hash);
      return rec ? blocks.eventsOf(rec) : null;
    },
    timestampAt: (hash) => blocks.resolve(hash)?.timestamp ?? null,
    numberAt: (hash) => blocks.resolve(hash)?.number ?? null,
    hashOf: (n) => blocks.byNumber(n)?.hash ?? null,
    sudoKey: () => engine.sudoKey(),
    ...(engine.ledger ? { ledger: engine.ledger } : {}),
  };
  const view = new StateView(rt, viewContext);

  /** Views of older blocks' state, by block hash (a few: clients read recent blocks). */
  const pastViews = new Map<string, StateView>();
  /**
   * The state view at an RPC `at` argument: the latest state for the head (or no `at`), the
   * engine's retained state for an older block, and Substrate's errors for the rest.
   */
  const viewAt = (at: unknown): StateView => {
    if (at === undefined || at === null) return view;
    const rec = typeof at === 'string' ? blocks.byHash(at) : undefined;
    if (!rec)
      throw new RpcError(4003, `Client error: UnknownBlock: Header was not found in the database: ${String(at)}`);
    if (rec === blocks.head || !engine.at) return view;
    const cached = pastViews.get(rec.hash);
    if (cached) return cached;
    const past = engine.at(rec.number);
    if (!past) throw new RpcError(4003, `Client error: State already discarded for ${rec.hash}`);
    const pastView = new StateView(rt, {
      ...viewContext,
      chain: past.chain,
      nonce: async (a) => past.nonce(a),
      ...(past.ledger ? { ledger: past.ledger } : {}),
    });
    if (pastViews.size >= 8) pastViews.delete(pastViews.keys().next().value as string);
    pastViews.set(rec.hash, pastView);
    return pastView;
  };

  const connections = new Set<Connection>();
  let nextSub = 1;
  const send = (conn: Connection, msg: unknown): void => {
    if (conn.socket.readyState !== conn.socket.OPEN) return;
    conn.socket.send(JSON.stringify(msg));
  };
  const notify = (conn: Connection, sub: Subscription, result: unknown): void => {
    send(conn, { jsonrpc: '2.0', method: sub.notify, params: { subscription: sub.id, result } });
  };
  const broadcast = (kinds: string[], result: (sub: Subscription) => unknown): void => {
    for (const conn of connections) {
      for (const sub of conn.subs.values()) if (kinds.includes(sub.kind)) notify(conn, sub, result(sub));
    }
  };

  const storageChanges = async (keys: string[], hash: string | null) => {
    const at = viewAt(hash);
    return Promise.all(keys.map(async (k) => [k, await at.read(k, hash)] as [string, string | null]));
  };

  // New engine blocks → index, invalidate caches, notify head and storage subscribers.
  const offBlock: Unsubscribe = chain.onBlock((header) => {
    // nonces can also move outside the devnet (in-process submissions): re-check the future queue
    recheckFutures();
    // the body is read now, while this block is the engine's latest
    blocks
      .ensure(header.number, header.timestamp, engine.lastBlockBody?.())
      .then(async (rec) => {
        view.invalidate();
        broadcast(
          [
            'chain_subscribeNewHeads',
            'chain_subscribeNewHead',
            'chain_subscribeAllHeads',
            'chain_subscribeFinalizedHeads',
            'chain_subscribeFinalisedHeads',
          ],
          () => rec.header,
        );
        for (const conn of connections) {
          for (const sub of conn.subs.values()) {
            if (sub.kind !== 'state_subscribeStorage' || !sub.keys) continue;
            notify(conn, sub, { block: rec.hash, changes: await storageChanges(sub.keys, rec.hash) });
          }
        }
      })
      .catch((err: unknown) =>
        log?.warn({ event: 'devnet.block_failed', err: (err as Error).message }, 'could not index a block'),
      );
  });
  const offEvents: Unsubscribe = chain.onEvents((events, header) => {
    blocks
      .ensure(header.number, header.timestamp)
      .then((rec) => blocks.setBlockEvents(rec, events))
      .catch(() => undefined);
  });

  const headerOf = (rec: BlockRecord | undefined) => rec?.header ?? null;

  /** Future-nonce extrinsics by signer and nonce (released in nonce order as gaps fill). */
  const futures = new Map<string, Map<number, FutureTx>>();
  let futureCount = 0;
  const maxFuture = options.maxFutureExtrinsics ?? 512;

  /**
   * Hands a verified extrinsic to the engine synchronously (no await before the engine's pool takes
   * it, so extrinsics arriving together are queued in arrival order and share a block; the engine
   * checks the nonce). Once the pool took it, the signer's next queued future nonce follows at once.
   */
  const toEngine = (
    verified: VerifiedExtrinsic,
    replacing = false,
  ): { ready: Promise<void>; included: Promise<BlockRecord> } => {
    const before = engine.nonceNow?.(verified.signer);
    // one fee quote per extrinsic: the payment, and the dispatch info of its events
    const quote = quoteFee(rt, verified.callKey, verified.length, verified.innerKeys);
    const info: DispatchInfoJson = { weight: quote.weight, class: 'Normal', paysFee: quote.paysFee ? 'Yes' : 'No' };
    const payment = chargeFees ? { fee: quote.partialFee + verified.tip, tip: verified.tip } : undefined;
    const extras = { ...(payment ? { payment } : {}), raw: verified.hex };
    const applied = replacing
      ? engine.replaceAuthenticated?.(verified.signer, verified.nonce, verified.call, extras)
      : engine.applyAuthenticated(verified.signer, verified.nonce, verified.call, extras);
    if (!applied) throw tooLow(verified);
    const slot = `${verified.signer}:${verified.nonce}`;
    const previous = pooled.get(slot);
    pooled.set(slot, { tip: verified.tip, hash: verified.hash });
    if (previous) usurpedBy.set(previous.hash, verified.hash);
    const release = (): void => {
      if (pooled.get(slot)?.hash === verified.hash) pooled.delete(slot);
    };
    const included = applied.then(
      (r) => {
        view.invalidate();
        release();
        if (!r.included) {
          const rejection = poolRejection(r.error);
          if (rejection instanceof Usurped) rejection.by = usurpedBy.get(verified.hash) ?? null;
          usurpedBy.delete(verified.hash);
          throw rejection;
        }
        return blocks.ensure(r.blockNumber).then((rec) => {
          const chainError = r.error ? String(r.error.details.chainError ?? 'Other') : null;
          blocks.addIncluded(rec, verified.hex, r.index, r.events, chainError, verified.viaSudo, info);
          if (chainError) log?.debug({ event: 'devnet.extrinsic_failed', chainError }, 'extrinsic failed');
          return rec;
        });
      },
      (err: unknown) => {
        view.invalidate();
        release();
        throw err;
      },
    );
    included.catch(() => undefined);
    // the engine advances the pool nonce synchronously when it accepts
    const accepted =
      replacing || (before === verified.nonce && engine.nonceNow?.(verified.signer) === verified.nonce + 1);
    if (accepted) releaseFuture(verified.signer, verified.nonce + 1);
    const ready = accepted ? Promise.resolve() : included.then(() => undefined);
    ready.catch(() => undefined);
    return { ready, included };
  };

  /** Tips of extrinsics the engine's pool holds, by `signer:nonce` (for the replacement rule). */
  const pooled = new Map<string, { tip: bigint; hash: string }>();
  /** Replaced extrinsic hash → the hash that replaced it (for the `usurped` status). */
  const usurpedBy = new Map<string, string>();
  // Substrate ranks by priority, which for a normal extrinsic grows with its tip; the devnet uses
  // the tip itself as the priority
  const tooLow = (v: VerifiedExtrinsic, held?: bigint): TransactionRejected =>
    new TransactionRejected(1014, 'Priority is too low', `Priority is too low: (${held ?? 0n} vs ${v.tip})`);

  /** Drops queued nonces that became stale and releases the next one where the gap closed. */
  const recheckFutures = (): void => {
    for (const [signer, queue] of [...futures]) {
      const next = engine.nonceNow?.(signer);
      if (next === undefined) continue;
      for (const [nonce, f] of [...queue]) {
        if (nonce >= next) continue;
        queue.delete(nonce);
        futureCount--;
        const outdated = Promise.reject(
          new TransactionRejected(1010, 'Invalid Transaction', 'Transaction is outdated'),
        ) as Promise<never>;
        outdated.catch(() => undefined);
        f.settle(outdated, outdated);
      }
      if (queue.size === 0) futures.delete(signer);
      releaseFuture(signer, next);
    }
  };

  const releaseFuture = (signer: string, nonce: number): void => {
    const queue = futures.get(signer);
    const next = queue?.get(nonce);
    if (!queue || !next) return;
    queue.delete(nonce);
    futureCount--;
    if (queue.size === 0) futures.delete(signer);
    const r = toEngine(next.verified);
    next.settle(r.ready, r.included);
  };

  /**
   * Verifies an extrinsic and pools it: a nonce ahead of the account's next one waits in the future
   * queue (as in Substrate's pool) until the gap fills; anything else goes to the engine at once.
   */
  const submit = (hex: unknown): Promise<Submitted> => {
    const prepared = prepareExtrinsic(
      rt,
      hex,
      blocks.genesisHash,
      blocks.head?.number ?? 0,
      (n) => blocks.byNumber(n)?.hash ?? null,
    );
    return new Promise<Submitted>((resolve, reject) => {
      const arrival: Arrival = { prepared, valid: prepared.check ? undefined : true, resolve, reject };
      arrivals.push(arrival);
      if (prepared.check) {
        verifier.verify(prepared.check, (ok) => {
          arrival.valid = ok;
          poolArrivals();
        });
      } else poolArrivals();
    });
  };

  /**
   * Extrinsics in arrival order, waiting for their signature check: they are pooled strictly in
   * this order (so one account's consecutive nonces sent together are all accepted), each batch
   * of checks in one turn (so a burst shares a block).
   */
  interface Arrival {
    prepared: PreparedExtrinsic;
    valid: boolean | undefined;
    resolve(s: Submitted): void;
    reject(err: unknown): void;
  }
  const arrivals: Arrival[] = [];
  const poolArrivals = (): void => {
    while (arrivals.length > 0 && (arrivals[0] as Arrival).valid !== undefined) {
      const a = arrivals.shift() as Arrival;
      try {
        a.resolve(pool(a.prepared.finish(a.valid as boolean)));
      } catch (err) {
        a.reject(err);
      }
    }
  };

  /** Pools a verified extrinsic: the future queue, replacements by tip, or the engine. */
  const pool = (verified: VerifiedExtrinsic): Submitted => {
    if (verified.viaSudo && verified.signer !== engine.sudoKey()) {
      throw new TransactionRejected(
        1010,
        'Invalid Transaction',
        'Transaction has a bad signer: only the sudo key may call sudo',
      );
    }
    const expected = engine.nonceNow?.(verified.signer);
    // a nonce the pool already holds: replaced only by a higher priority (tip), as in Substrate
    const inState = engine.ledger?.stateNonce(verified.signer);
    if (expected !== undefined && inState !== undefined && verified.nonce < expected && verified.nonce >= inState) {
      const held = pooled.get(`${verified.signer}:${verified.nonce}`);
      if (!held || verified.tip <= held.tip) throw tooLow(verified, held?.tip);
      return { hash: verified.hash, queue: 'ready', ...toEngine(verified, true) };
    }
    if (expected !== undefined && verified.nonce > expected) {
      const queue = futures.get(verified.signer) ?? new Map<number, FutureTx>();
      const held = queue.get(verified.nonce);
      if (held) {
        if (verified.tip <= held.verified.tip) throw tooLow(verified, held.verified.tip);
        const usurped = new Usurped();
        usurped.by = verified.hash;
        const out = Promise.reject(usurped) as Promise<never>;
        out.catch(() => undefined);
        held.settle(out, out);
        queue.delete(verified.nonce);
        futureCount--;
      }
      if (futureCount >= maxFuture) {
        throw new TransactionRejected(1016, 'Immediately Dropped', 'The future queue of the pool is full');
      }
      const ready = deferred<void>();
      const included = deferred<BlockRecord>();
      queue.set(verified.nonce, {
        verified,
        settle: (r, i) => {
          ready.resolve(r);
          included.resolve(i);
        },
      });
      futures.set(verified.signer, queue);
      futureCount++;
      return { hash: verified.hash, queue: 'future', ready: ready.promise, included: included.promise };
    }
    return { hash: verified.hash, queue: 'ready', ...toEngine(verified) };
  };

  const handlers: Record<string, (params: unknown[], conn: Connection) => Promise<unknown>> = {
    rpc_methods: async () => ({
      version: 1,
      methods: Object.keys(handlers)
        .concat(Object.keys(SUB_METHODS), [...UNSUBSCRIBE])
        .sort(),
    }),
    system_chain: async () => 'Subnetkit Devnet',
    system_name: async () => 'subnetkit-devnet',
    system_version: async () => '0.1.0',
    system_chainType: async () => options.chainType ?? 'Development',
    system_properties: async () => ({ ss58Format: 42, tokenDecimals: 9, tokenSymbol: 'TAO' }),
    system_health: async () => ({ peers: 0, isSyncing: false, shouldHavePeers: false }),
    system_peers: async () => [],
    system_localPeerId: async () => '12D3KooWSubnetkitDevnet',
    system_nodeRoles: async () => ['Authority'],
    system_accountNextIndex: async ([address]) => {
      if (typeof address !== 'string') throw new RpcError(INVALID_PARAMS, 'Invalid params: expected an SS58 address');
      try {
        rt.registry.createType('AccountId32', address);
      } catch {
        throw new RpcError(INVALID_PARAMS, 'Invalid params: not an SS58 address');
      }
      return engine.nonce(address);
    },
    chain_getBlockHash: async ([n]) => {
      if (n === undefined || n === null) return blocks.head?.hash ?? null;
      const num = typeof n === 'string' && /^0x[0-9a-fA-F]+$/.test(n) ? Number.parseInt(n, 16) : n;
      if (typeof num !== 'number' || !Number.isInteger(num) || num < 0)
        throw new RpcError(INVALID_PARAMS, 'Invalid params: block number');
      return blocks.byNumber(num)?.hash ?? null;
    },
    chain_getHead: async () => blocks.head?.hash ?? null,
    chain_getFinalizedHead: async () => blocks.head?.hash ?? null,
    chain_getFinalisedHead: async () => blocks.head?.hash ?? null,
    chain_getHeader: async ([hash]) => headerOf(blocks.resolve(hash)),
    chain_getBlock: async ([hash]) => {
      const rec = blocks.resolve(hash);
      if (!rec) return null;
      return { block: { header: rec.header, extrinsics: blocks.extrinsicsOf(rec) }, justifications: null };
    },
    state_getRuntimeVersion: async () => rt.runtimeVersion,
    chain_getRuntimeVersion: async () => rt.runtimeVersion,
    state_getMetadata: async () => u8aToHex(rt.metadataBytes),
    state_getStorage: async ([key, at]) => {
      if (!isHexString(key)) throw new RpcError(INVALID_PARAMS, 'Invalid params: storage key must be hex');
      // events, number and timestamp come from the block index: no historical state needed (a
      // client reads a block's events on every InBlock, often after the head moved on)
      if (view.isPerBlock(key) && (at === undefined || at === null || blocks.resolve(at))) {
        return view.read(key, blockHashParam(at));
      }
      return viewAt(at).read(key, blockHashParam(at));
    },
    state_getStorageAt: async ([key, at]) => handlers.state_getStorage?.([key, at], null as never),
    state_getStorageHash: async ([key, at], conn) => {
      const value = (await handlers.state_getStorage?.([key, at], conn)) as string | null;
      return value === null ? null : blake2AsHex(hexToU8a(value), 256);
    },
    state_getStorageSize: async ([key, at], conn) => {
      const value = (await handlers.state_getStorage?.([key, at], conn)) as string | null;
      return value === null ? null : (value.length - 2) / 2;
    },
    state_queryStorageAt: async ([keys, at]) => {
      if (!Array.isArray(keys) || !keys.every(isHexString))
        throw new RpcError(INVALID_PARAMS, 'Invalid params: keys must be hex strings');
      const rec = blocks.resolve(at);
      if (!rec) throw new RpcError(4003, 'Unknown block');
      return [{ block: rec.hash, changes: await storageChanges(keys, rec.hash) }];
    },
    state_getKeysPaged: async ([prefix, count, startKey, at]) => {
      if (!isHexString(prefix) || typeof count !== 'number' || (startKey != null && !isHexString(startKey))) {
        throw new RpcError(INVALID_PARAMS, 'Invalid params: (prefix hex, count, startKey?)');
      }
      return viewAt(at).keysPaged(prefix, Math.min(count, 1000), (startKey as string | null | undefined) ?? null);
    },
    state_getKeysPagedAt: async (params, conn) => handlers.state_getKeysPaged?.(params, conn),
    state_getKeys: async ([prefix, at]) => {
      if (!isHexString(prefix)) throw new RpcError(INVALID_PARAMS, 'Invalid params: prefix must be hex');
      return viewAt(at).keysPaged(prefix, 100_000, null);
    },
    state_call: async ([method, data, at]) => {
      if (typeof method !== 'string' || !isHexString(data ?? '0x'))
        throw new RpcError(INVALID_PARAMS, 'Invalid params: (method, data hex)');
      let out: Uint8Array | null;
      try {
        out = await viewAt(at).call(method, (data as string | undefined) ?? '0x');
      } catch (err) {
        if (err instanceof RpcError) throw err;
        throw new RpcError(4003, `Client error: Execution failed: ${(err as Error).message}`);
      }
      if (!out)
        throw new RpcError(4003, `Client error: Execution failed: Other: Exported method ${method} is not found`);
      return u8aToHex(out);
    },
    author_submitExtrinsic: async ([hex]) => {
      const tx = await submit(hex);
      // a ready extrinsic is answered once in a block (a stronger promise than Substrate's, which
      // existing callers rely on); a future one at once, since its inclusion waits on the sender
      if (tx.queue === 'ready') await tx.included;
      return tx.hash;
    },
    ...Object.fromEntries(
      Object.entries(customRpcHandlers(rt, viewAt)).map(([name, h]) => [
        name,
        async (params: unknown[]) => {
          try {
            return await h(params);
          } catch (err) {
            if (err instanceof CustomRpcParamsError) throw new RpcError(INVALID_PARAMS, err.message);
            throw err;
          }
        },
      ]),
    ),
    author_pendingExtrinsics: async () =>
      [...futures.values()].flatMap((q) => [...q.values()].map((f) => f.verified.hex)),
    // a node's serde shape (weight fields in snake case, the fee as a decimal string)
    payment_queryInfo: async ([hex]) => {
      const q = isHexString(hex) ? feeQuoteOf(hex) : null;
      if (!q) throw new RpcError(INVALID_PARAMS, 'Invalid params: a SCALE extrinsic as hex');
      return {
        weight: { ref_time: Number(q.weight.refTime), proof_size: Number(q.weight.proofSize) },
        class: 'normal',
        partialFee: q.partialFee.toString(),
      };
    },
  };

  const blockHashParam = (at: unknown): string | null => (typeof at === 'string' ? at : null);

  const finalityLag = options.finalityLagMs ?? 4000;
  /** Resolves when `rec` may be reported finalized to `conn` (see `finalityLagMs`). */
  const finality = (conn: Connection, rec: BlockRecord): Promise<void> =>
    new Promise<void>((resolve) => {
      const check = (): void => {
        const read = conn.readAt.has(rec.hash) && conn.inflight === 0;
        if (conn.socket.readyState !== conn.socket.OPEN) done();
        else if (read) {
          // a ping's pong proves the client has read (and handled) everything sent before it, so
          // Finalized cannot arrive in the same read as the block's events
          conn.onIdle.delete(check);
          conn.onPong.add(done);
          conn.socket.ping();
        }
      };
      const timer = setTimeout(() => done(), finalityLag);
      const done = (): void => {
        clearTimeout(timer);
        conn.onIdle.delete(check);
        conn.onPong.delete(done);
        resolve();
      };
      conn.onIdle.add(check);
      check();
    });

  const handleSubscribe = async (method: string, params: unknown[], conn: Connection, id: unknown): Promise<void> => {
    const def = SUB_METHODS[method] as { notify: string };
    if (conn.subs.size >= maxSubs) throw new RpcError(INTERNAL, 'Too many subscriptions on this connection');
    if (method === 'author_submitAndWatchExtrinsic') {
      // As Substrate: answered after pool validation (refusals are errors on this request), then
      // future/ready, inBlock, and finalized in a later message (the devnet finalizes each block
      // at once, but clients wait for InBlock before Finalized).
      const tx = await submit(params[0]);
      if (tx.queue === 'ready') await tx.ready;
      const sub: Subscription = { id: String(nextSub++), kind: method, notify: def.notify };
      // held like any subscription: author_unwatchExtrinsic ends it, and nothing is sent after
      conn.subs.set(sub.id, sub);
      send(conn, { jsonrpc: '2.0', id, result: sub.id });
      const update = (status: unknown): void => {
        if (conn.subs.has(sub.id)) notify(conn, sub, status);
      };
      const watch = async (): Promise<void> => {
        if (tx.queue === 'future') {
          update('future');
          await tx.ready;
        }
        update('ready');
        const rec = await tx.included;
        update({ inBlock: rec.hash });
        if (conn.subs.has(sub.id)) await finality(conn, rec);
        update({ finalized: rec.hash });
      };
      watch()
        .catch((err: unknown) => update(err instanceof Usurped && err.by ? { usurped: err.by } : 'invalid'))
        .finally(() => conn.subs.delete(sub.id));
      return;
    }
    let keys: string[] | undefined;
    if (method === 'state_subscribeStorage') {
      const k = params[0];
      if (!Array.isArray(k) || !k.every(isHexString))
        throw new RpcError(INVALID_PARAMS, 'Invalid params: keys must be hex strings');
      keys = k as string[];
    }
    const sub: Subscription = { id: String(nextSub++), kind: method, notify: def.notify, ...(keys ? { keys } : {}) };
    conn.subs.set(sub.id, sub);
    send(conn, { jsonrpc: '2.0', id, result: sub.id });
    const head = blocks.head;
    if (method.includes('Heads') || method === 'chain_subscribeNewHead') {
      if (head) notify(conn, sub, head.header);
    } else if (method.includes('RuntimeVersion')) {
      notify(conn, sub, rt.runtimeVersion);
    } else if (keys && head) {
      notify(conn, sub, { block: head.hash, changes: await storageChanges(keys, head.hash) });
    }
  };

  const handle = async (conn: Connection, req: RpcRequest): Promise<unknown | undefined> => {
    const id = req.id ?? null;
    const fail = (code: number, message: string, data?: unknown) => ({
      jsonrpc: '2.0',
      id,
      error: data === undefined ? { code, message } : { code, message, data },
    });
    if (
      req === null ||
      typeof req !== 'object' ||
      Array.isArray(req) ||
      req.jsonrpc !== '2.0' ||
      typeof req.method !== 'string'
    ) {
      return fail(INVALID_REQUEST, 'Invalid request');
    }
    if (id !== null && typeof id !== 'number' && typeof id !== 'string')
      return fail(INVALID_REQUEST, 'Invalid request: bad id');
    const params = req.params === undefined ? [] : req.params;
    if (!Array.isArray(params)) return fail(INVALID_PARAMS, 'Invalid params: positional params only');
    const method = req.method;
    if (method.startsWith('state_get') || method === 'state_queryStorageAt') {
      const at = params[params.length - 1];
      if (typeof at === 'string' && at.length === 66) {
        if (conn.readAt.size >= 64) conn.readAt.clear();
        conn.readAt.add(at.toLowerCase());
      }
    }
    try {
      if (method in SUB_METHODS) {
        await handleSubscribe(method, params, conn, id);
        return undefined;
      }
      if (UNSUBSCRIBE.has(method)) {
        const subId = String(params[0]);
        return { jsonrpc: '2.0', id, result: conn.subs.delete(subId) };
      }
      const handler = handlers[method];
      if (!handler) return fail(METHOD_NOT_FOUND, `Method not found: ${method}`);
      return { jsonrpc: '2.0', id, result: (await handler(params, conn)) ?? null };
    } catch (err) {
      if (err instanceof RpcError) return fail(err.code, err.message, err.data);
      if (err instanceof TransactionRejected) return fail(err.rpcCode, err.rpcMessage, err.data);
      if (isSubnetkitError(err))
        return fail(INTERNAL, err.message, { code: err.code, chainError: err.details.chainError });
      log?.error({ event: 'devnet.rpc_error', method, err: (err as Error).message }, 'RPC handler failed');
      return fail(INTERNAL, 'Internal error');
    }
  };

  const wss = new WebSocketServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 9944,
    maxPayload: maxRequest * 4,
    perMessageDeflate: false,
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', (err) =>
      reject(
        new SubnetkitError(
          'SK_CHAIN_CONNECTION',
          `The devnet cannot listen on port ${options.port ?? 9944}: ${err.message}`,
          { port: options.port },
          { cause: err },
        ),
      ),
    );
  });
  wss.on('error', (err) => log?.error({ event: 'devnet.server_error', err: err.message }, 'devnet server error'));

  wss.on('connection', (socket) => {
    const conn: Connection = {
      socket,
      subs: new Map(),
      inflight: 0,
      readAt: new Set(),
      onIdle: new Set(),
      onPong: new Set(),
    };
    socket.on('pong', () => {
      for (const f of [...conn.onPong]) f();
    });
    const settled = (): void => {
      conn.inflight--;
      if (conn.inflight === 0) for (const check of [...conn.onIdle]) check();
    };
    connections.add(conn);
    socket.on('message', (data, isBinary) => {
      const size = Array.isArray(data)
        ? data.reduce((s, b) => s + b.length, 0)
        : (data as Buffer | ArrayBuffer).byteLength;
      if (size > maxRequest) {
        send(conn, {
          jsonrpc: '2.0',
          id: null,
          error: { code: INVALID_REQUEST, message: `Request too large (${size} bytes, limit ${maxRequest})` },
        });
        return;
      }
      let parsed: unknown;
      try {
        if (isBinary) throw new Error('binary frame');
        parsed = JSON.parse(data.toString());
      } catch {
        send(conn, { jsonrpc: '2.0', id: null, error: { code: PARSE_ERROR, message: 'Parse error' } });
        return;
      }
      const reqs = Array.isArray(parsed) ? parsed : [parsed];
      if (Array.isArray(parsed) && parsed.length === 0) {
        send(conn, {
          jsonrpc: '2.0',
          id: null,
          error: { code: INVALID_REQUEST, message: 'Invalid request: empty batch' },
        });
        return;
      }
      conn.inflight++;
      Promise.all(reqs.map((r) => handle(conn, r as RpcRequest)))
        .then((responses) => {
          const out = responses.filter((r) => r !== undefined);
          if (out.length === 0) return;
          send(conn, Array.isArray(parsed) ? out : out[0]);
        })
        .catch((err: unknown) =>
          log?.error({ event: 'devnet.rpc_error', err: (err as Error).message }, 'RPC dispatch failed'),
        )
        .finally(settled);
    });
    // A dropped connection takes its subscriptions with it.
    socket.on('close', () => {
      conn.subs.clear();
      connections.delete(conn);
    });
    socket.on('error', () => socket.terminate());
  });

  const port = (wss.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  log?.info({ event: 'devnet.listening', port, spec: DEVNET_SPEC.specVersion }, 'devnet listening');
  return {
    url: `ws://${host}:${port}`,
    port,
    genesisHash: blocks.genesisHash,
    connections: () => connections.size,
    async close() {
      offBlock();
      offEvents();
      for (const conn of connections) conn.socket.terminate();
      connections.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await verifier.close();
    },
  };
}
