import { gunzipSync } from 'node:zlib';
import { Metadata, TypeRegistry } from '@polkadot/types';
import type { Extrinsic } from '@polkadot/types/interfaces';
import type { Codec } from '@polkadot/types/types';
import {
  compactAddLength,
  compactToU8a,
  hexToU8a,
  stringCamelCase,
  u8aConcat,
  u8aToHex,
  u8aToString,
} from '@polkadot/util';
import { blake2AsHex, ed25519Verify, encodeAddress, secp256k1Verify, xxhashAsU8a } from '@polkadot/util-crypto';
import { sr25519Verify } from '../../crypto/sr25519.js';
import { SubnetkitError } from '../../errors/subnetkit-error.js';
import { hyperparameterForSetter } from '../codec/hyperparameters.js';
import type { EngineCall, RemarkCall } from '../local/extrinsic.js';
import type { StakeMoveCall } from '../local/stake-moves.js';
import { bigIntToIp } from '../subtensor/call-builder.js';
import { TUPLE_EVENT_FIELDS } from '../subtensor/event-fields.js';
import { signingBytes } from '../subtensor/signer-adapter.js';
import type { ChainCall, ChainEvent } from '../types.js';
import { eraBirth, readSignedEnvelope, readTransfer, signingPayload } from './fast-extrinsic.js';
import { METADATA_343_GZ_BASE64 } from './metadata-343.js';
import { DEVNET_SPEC } from './spec.js';
import type { SignatureCheck } from './verify-pool.js';

// in its own module so that core's index can export it without loading this one
export { DEVNET_SPEC } from './spec.js';

const USER_EXTENSIONS = Object.fromEntries(
  ['SubtensorTransactionExtension', 'DrandPriority'].map((n) => [n, { extrinsic: {}, payload: {} }]),
);

/** Runtime API ids (blake2-64 of the name) with the versions real nodes report. */
function apiId(name: string): string {
  return blake2AsHex(name, 64);
}

/** The served runtime: metadata, a registry decorated with it, and lookups by name. */
export interface DevnetRuntime {
  readonly registry: TypeRegistry;
  readonly metadata: Metadata;
  readonly metadataBytes: Uint8Array;
  readonly runtimeVersion: Record<string, unknown>;
  /** Lookup type name of a runtime-API method's output, and its input types. */
  apiMethod(name: string): { inputs: string[]; output: string } | null;
  /** `Lookup<n>` type of a storage item's value and its key hashers/types, by "Pallet.Item". */
  storageItem(name: string): { value: string; hashers: string[]; keys: string[]; prefix: string } | null;
  palletIndex(name: string): number | null;
}

let cached: DevnetRuntime | null = null;

/** Loads (once) the spec-343 metadata the devnet serves. */
export function loadDevnetRuntime(): DevnetRuntime {
  if (cached) return cached;
  const metadataBytes = new Uint8Array(gunzipSync(Buffer.from(METADATA_343_GZ_BASE64, 'base64')));
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, metadataBytes);
  registry.setMetadata(metadata, undefined, USER_EXTENSIONS, true);
  registry.setChainProperties(
    registry.createType('ChainProperties', { ss58Format: 42, tokenDecimals: [9], tokenSymbol: ['TAO'] }) as never,
  );
  const latest = metadata.asLatest;

  const apis = new Map<string, { inputs: string[]; output: string }>();
  for (const api of latest.apis ?? []) {
    for (const m of api.methods) {
      apis.set(`${api.name.toString()}_${m.name.toString()}`, {
        inputs: m.inputs.map((i) => registry.createLookupType(i.type)),
        output: registry.createLookupType(m.output),
      });
    }
  }
  // the versions spec 343 reports: its own RuntimeVersion is the System.Version constant
  const version = latest.pallets
    .find((p) => p.name.toString() === 'System')
    ?.constants.find((c) => c.name.toString() === 'Version');
  const reported = new Map<string, number>(
    version
      ? (
          registry.createType(registry.createLookupType(version.type), version.value).toJSON() as {
            apis: [string, number][];
          }
        ).apis
      : [],
  );
  const apiVersions = (latest.apis ?? []).map((a) => {
    const id = apiId(a.name.toString());
    return [id, reported.get(id) ?? (a.name.toString() === 'Metadata' ? 2 : 1)];
  });

  const storage = new Map<string, { value: string; hashers: string[]; keys: string[]; prefix: string }>();
  for (const p of latest.pallets) {
    if (p.storage.isNone) continue;
    const s = p.storage.unwrap();
    for (const item of s.items) {
      const name = `${p.name.toString()}.${item.name.toString()}`;
      const prefix = u8aToHex(new Uint8Array([...twox128(s.prefix.toString()), ...twox128(item.name.toString())]));
      if (item.type.isPlain) {
        storage.set(name, { value: registry.createLookupType(item.type.asPlain), hashers: [], keys: [], prefix });
      } else {
        const map = item.type.asMap;
        const hashers = map.hashers.map((h) => h.type);
        const keyDef = registry.lookup.getSiType(map.key);
        const keys =
          hashers.length === 1
            ? [registry.createLookupType(map.key)]
            : keyDef.def.asTuple.map((t) => registry.createLookupType(t));
        storage.set(name, { value: registry.createLookupType(map.value), hashers, keys, prefix });
      }
    }
  }

  cached = {
    registry,
    metadata,
    metadataBytes,
    runtimeVersion: {
      specName: DEVNET_SPEC.specName,
      implName: DEVNET_SPEC.implName,
      authoringVersion: 1,
      specVersion: DEVNET_SPEC.specVersion,
      implVersion: 1,
      apis: apiVersions,
      transactionVersion: DEVNET_SPEC.transactionVersion,
      stateVersion: 1,
    },
    apiMethod: (name) => apis.get(name) ?? null,
    storageItem: (name) => storage.get(name) ?? null,
    palletIndex: (name) => {
      const p = latest.pallets.find((x) => x.name.toString() === name);
      return p ? p.index.toNumber() : null;
    },
  };
  return cached;
}

