import type { AddressInfo } from 'node:net';
import { u8aToHex } from '@polkadot/util';
import type { Logger } from 'pino';
import { type WebSocket, WebSocketServer } from 'ws';
import { isSubnetkitError, SubnetkitError } from '../../errors/subnetkit-error.js';
import { initCrypto } from '../local/crypto.js';
import { CUSTOM_VALIDITY_ERRORS } from '../subtensor/dispatch-error.js';
import type { Unsubscribe } from '../types.js';
import { BlockIndex, type BlockRecord } from './block-index.js';
import type { DevnetEngine } from './local-engine.js';
import { DEVNET_SPEC, decodeAndVerifyExtrinsic, loadDevnetRuntime, TransactionRejected } from './runtime.js';
import { StateView } from './state-view.js';

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
}

/** An engine refusal before inclusion, as Substrate's pool reports it. */
function poolRejection(err: SubnetkitError): TransactionRejected {
  if (err.code === 'SK_CHAIN_BAD_SIGNATURE')
    return new TransactionRejected(1010, 'Invalid Transaction', 'Transaction has a bad signature');
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

const isHexString = (v: unknown): v is string => typeof v === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(v);

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

  const blocks = new BlockIndex(rt, chain);
  await blocks.ensure(await chain.blockNumber());

  const view = new StateView(rt, {
    chain,
    nonce: (a) => engine.nonce(a),
    eventsAt: (hash) => {
      const rec = blocks.resolve(hash);
      return rec ? blocks.eventsOf(rec) : null;
    },
    timestampAt: (hash) => blocks.resolve(hash)?.timestamp ?? null,
    sudoKey: () => engine.sudoKey(),
  });

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

  const storageChanges = async (keys: string[], hash: string | null) =>
    Promise.all(keys.map(async (k) => [k, await view.read(k, hash)] as [string, string | null]));

  // New engine blocks → index, invalidate caches, notify head and storage subscribers.
  const offBlock: Unsubscribe = chain.onBlock((header) => {
    blocks
      .ensure(header.number, header.timestamp)
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

  /**
   * Verifies and hands the extrinsic to the engine synchronously (no await before the engine's
   * pool takes it, so extrinsics arriving together are queued in arrival order and share a block;
   * the engine checks the nonce, pool-aware). `included` settles once it is in a block; pool
   * rejections reject it.
   */
  const submit = (hex: unknown): { hash: string; included: Promise<BlockRecord> } => {
    const head = blocks.head;
    const verified = decodeAndVerifyExtrinsic(
      rt,
      hex,
      blocks.genesisHash,
      head?.number ?? 0,
      (n) => blocks.byNumber(n)?.hash ?? null,
    );
    if (verified.viaSudo && verified.signer !== engine.sudoKey()) {
      throw new TransactionRejected(
        1010,
        'Invalid Transaction',
        'Transaction has a bad signer: only the sudo key may call sudo',
      );
    }
    const included = engine.applyAuthenticated(verified.signer, verified.nonce, verified.call).then(
      (r) => {
        view.invalidate();
        if (!r.included) throw poolRejection(r.error);
        return blocks.ensure(r.blockNumber).then((rec) => {
          const chainError = r.error ? String(r.error.details.chainError ?? 'Other') : null;
          blocks.addIncluded(rec, verified.hex, r.index, r.events, chainError, verified.viaSudo);
          if (chainError) log?.debug({ event: 'devnet.extrinsic_failed', chainError }, 'extrinsic failed');
          return rec;
        });
      },
      (err: unknown) => {
        view.invalidate();
        throw err;
      },
    );
    return { hash: verified.hash, included };
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
      return view.read(key, blockHashParam(at));
    },
    state_getStorageAt: async ([key, at]) => handlers.state_getStorage?.([key, at], null as never),
    state_queryStorageAt: async ([keys, at]) => {
      if (!Array.isArray(keys) || !keys.every(isHexString))
        throw new RpcError(INVALID_PARAMS, 'Invalid params: keys must be hex strings');
      const rec = blocks.resolve(at);
      if (!rec) throw new RpcError(4003, 'Unknown block');
      return [{ block: rec.hash, changes: await storageChanges(keys, rec.hash) }];
    },
    state_getKeysPaged: async ([prefix, count, startKey]) => {
      if (!isHexString(prefix) || typeof count !== 'number' || (startKey != null && !isHexString(startKey))) {
        throw new RpcError(INVALID_PARAMS, 'Invalid params: (prefix hex, count, startKey?)');
      }
      return view.keysPaged(prefix, Math.min(count, 1000), (startKey as string | null | undefined) ?? null);
    },
    state_getKeysPagedAt: async (params, conn) => handlers.state_getKeysPaged?.(params, conn),
    state_getKeys: async ([prefix]) => {
      if (!isHexString(prefix)) throw new RpcError(INVALID_PARAMS, 'Invalid params: prefix must be hex');
      return view.keysPaged(prefix, 100_000, null);
    },
    state_call: async ([method, data]) => {
      if (typeof method !== 'string' || !isHexString(data ?? '0x'))
        throw new RpcError(INVALID_PARAMS, 'Invalid params: (method, data hex)');
      let out: Uint8Array | null;
      try {
        out = await view.call(method, (data as string | undefined) ?? '0x');
      } catch (err) {
        if (err instanceof RpcError) throw err;
        throw new RpcError(4003, `Client error: Execution failed: ${(err as Error).message}`);
      }
      if (!out)
        throw new RpcError(4003, `Client error: Execution failed: Other: Exported method ${method} is not found`);
      return u8aToHex(out);
    },
    author_submitExtrinsic: async ([hex]) => {
      const { hash, included } = submit(hex);
      await included;
      return hash;
    },
    author_pendingExtrinsics: async () => [],
    payment_queryInfo: async () => ({ weight: { refTime: 0, proofSize: 0 }, class: 'normal', partialFee: '0' }),
  };

  const blockHashParam = (at: unknown): string | null => (typeof at === 'string' ? at : null);

  const handleSubscribe = async (method: string, params: unknown[], conn: Connection, id: unknown): Promise<void> => {
    const def = SUB_METHODS[method] as { notify: string };
    if (conn.subs.size >= maxSubs) throw new RpcError(INTERNAL, 'Too many subscriptions on this connection');
    if (method === 'author_submitAndWatchExtrinsic') {
      // Substrate answers after pool validation; the devnet answers once the engine has placed the
      // extrinsic, so pool rejections come back as errors on this request.
      const rec = await submit(params[0]).included;
      const sub: Subscription = { id: String(nextSub++), kind: method, notify: def.notify };
      send(conn, { jsonrpc: '2.0', id, result: sub.id });
      notify(conn, sub, 'ready');
      notify(conn, sub, { inBlock: rec.hash });
      notify(conn, sub, { finalized: rec.hash });
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
    const conn: Connection = { socket, subs: new Map() };
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
      Promise.all(reqs.map((r) => handle(conn, r as RpcRequest)))
        .then((responses) => {
          const out = responses.filter((r) => r !== undefined);
          if (out.length === 0) return;
          send(conn, Array.isArray(parsed) ? out : out[0]);
        })
        .catch((err: unknown) =>
          log?.error({ event: 'devnet.rpc_error', err: (err as Error).message }, 'RPC dispatch failed'),
        );
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
    },
  };
}
