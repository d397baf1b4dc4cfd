import { z } from 'zod';
import { SubnetkitError } from '../../errors/subnetkit-error.js';
import type { Signer } from '../../util/signer.js';
import type { ChainCall } from '../types.js';
import { canonicalDecode, canonicalEncode, fromHex, toHex, utf8 } from './codec.js';
import { isAddress, publicKeyOf, verifySr25519 } from './crypto.js';
import type { StakeMoveCall } from './stake-moves.js';

/** `System.remark` / `remark_with_event` (bytes as 0x-hex). */
export type RemarkCall = { pallet: 'System'; method: 'remark' | 'remark_with_event'; args: { remark: string } };

/**
 * What the engine applies: a `ChainCall`, a remark, or a Substrate `Utility` batch of those (the
 * devnet submits batches and remarks; in-process callers use `ChainCall`s).
 */
export type EngineCall =
  | ChainCall
  | RemarkCall
  | StakeMoveCall
  | { pallet: 'Utility'; method: 'batch' | 'batch_all' | 'force_batch'; args: { calls: (ChainCall | RemarkCall)[] } };

/** A signed extrinsic of the local chain (our encoding: canonical JSON, sr25519 over the payload). */
export interface SignedExtrinsic {
  signer: string;
  nonce: number;
  call: EngineCall;
  /** 0x-hex, 64 bytes. */
  signature: string;
}

const address = z.string().refine(isAddress, 'not an SS58-42 address');
const u16 = z.number().int().min(0).max(65535);
const u32 = z.number().int().min(0).max(0xffff_ffff);
const u64 = z.bigint().min(0n).max(0xffff_ffff_ffff_ffffn);
const netuid = u16;
const u16Vec = z.array(u16).max(65535);
/** BoundedVec<u8, 5000> as 0x-hex. */
const timelockCommit = z.string().regex(/^0x(?:[0-9a-fA-F]{2}){0,5000}$/, 'not 0x-hex of at most 5000 bytes');

/** Remark bytes as 0x-hex (bounded by the block length on the chain; 64 KiB here). */
const remarkBytes = z.string().regex(/^0x(?:[0-9a-fA-F]{2}){0,65536}$/, 'not 0x-hex of at most 65536 bytes');