function twox128(text: string): Uint8Array {
  return xxhashAsU8a(text, 128);
}

/** SCALE `Vec<u8>` / `OpaqueMetadata` of the metadata, as `Metadata_metadata*` return it. */
export function opaqueMetadata(rt: DevnetRuntime): Uint8Array {
  return compactAddLength(rt.metadataBytes);
}

/** A JSON-RPC "Invalid Transaction" (1010) or "Verification Error" (1002), as Substrate reports them. */
export class TransactionRejected extends Error {
  constructor(
    readonly rpcCode: 1010 | 1002 | 1012 | 1014 | 1016,
    readonly rpcMessage: string,
    readonly data: string,
  ) {
    super(`${rpcCode}: ${rpcMessage}: ${data}`);
  }
}

/** The signer, nonce and call of an extrinsic whose sr25519 signature verified. */
export interface VerifiedExtrinsic {
  hash: string;
  hex: string;
  signer: string;
  nonce: number;
  call: EngineCall;
  /** The call came wrapped in `Sudo.sudo` (root origin when the signer is the sudo key). */
  viaSudo: boolean;
  /** The tip (raises the pool priority; charged with the fee). */
  tip: bigint;
  /** The outer call as `section.method` (what the fee depends on), and a batch's inner calls. */
  callKey: string;
  innerKeys: string[];
  /** Encoded length in bytes. */
  length: number;
}

/** `section.method` of a decoded call and of a batch's inner calls (for fees). */
export function callKeysOf(method: MethodLike & { args: unknown[] }): { callKey: string; innerKeys: string[] } {
  const callKey = `${method.section}.${method.method}`;
  const inner =
    method.section === 'utility' && Array.isArray(method.args[0])
      ? (method.args[0] as MethodLike[]).map((c) => `${c.section}.${c.method}`)
      : [];
  return { callKey, innerKeys: inner };
}

/**
 * Decodes a SCALE extrinsic and verifies its sr25519 signature over the Substrate signing payload
 * (era checkpoint, genesis, spec and tx version). `blockHashAt(n)` gives the devnet's header hash of
 * block n (for mortal eras).
 */
export function decodeAndVerifyExtrinsic(
  rt: DevnetRuntime,
  hex: unknown,
  genesisHash: string,
  head: number,
  blockHashAt: (n: number) => string | null,
): VerifiedExtrinsic {
  const prepared = prepareExtrinsic(rt, hex, genesisHash, head, blockHashAt);
  const c = prepared.check;
  return prepared.finish(c === null || verifies(c.message, c.signature, c.publicKey));
}

/**
 * An extrinsic decoded, its sr25519 check not yet made: the devnet verifies the checks of a burst
 * together (`verify-pool.ts`), then `finish`es each in arrival order.
 */
export interface PreparedExtrinsic {
  /** The signature check left to make; null when the registry path already verified it. */
  check: SignatureCheck | null;
  /**
   * The verified extrinsic given the check's outcome: throws the refusals that follow a good
   * signature (`1010 Transaction has a bad signature` when it failed), as the one-step path does.
   */
  finish(signatureValid: boolean): VerifiedExtrinsic;
}

/** `decodeAndVerifyExtrinsic` up to the sr25519 check (decoding refusals are thrown here). */
export function prepareExtrinsic(
  rt: DevnetRuntime,
  hex: unknown,
  genesisHash: string,
  head: number,
  blockHashAt: (n: number) => string | null,
): PreparedExtrinsic {
  if (typeof hex !== 'string' || !/^0x([0-9a-fA-F]{2})+$/.test(hex)) {
    throw new TransactionRejected(1002, 'Verification Error', 'Extrinsic must be 0x-prefixed hex');
  }
  const bytes = hexToU8a(hex);
  const fast = prepareFast(rt, bytes, hex, genesisHash, head, blockHashAt);
  if (fast) return fast;
  const verified = registryDecodeAndVerify(rt, bytes, hex, genesisHash, head, blockHashAt);
  return { check: null, finish: () => verified };
}

/** `decodeAndVerifyExtrinsic` through the registry's types: every shape the metadata allows. */
export function registryDecodeAndVerify(
  rt: DevnetRuntime,
  bytes: Uint8Array,
  hex: string,
  genesisHash: string,
  head: number,
  blockHashAt: (n: number) => string | null,
): VerifiedExtrinsic {
  let ext: Extrinsic;
  try {
    ext = rt.registry.createType('Extrinsic', bytes);
    if (ext.encodedLength !== bytes.length) throw new Error('trailing bytes');
  } catch {
    throw new TransactionRejected(1002, 'Verification Error', 'Could not decode extrinsic');
  }
  if (!ext.isSigned) throw new TransactionRejected(1010, 'Invalid Transaction', 'Transaction call is not expected');
  const multi = (
    ext.inner as unknown as {
      signature: {
        multiSignature: {
          isSr25519: boolean;
          asSr25519: Codec;
          isEd25519: boolean;
          asEd25519: Codec;
          isEcdsa: boolean;
          asEcdsa: Codec;
        };
      };
    }
  ).signature.multiSignature;
  if (!multi.isSr25519 && !multi.isEd25519 && !multi.isEcdsa) {
    throw new TransactionRejected(1010, 'Invalid Transaction', 'Transaction has a bad signature');
  }
  const era = ext.era;
  let checkpoint = genesisHash;
  if (era.isMortalEra) {
    const birth = Number(era.asMortalEra.birth(head));
    const hash = blockHashAt(birth);
    if (!hash) throw new TransactionRejected(1010, 'Invalid Transaction', 'Transaction has an ancient birth block');
    checkpoint = hash;
  }
  const signed = (ext.inner as unknown as { signature: Record<string, Codec | undefined> }).signature;
  const payload = rt.registry.createType(
    'ExtrinsicPayload',
    {
      blockHash: checkpoint,
      era,
      genesisHash,
      method: ext.method.toHex(),
      nonce: ext.nonce,
      specVersion: DEVNET_SPEC.specVersion,
      tip: ext.tip,
      transactionVersion: DEVNET_SPEC.transactionVersion,
      mode: signed.mode?.toJSON() ?? 0,
      metadataHash: null,
    },
    { version: ext.version & 0x7f },
  );
  const message = signingBytes(payload.toU8a({ method: true }));
  // MultiAddress::Id carries the key itself: no SS58 round trip (cached key → address)
  const signerCodec = ext.signer as unknown as { isId?: boolean; asId?: Codec };
  let signer: string;
  let publicKey: Uint8Array;
  if (signerCodec.isId === true && signerCodec.asId) {
    publicKey = signerCodec.asId.toU8a();
    signer = addressOfKey(publicKey, () => ext.signer.toString());
  } else {
    signer = ext.signer.toString();
    publicKey = rt.registry.createType('AccountId32', signer).toU8a();
  }
  // sr25519 and ed25519 accounts are their public keys; an ecdsa account is blake2-256 of its
  // compressed key, recovered from the signature over blake2-256 of the payload
  const valid = multi.isSr25519
    ? verifies(message, multi.asSr25519.toU8a(), publicKey)
    : multi.isEd25519
      ? ed25519Valid(message, multi.asEd25519.toU8a(), publicKey)
      : ecdsaValid(message, multi.asEcdsa.toU8a(), publicKey);
  if (!valid) {
    throw new TransactionRejected(1010, 'Invalid Transaction', 'Transaction has a bad signature');
  }
  const { call, viaSudo } = unwrapSudo(ext.method as unknown as MethodLike & { args: unknown[] });
  // the input is validated 0x-hex: lower-casing it is what u8aToHex(bytes) would give
  return {
    hash: blake2AsHex(bytes, 256),
    hex: hex.toLowerCase(),
    signer,
    nonce: ext.nonce.toNumber(),
    call,
    viaSudo,
    tip: ext.tip.toBigInt(),
    ...callKeysOf(ext.method as unknown as MethodLike & { args: unknown[] }),
    length: bytes.length,
  };
}

/**
 * `decodeAndVerifyExtrinsic` for the common shape (`fast-extrinsic.ts`): the envelope and a
 * transfer read from the bytes, other calls decoded alone by the registry. Null when the shape is
 * another one or the call does not decode: the registry path then decides, as before.
 */