const callSchema = z.discriminatedUnion('method', [
  z.object({
    pallet: z.literal('Balances'),
    method: z.literal('transfer_keep_alive'),
    args: z.object({ dest: address, value: u64 }).strict(),
  }),
  z.object({
    pallet: z.literal('Balances'),
    method: z.literal('transfer_allow_death'),
    args: z.object({ dest: address, value: u64 }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('register_network'),
    args: z.object({ hotkey: address }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('burned_register'),
    args: z.object({ netuid, hotkey: address }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('serve_axon'),
    args: z
      .object({
        netuid,
        version: u32,
        ip: z.string().max(64),
        port: u16,
        ipType: z.number().int().min(0).max(255),
        protocol: z.number().int().min(0).max(255),
      })
      .strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('set_weights'),
    args: z.object({ netuid, dests: u16Vec, weights: u16Vec, versionKey: u64 }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('commit_weights'),
    args: z.object({ netuid, commitHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/) }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('reveal_weights'),
    args: z.object({ netuid, uids: u16Vec, values: u16Vec, salt: u16Vec, versionKey: u64 }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('commit_timelocked_weights'),
    args: z.object({ netuid, commit: timelockCommit, revealRound: u64, commitRevealVersion: u16 }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('commit_timelocked_mechanism_weights'),
    args: z
      .object({
        netuid,
        mecid: z.number().int().min(0).max(255),
        commit: timelockCommit,
        revealRound: u64,
        commitRevealVersion: u16,
      })
      .strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('add_stake'),
    args: z.object({ hotkey: address, netuid, amountStaked: u64 }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('remove_stake'),
    args: z.object({ hotkey: address, netuid, amountUnstaked: u64 }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('start_call'),
    args: z.object({ netuid }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('set_subnet_identity'),
    // byte length is the chain's rule, checked when applied (InvalidIdentity)
    args: z.object({ netuid, name: z.string().max(1024) }).strict(),
  }),
  z.object({
    pallet: z.literal('AdminUtils'),
    method: z.literal('set_hyperparameter'),
    args: z
      .object({ netuid, name: z.string().min(1).max(64), value: z.union([z.bigint(), z.number(), z.boolean()]) })
      .strict(),
  }),
  z.object({
    pallet: z.literal('System'),
    method: z.literal('remark'),
    args: z.object({ remark: remarkBytes }).strict(),
  }),
  z.object({
    pallet: z.literal('System'),
    method: z.literal('remark_with_event'),
    args: z.object({ remark: remarkBytes }).strict(),
  }),
]);

/** pallet-utility's `batched_calls_limit` is far larger; this bounds one extrinsic's work. */
const MAX_BATCH = 1024;
const alphaAmount = u64;
const engineCallSchema = z.union([
  callSchema,
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('move_stake'),
    args: z
      .object({
        originHotkey: address,
        destinationHotkey: address,
        originNetuid: netuid,
        destinationNetuid: netuid,
        alphaAmount,
      })
      .strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('transfer_stake'),
    args: z
      .object({
        destinationColdkey: address,
        hotkey: address,
        originNetuid: netuid,
        destinationNetuid: netuid,
        alphaAmount,
      })
      .strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('swap_stake'),
    args: z.object({ hotkey: address, originNetuid: netuid, destinationNetuid: netuid, alphaAmount }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('unstake_all'),
    args: z.object({ hotkey: address }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('register_network_with_identity'),
    args: z.object({ hotkey: address, name: z.string().max(1024).optional() }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('add_stake_limit'),
    args: z.object({ hotkey: address, netuid, amountStaked: u64, limitPrice: u64, allowPartial: z.boolean() }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('remove_stake_limit'),
    args: z
      .object({ hotkey: address, netuid, amountUnstaked: u64, limitPrice: u64, allowPartial: z.boolean() })
      .strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('set_children'),
    // at most 5 children is a chain rule (TooManyChildren), checked in the engine; this bounds the input
    args: z.object({ hotkey: address, netuid, children: z.array(z.tuple([u64, address])).max(64) }).strict(),
  }),
  z.object({
    pallet: z.literal('SubtensorModule'),
    method: z.literal('set_childkey_take'),
    args: z.object({ hotkey: address, netuid, take: u16 }).strict(),
  }),
  z.object({
    pallet: z.literal('Utility'),
    method: z.enum(['batch', 'batch_all', 'force_batch']),
    args: z.object({ calls: z.array(callSchema).max(MAX_BATCH) }).strict(),
  }),
]);

/** Validates a call's shape (types, ranges, addresses); throws SK_CHAIN_BAD_INPUT. */
export function parseCall(call: unknown): EngineCall {
  const r = engineCallSchema.safeParse(call);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new SubnetkitError(
      'SK_CHAIN_BAD_INPUT',
      `malformed call: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
      {
        chainError: 'BadRequest',
      },
    );
  }
  return r.data as EngineCall;
}

/** The bytes a signer signs: canonical JSON of (genesis hash, signer, nonce, call). */
export function signingPayload(genesisHash: string, signer: string, nonce: number, call: EngineCall): Uint8Array {
  return utf8(canonicalEncode({ call, genesisHash, nonce, signer, v: 1 }));
}

/** Signs a call for the local chain. */
export function signExtrinsic(signer: Signer, genesisHash: string, nonce: number, call: EngineCall): SignedExtrinsic {
  const sig = signer.sign(signingPayload(genesisHash, signer.address, nonce, call));
  return { signer: signer.address, nonce, call, signature: toHex(sig) };
}

/** Wire bytes of a signed extrinsic. */
export function encodeExtrinsic(x: SignedExtrinsic): Uint8Array {
  return utf8(canonicalEncode(x));
}

const envelope = z
  .object({
    signer: address,
    nonce: z.number().int().min(0).max(0xffff_ffff),
    call: z.unknown(),
    signature: z.string(),
  })
  .strict();

/**
 * Decodes and checks a signed extrinsic: shape, call, sr25519 signature over the payload bound to
 * this genesis. Throws SK_CHAIN_BAD_INPUT or SK_CHAIN_BAD_SIGNATURE.
 */
export function decodeAndVerify(input: Uint8Array | SignedExtrinsic | unknown, genesisHash: string): SignedExtrinsic {
  let raw: unknown = input;
  if (input instanceof Uint8Array) {
    try {
      raw = canonicalDecode(Buffer.from(input).toString('utf8'));
    } catch (cause) {
      throw new SubnetkitError(
        'SK_CHAIN_BAD_INPUT',
        'extrinsic bytes are not a local-chain extrinsic',
        { chainError: 'BadRequest' },
        { cause },
      );
    }
  }
  const env = envelope.safeParse(raw);
  if (!env.success) {
    throw new SubnetkitError('SK_CHAIN_BAD_INPUT', 'malformed extrinsic envelope', { chainError: 'BadRequest' });
  }
  const call = parseCall(env.data.call);
  const sig = fromHex(env.data.signature, 64);
  const pk = publicKeyOf(env.data.signer);
  if (!sig || !pk || !verifySr25519(signingPayload(genesisHash, env.data.signer, env.data.nonce, call), sig, pk)) {
    throw new SubnetkitError(
      'SK_CHAIN_BAD_SIGNATURE',
      'the extrinsic signature does not verify for its signer and this chain',
      {
        chainError: 'BadProof',
        signer: env.data.signer,
      },
    );
  }
  return { signer: env.data.signer, nonce: env.data.nonce, call, signature: env.data.signature };
}