export function fastDecodeAndVerify(
  rt: DevnetRuntime,
  bytes: Uint8Array,
  hex: string,
  genesisHash: string,
  head: number,
  blockHashAt: (n: number) => string | null,
): VerifiedExtrinsic | null {
  const prepared = prepareFast(rt, bytes, hex, genesisHash, head, blockHashAt);
  if (!prepared) return null;
  const c = prepared.check;
  return prepared.finish(verifies(c.message, c.signature, c.publicKey));
}

function prepareFast(
  rt: DevnetRuntime,
  bytes: Uint8Array,
  hex: string,
  genesisHash: string,
  head: number,
  blockHashAt: (n: number) => string | null,
): (PreparedExtrinsic & { check: SignatureCheck }) | null {
  const env = readSignedEnvelope(bytes);
  if (!env) return null;
  const transfer = readTransfer(env.call, fastRuntime(rt).balances);
  let method: (MethodLike & { args: unknown[] }) | null = null;
  if (!transfer) {
    try {
      const call = rt.registry.createType('Call', env.call);
      if (call.encodedLength !== env.call.length) return null;
      method = call as unknown as MethodLike & { args: unknown[] };
    } catch {
      return null;
    }
  }
  let checkpoint = genesisHash;
  if (env.mortal) {
    const hash = blockHashAt(eraBirth(env.mortal, head));
    if (!hash) throw new TransactionRejected(1010, 'Invalid Transaction', 'Transaction has an ancient birth block');
    checkpoint = hash;
  }
  const payload = signingPayload(env, DEVNET_SPEC, hexBytes(genesisHash), hexBytes(checkpoint));
  const check = { message: signingBytes(payload), signature: env.signature, publicKey: env.signer };
  const finish = (signatureValid: boolean): VerifiedExtrinsic => {
    if (!signatureValid) {
      throw new TransactionRejected(1010, 'Invalid Transaction', 'Transaction has a bad signature');
    }
    const signer = addressOfKey(env.signer, () => encodeAddress(env.signer, 42));
    let call: EngineCall;
    let viaSudo = false;
    let keys: { callKey: string; innerKeys: string[] };
    if (transfer) {
      const dest = addressOfKey(transfer.dest, () => encodeAddress(transfer.dest, 42));
      call = {
        pallet: 'Balances',
        method: transfer.keepAlive ? 'transfer_keep_alive' : 'transfer_allow_death',
        args: { dest, value: transfer.value },
      };
      keys = {
        callKey: transfer.keepAlive ? 'balances.transferKeepAlive' : 'balances.transferAllowDeath',
        innerKeys: [],
      };
    } else {
      const m = method as MethodLike & { args: unknown[] };
      ({ call, viaSudo } = unwrapSudo(m));
      keys = callKeysOf(m);
    }
    return {
      hash: blake2AsHex(bytes, 256),
      hex: hex.toLowerCase(),
      signer,
      nonce: env.nonce,
      call,
      viaSudo,
      tip: env.tip,
      ...keys,
      length: bytes.length,
    };
  };
  return { check, finish };
}

/** Per-runtime constants of the fast path. */
const fastCache = new WeakMap<DevnetRuntime, { balances: number }>();
function fastRuntime(rt: DevnetRuntime): { balances: number } {
  let c = fastCache.get(rt);
  if (!c) {
    c = { balances: transferLayoutMatches(rt) ? (rt.palletIndex('Balances') ?? -1) : -1 };
    fastCache.set(rt, c);
  }
  return c;
}

/** The served metadata's Balances calls 0 and 3 are the transfers `readTransfer` reads (dest, Compact<u64> value). */
function transferLayoutMatches(rt: DevnetRuntime): boolean {
  const pallet = rt.metadata.asLatest.pallets.find((p) => p.name.toString() === 'Balances');
  if (!pallet || pallet.calls.isNone) return false;
  const variants = rt.registry.lookup.getSiType(pallet.calls.unwrap().type).def.asVariant.variants;
  return [
    [0, 'transfer_allow_death'],
    [3, 'transfer_keep_alive'],
  ].every(([index, name]) => {
    const v = variants.find((x) => x.index.toNumber() === index);
    const types = v?.fields.map((f) => rt.registry.lookup.getTypeDef(f.type).type);
    return v?.name.toString() === name && types?.join() === 'MultiAddress,Compact<u64>';
  });
}

/** Hex → bytes for the few hashes a payload needs (genesis, checkpoints), cached. */
const hashBytes = new Map<string, Uint8Array>();
function hexBytes(hex: string): Uint8Array {
  let b = hashBytes.get(hex);
  if (!b) {
    b = hexToU8a(hex);
    if (hashBytes.size >= 1024) hashBytes.clear();
    hashBytes.set(hex, b);
  }
  return b;
}

// SS58 encoding costs a blake2 checksum and base58; a devnet sees the same few signers
const addressCache = new Map<string, string>();
function addressOfKey(publicKey: Uint8Array, encode: () => string): string {
  const key = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('hex');
  let address = addressCache.get(key);
  if (address === undefined) {
    address = encode();
    if (addressCache.size >= 10_000) addressCache.clear();
    addressCache.set(key, address);
  }
  return address;
}

/**
 * sr25519 verification on the wasm backend (util-crypto's is pure JS, several times slower; the
 * devnet readies wasm with `initCrypto`); malformed signature bytes read as invalid.
 */
function verifies(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  return sr25519Verify(signature, message, publicKey);
}

function ecdsaValid(message: Uint8Array, signature: Uint8Array, accountId: Uint8Array): boolean {
  try {
    return secp256k1Verify(message, signature, accountId, 'blake2');
  } catch {
    return false;
  }
}

function ed25519Valid(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519Verify(message, signature, publicKey);
  } catch {
    return false;
  }
}

export interface MethodLike {
  section: string;
  method: string;
  toJSON(): unknown;
}

/** Setter call → the hyperparameter name the engine takes, by the one registry (chain/codec/hyperparameters.ts). */
function hyperparameterName(section: string, method: string): string | null {
  return hyperparameterForSetter(section, method);
}

type Args = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const big = (v: unknown): bigint => BigInt(v as string | number);
const u16s = (v: unknown): number[] => (Array.isArray(v) ? v.map(num) : []);
const addr = (v: unknown): string => {
  if (typeof v === 'string') return v;
  const id = (v as { id?: string } | null)?.id;
  if (typeof id === 'string') return id;
  throw new TransactionRejected(1010, 'Invalid Transaction', 'Only MultiAddress::Id destinations are supported');
};

/**
 * `Sudo.sudo(call)` → the inner call, flagged. Root origin only matters to AdminUtils setters
 * (root-only ones need it), so those are the only calls the devnet accepts inside `sudo`.
 */
function unwrapSudo(method: MethodLike & { args: unknown[] }): { call: EngineCall; viaSudo: boolean } {
  if (method.section !== 'sudo') return { call: methodToEngineCall(method), viaSudo: false };
  const inner = method.args[0] as MethodLike | undefined;
  const call = method.method === 'sudo' && inner ? methodToChainCall(inner) : null;
  if (call?.pallet !== 'AdminUtils') {
    throw new TransactionRejected(
      1010,
      'Invalid Transaction',
      `Call sudo.${method.method}${inner ? `(${inner.section}.${inner.method})` : ''} is not implemented by the devnet`,
    );
  }
  return { call, viaSudo: true };
}

/**
 * A decoded call → what the engine applies: `Utility.batch`/`batch_all`/`force_batch` of the
 * supported calls, `System.remark`/`remark_with_event`, or one subtensor call.
 */
export function methodToEngineCall(method: MethodLike & { args?: unknown[] }): EngineCall {
  if (method.section === 'utility' && ['batch', 'batchAll', 'forceBatch'].includes(method.method)) {
    const calls = (method.args?.[0] ?? []) as (MethodLike & { args?: unknown[] })[];
    const mode = method.method === 'batchAll' ? 'batch_all' : method.method === 'forceBatch' ? 'force_batch' : 'batch';
    // nested batches and sudo inside a batch are refused like any call outside the subset
    return { pallet: 'Utility', method: mode, args: { calls: calls.map((c) => remarkOrCall(c)) } };
  }
  return stakeMove(method) ?? remarkOrCall(method);
}

/** subtensor's stake moves (chain.md §9.1), applied by the local engine's `stake-moves.ts`. */
function stakeMove(method: MethodLike): StakeMoveCall | null {
  if (method.section !== 'subtensorModule') return null;
  const a = (method.toJSON() as { args: Args }).args;
  switch (method.method) {
    case 'moveStake':
      return {
        pallet: 'SubtensorModule',
        method: 'move_stake',
        args: {
          originHotkey: String(a.origin_hotkey),
          destinationHotkey: String(a.destination_hotkey),
          originNetuid: num(a.origin_netuid),
          destinationNetuid: num(a.destination_netuid),
          alphaAmount: big(a.alpha_amount),
        },
      };
    case 'transferStake':
      return {
        pallet: 'SubtensorModule',
        method: 'transfer_stake',
        args: {
          destinationColdkey: String(a.destination_coldkey),
          hotkey: String(a.hotkey),
          originNetuid: num(a.origin_netuid),
          destinationNetuid: num(a.destination_netuid),
          alphaAmount: big(a.alpha_amount),
        },
      };
    case 'swapStake':
      return {
        pallet: 'SubtensorModule',
        method: 'swap_stake',
        args: {
          hotkey: String(a.hotkey),
          originNetuid: num(a.origin_netuid),
          destinationNetuid: num(a.destination_netuid),
          alphaAmount: big(a.alpha_amount),
        },
      };
    case 'unstakeAll':
      return { pallet: 'SubtensorModule', method: 'unstake_all', args: { hotkey: String(a.hotkey) } };
    case 'registerNetworkWithIdentity': {
      const identity = a.identity as { subnet_name?: string; subnetName?: string } | null;
      const raw = identity?.subnet_name ?? identity?.subnetName;
      return {
        pallet: 'SubtensorModule',
        method: 'register_network_with_identity',
        args: {
          hotkey: String(a.hotkey),
          ...(typeof raw === 'string' ? { name: u8aToString(hexToU8a(raw)) } : {}),
        },
      };
    }
    case 'addStakeLimit':
      return {
        pallet: 'SubtensorModule',
        method: 'add_stake_limit',
        args: {
          hotkey: String(a.hotkey),
          netuid: num(a.netuid),
          amountStaked: big(a.amount_staked),
          limitPrice: big(a.limit_price),
          allowPartial: a.allow_partial === true,
        },
      };
    case 'removeStakeLimit':
      return {
        pallet: 'SubtensorModule',
        method: 'remove_stake_limit',
        args: {
          hotkey: String(a.hotkey),
          netuid: num(a.netuid),
          amountUnstaked: big(a.amount_unstaked),
          limitPrice: big(a.limit_price),
          allowPartial: a.allow_partial === true,
        },
      };
  }
  return null;
}

function remarkOrCall(method: MethodLike & { args?: unknown[] }): ChainCall | RemarkCall {
  if (method.section === 'system' && (method.method === 'remark' || method.method === 'remarkWithEvent')) {
    const remark = (method.args?.[0] as Codec | undefined)?.toHex() ?? '0x';
    return { pallet: 'System', method: method.method === 'remark' ? 'remark' : 'remark_with_event', args: { remark } };
  }
  return methodToChainCall(method);
}

/** A decoded subtensor call → the `ChainCall` the engine applies; calls outside the subset are refused. */
export function methodToChainCall(method: MethodLike): ChainCall {
  const json = method.toJSON() as { args: Args };
  const a = json.args;
  const key = `${method.section}.${method.method}`;
  switch (key) {
    case 'balances.transferKeepAlive':
      return { pallet: 'Balances', method: 'transfer_keep_alive', args: { dest: addr(a.dest), value: big(a.value) } };
    case 'balances.transferAllowDeath':
      return { pallet: 'Balances', method: 'transfer_allow_death', args: { dest: addr(a.dest), value: big(a.value) } };
    case 'subtensorModule.registerNetwork':
      return { pallet: 'SubtensorModule', method: 'register_network', args: { hotkey: String(a.hotkey) } };
    case 'subtensorModule.burnedRegister':
      return {
        pallet: 'SubtensorModule',
        method: 'burned_register',
        args: { netuid: num(a.netuid), hotkey: String(a.hotkey) },
      };
    case 'subtensorModule.serveAxon': {
      const ipType = num(a.ip_type);
      if (ipType !== 4 && ipType !== 6) throw new TransactionRejected(1010, 'Invalid Transaction', 'Custom error: 11');
      return {
        pallet: 'SubtensorModule',
        method: 'serve_axon',
        args: {
          netuid: num(a.netuid),
          version: num(a.version),
          ip: bigIntToIp(big(a.ip), ipType),
          port: num(a.port),
          ipType,
          protocol: num(a.protocol),
        },
      };
    }
    case 'subtensorModule.setWeights':
      return {
        pallet: 'SubtensorModule',
        method: 'set_weights',
        args: { netuid: num(a.netuid), dests: u16s(a.dests), weights: u16s(a.weights), versionKey: big(a.version_key) },
      };
    case 'subtensorModule.commitWeights':
      return {
        pallet: 'SubtensorModule',
        method: 'commit_weights',
        args: { netuid: num(a.netuid), commitHash: String(a.commit_hash) },
      };
    case 'subtensorModule.revealWeights':
      return {
        pallet: 'SubtensorModule',
        method: 'reveal_weights',
        args: {
          netuid: num(a.netuid),
          uids: u16s(a.uids),
          values: u16s(a.values),
          salt: u16s(a.salt),
          versionKey: big(a.version_key),
        },
      };
    case 'subtensorModule.commitTimelockedWeights':
      return {
        pallet: 'SubtensorModule',
        method: 'commit_timelocked_weights',
        args: {
          netuid: num(a.netuid),
          commit: String(a.commit),
          revealRound: big(a.reveal_round),
          commitRevealVersion: num(a.commit_reveal_version),
        },
      };
    case 'subtensorModule.commitTimelockedMechanismWeights':
      return {
        pallet: 'SubtensorModule',
        method: 'commit_timelocked_mechanism_weights',
        args: {
          netuid: num(a.netuid),
          mecid: num(a.mecid),
          commit: String(a.commit),
          revealRound: big(a.reveal_round),
          commitRevealVersion: num(a.commit_reveal_version),
        },
      };
    case 'subtensorModule.addStake':
      return {
        pallet: 'SubtensorModule',
        method: 'add_stake',
        args: { hotkey: String(a.hotkey), netuid: num(a.netuid), amountStaked: big(a.amount_staked) },
      };
    case 'subtensorModule.removeStake':
      return {
        pallet: 'SubtensorModule',
        method: 'remove_stake',
        args: { hotkey: String(a.hotkey), netuid: num(a.netuid), amountUnstaked: big(a.amount_unstaked) },
      };
    case 'subtensorModule.startCall':
      return { pallet: 'SubtensorModule', method: 'start_call', args: { netuid: num(a.netuid) } };
    case 'subtensorModule.setSubnetIdentity':
      return {
        pallet: 'SubtensorModule',
        method: 'set_subnet_identity',
        args: { netuid: num(a.netuid), name: u8aToString(hexToU8a(String(a.subnet_name))) },
      };
    case 'subtensorModule.setChildren':
      return {
        pallet: 'SubtensorModule',
        method: 'set_children',
        args: {
          hotkey: String(a.hotkey),
          netuid: num(a.netuid),
          // Vec<(u64, AccountId)>: toJSON gives a u64 above 2^53 as hex, which BigInt reads
          children: (Array.isArray(a.children) ? a.children : []).map((t) => {
            const [p, child] = t as [unknown, unknown];
            return [big(p), String(child)] as [bigint, string];
          }),
        },
      };
    case 'subtensorModule.setChildkeyTake':
      return {
        pallet: 'SubtensorModule',
        method: 'set_childkey_take',
        args: { hotkey: String(a.hotkey), netuid: num(a.netuid), take: num(a.take) },
      };
  }
  const name = hyperparameterName(method.section, method.method);
  const values = Object.values(a);
  if (name && values.length === 2 && 'netuid' in a) {
    const raw = values[1];
    const value = typeof raw === 'boolean' ? raw : big(raw);
    return { pallet: 'AdminUtils', method: 'set_hyperparameter', args: { netuid: num(a.netuid), name, value } };
  }
  throw new TransactionRejected(1010, 'Invalid Transaction', `Call ${key} is not implemented by the devnet`);
}

/** `DispatchInfo` of an extrinsic in `System.ExtrinsicSuccess` / `ExtrinsicFailed`. */
export interface DispatchInfoJson {
  weight: { refTime: bigint | number; proofSize: bigint | number };
  class: 'Normal' | 'Operational' | 'Mandatory';
  paysFee: 'Yes' | 'No';
}
/** For extrinsics whose bytes the devnet never saw (submitted in-process). */
const DISPATCH_INFO: DispatchInfoJson = { weight: { refTime: 0, proofSize: 0 }, class: 'Normal', paysFee: 'Yes' };

/** A dispatch error by subtensor name → `DispatchError` JSON with the served metadata's indices. */
export function dispatchErrorFor(rt: DevnetRuntime, name: string): unknown {
  if (['BadOrigin', 'CannotLookup', 'Other', 'ConsumerRemaining', 'NoProviders', 'TooManyConsumers'].includes(name))
    return { [name]: null };
  for (const pallet of ['SubtensorModule', 'AdminUtils', 'Balances', 'Swap']) {
    const p = rt.metadata.asLatest.pallets.find((x) => x.name.toString() === pallet);
    if (!p || p.errors.isNone) continue;
    const v = rt.registry.lookup
      .getSiType(p.errors.unwrap().type)
      .def.asVariant.variants.find((x) => x.name.toString() === name);
    if (v) return { Module: { index: p.index.toNumber(), error: [v.index.toNumber(), 0, 0, 0] } };
  }
  return { Other: null };
}

/** One `System.Events` record: phase JSON, the event as pallet/variant indices and SCALE fields. */
export interface EventRecordBytes {
  phase: unknown;
  event: Uint8Array;
}

/** SCALE of an event `[pallet index, variant index, fields…]`, or null if it does not fit the metadata. */
function encodeEvent(
  rt: DevnetRuntime,
  pallet: string,
  name: string,
  fieldValue: (field: string | null, i: number) => unknown,
): Uint8Array | null {
  const p = rt.metadata.asLatest.pallets.find((x) => x.name.toString() === pallet);
  if (!p || p.events.isNone) return null;
  const variant = rt.registry.lookup
    .getSiType(p.events.unwrap().type)
    .def.asVariant.variants.find((v) => v.name.toString() === name);
  if (!variant) return null;
  const parts: Uint8Array[] = [new Uint8Array([p.index.toNumber(), variant.index.toNumber()])];
  for (let i = 0; i < variant.fields.length; i++) {
    const f = variant.fields[i];
    if (!f) return null;
    const value = fieldValue(f.name.isSome ? f.name.unwrap().toString() : null, i);
    if (value === undefined) return null;
    try {
      parts.push(rt.registry.createType(rt.registry.createLookupType(f.type), value).toU8a());
    } catch {
      return null;
    }
  }
  return u8aConcat(...parts);
}

/**
 * A `ChainEvent` (engine names, named data) → an event of the served metadata, or null when the
 * metadata has no such event or the data does not fit (it is then left out of `System.Events`).
 */
export function eventRecordFor(rt: DevnetRuntime, ev: ChainEvent, phase: unknown): EventRecordBytes | null {
  if (ev.pallet === 'System' && (ev.name === 'ExtrinsicSuccess' || ev.name === 'ExtrinsicFailed')) return null;
  const id = `${ev.pallet}.${ev.name}`;
  const table = TUPLE_EVENT_FIELDS[id] ?? STAKE_MOVE_FIELDS[id] ?? CHILDKEY_EVENT_FIELDS[id];
  const event = encodeEvent(rt, ev.pallet, ev.name, (field, i) => {
    const key = field ? stringCamelCase(field) : (table?.[i] ?? String(i));
    const value = ev.data[key] ?? (field ? ev.data[field] : undefined) ?? ev.data[String(i)];
    // pallet-utility's errors are DispatchErrors; the engine names them
    if (ev.pallet === 'Utility' && key === 'error' && typeof value === 'string') return dispatchErrorFor(rt, value);
    return value;
  });
  return event ? { phase, event } : null;
}

/** Positional fields of the stake-move events (their order in the 343 metadata). */
const STAKE_MOVE_FIELDS: Record<string, string[]> = {
  'SubtensorModule.StakeMoved': [
    'coldkey',
    'originHotkey',
    'originNetuid',
    'destinationHotkey',
    'destinationNetuid',
    'tao',
  ],
  'SubtensorModule.StakeTransferred': [
    'originColdkey',
    'destinationColdkey',
    'hotkey',
    'originNetuid',
    'destinationNetuid',
    'tao',
  ],
  'SubtensorModule.StakeSwapped': ['coldkey', 'hotkey', 'originNetuid', 'destinationNetuid', 'tao'],
};

/** Positional fields of the childkey events (their order in the 343 metadata). */
const CHILDKEY_EVENT_FIELDS: Record<string, string[]> = {
  'SubtensorModule.SetChildrenScheduled': ['hotkey', 'netuid', 'coolDownBlock', 'children'],
  'SubtensorModule.SetChildren': ['hotkey', 'netuid', 'children'],
  'SubtensorModule.ChildKeyTakeSet': ['hotkey', 'take'],
};

/** `System.ExtrinsicSuccess` / `ExtrinsicFailed` for extrinsic `index`. */
export function outcomeRecord(
  rt: DevnetRuntime,
  index: number,
  errorName: string | null,
  info: DispatchInfoJson = DISPATCH_INFO,
): EventRecordBytes {
  const values: Record<string, unknown> =
    errorName === null
      ? { dispatch_info: info }
      : { dispatch_error: dispatchErrorFor(rt, errorName), dispatch_info: info };
  const event = encodeEvent(
    rt,
    'System',
    errorName === null ? 'ExtrinsicSuccess' : 'ExtrinsicFailed',
    (field) => values[field ?? ''],
  );
  if (!event) throw new Error('the served metadata lacks System.ExtrinsicSuccess/ExtrinsicFailed');
  return { phase: { ApplyExtrinsic: index }, event };
}

/** `Sudo.Sudid { sudo_result }` for extrinsic `index`: the inner call's outcome (the extrinsic itself succeeds). */
export function sudidRecord(rt: DevnetRuntime, index: number, errorName: string | null): EventRecordBytes {
  const result = errorName === null ? { Ok: null } : { Err: dispatchErrorFor(rt, errorName) };
  const event = encodeEvent(rt, 'Sudo', 'Sudid', () => result);
  if (!event) throw new Error('the served metadata lacks Sudo.Sudid');
  return { phase: { ApplyExtrinsic: index }, event };
}

/** SCALE `Vec<EventRecord>`: phase, event bytes, no topics. */
export function encodeEvents(rt: DevnetRuntime, records: EventRecordBytes[]): Uint8Array {
  const parts: Uint8Array[] = [compactToU8a(records.length)];
  for (const r of records) {
    parts.push(rt.registry.createType('FrameSystemPhase', r.phase).toU8a(), r.event, compactToU8a(0));
  }
  return u8aConcat(...parts);
}

/** The unsigned `Timestamp.set(now)` inherent every block starts with. */
export function timestampInherent(rt: DevnetRuntime, now: number): string {
  const call = rt.registry.createType('Call', { callIndex: [rt.palletIndex('Timestamp') ?? 2, 0], args: { now } });
  return u8aToHex(rt.registry.createType('Extrinsic', call).toU8a());
}

/** SubnetkitError for devnet misuse (bad options). */
export function devnetUsage(message: string, details: Record<string, unknown> = {}): SubnetkitError {
  return new SubnetkitError('SK_CHAIN_BAD_INPUT', message, details);
}
