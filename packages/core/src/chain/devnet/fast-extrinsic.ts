/**
 * The common shape of a submitted extrinsic, read straight from its bytes: a v4 signed extrinsic
 * from a `MultiAddress::Id` signer with an sr25519 signature and metadata-hash mode 0, as
 * polkadot-js builds it for spec 343. Decoding it through polkadot-js types costs about as much
 * as verifying its signature; this reader does it in a few microseconds and builds the signing
 * payload from the same bytes. Anything else (other versions, signers, signature schemes,
 * non-canonical compacts, trailing bytes) reads as `null` and takes the registry path, so the
 * fast path only ever accepts what that path accepts, with the same result.
 */

/** The fields of a common-shape signed extrinsic; byte fields are views into the input. */
export interface SignedEnvelope {
  /** The signer's 32-byte account (its sr25519 public key). */
  signer: Uint8Array;
  /** The 64-byte sr25519 signature. */
  signature: Uint8Array;
  /** Null when immortal; else the era's period and phase (Substrate's `Era::Mortal`). */
  mortal: { period: number; phase: number } | null;
  nonce: number;
  tip: bigint;
  /** The call's SCALE bytes. */
  call: Uint8Array;
  /** The signed extra as encoded (era, nonce, tip, mode): part of the signing payload as is. */
  extra: Uint8Array;
}

/** Canonical SCALE compact at `at`: value and end offset, or null (truncated or non-canonical). */
export function readCompact(bytes: Uint8Array, at: number): { value: bigint; end: number } | null {
  const b0 = bytes[at];
  if (b0 === undefined) return null;
  switch (b0 & 3) {
    case 0:
      return { value: BigInt(b0 >> 2), end: at + 1 };
    case 1: {
      if (at + 2 > bytes.length) return null;
      const v = (b0 | ((bytes[at + 1] as number) << 8)) >> 2;
      return v < 64 ? null : { value: BigInt(v), end: at + 2 };
    }
    case 2: {
      if (at + 4 > bytes.length) return null;
      const v =
        ((b0 | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16)) >>> 2) +
        (bytes[at + 3] as number) * 2 ** 22;
      return v < 2 ** 14 ? null : { value: BigInt(v), end: at + 4 };
    }
    default: {
      const len = (b0 >> 2) + 4;
      if (at + 1 + len > bytes.length) return null;
      let v = 0n;
      for (let i = len; i >= 1; i--) v = (v << 8n) | BigInt(bytes[at + i] as number);
      // canonical: no shorter form fits, and the top byte is not zero
      if (v < 2n ** 30n || bytes[at + len] === 0) return null;
      return { value: v, end: at + 1 + len };
    }
  }
}

const SIGNED_V4 = 0x84;
const ADDRESS_ID = 0x00;
const SIG_SR25519 = 0x01;

/** Reads a common-shape signed extrinsic (see the module note), or null for any other shape. */
export function readSignedEnvelope(bytes: Uint8Array): SignedEnvelope | null {
  const len = readCompact(bytes, 0);
  if (!len || len.value !== BigInt(bytes.length - len.end)) return null;
  let at = len.end;
  if (bytes[at++] !== SIGNED_V4 || bytes[at++] !== ADDRESS_ID) return null;
  const signer = bytes.subarray(at, at + 32);
  at += 32;
  if (bytes[at++] !== SIG_SR25519) return null;
  const signature = bytes.subarray(at, at + 64);
  at += 64;
  const extraStart = at;
  let mortal: SignedEnvelope['mortal'] = null;
  if (bytes[at] === 0) at += 1;
  else {
    if (at + 2 > bytes.length) return null;
    // Substrate's Era::Mortal encoding: period = 2^(low 4 bits + 1), phase in the high 12 bits
    const encoded = (bytes[at] as number) | ((bytes[at + 1] as number) << 8);
    const period = 2 << (encoded % 16);
    const phase = (encoded >> 4) * Math.max(period >> 12, 1);
    if (period < 4 || phase >= period) return null;
    mortal = { period, phase };
    at += 2;
  }
  const nonce = readCompact(bytes, at);
  if (!nonce || nonce.value > 0xffff_ffffn) return null;
  const tip = readCompact(bytes, nonce.end);
  if (!tip || tip.value >= 2n ** 64n) return null;
  at = tip.end;
  // CheckMetadataHash mode 0 (disabled): the payload's metadata hash is None
  if (bytes[at++] !== 0) return null;
  if (at >= bytes.length) return null;
  return {
    signer,
    signature,
    mortal,
    nonce: Number(nonce.value),
    tip: tip.value,
    call: bytes.subarray(at),
    extra: bytes.subarray(extraStart, at),
  };
}

/** The block an extrinsic of a mortal era was born at, seen from block `current` (Substrate's `Era::birth`). */
export function eraBirth(mortal: { period: number; phase: number }, current: number): number {
  return Math.floor((Math.max(current, mortal.phase) - mortal.phase) / mortal.period) * mortal.period + mortal.phase;
}

/**
 * The SCALE signing payload: call, signed extra, then the implicit data (spec and transaction
 * version, genesis, the era's checkpoint block, no metadata hash).
 */
export function signingPayload(
  env: SignedEnvelope,
  spec: { specVersion: number; transactionVersion: number },
  genesis: Uint8Array,
  checkpoint: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(env.call.length + env.extra.length + 8 + 64 + 1);
  out.set(env.call, 0);
  let at = env.call.length;
  out.set(env.extra, at);
  at += env.extra.length;
  const view = new DataView(out.buffer);
  view.setUint32(at, spec.specVersion, true);
  view.setUint32(at + 4, spec.transactionVersion, true);
  out.set(genesis, at + 8);
  out.set(checkpoint, at + 40);
  // the last byte stays 0: Option::None
  return out;
}

/**
 * A `Balances.transfer_allow_death` / `transfer_keep_alive` call (call index 0 / 3 of the pallet)
 * to a `MultiAddress::Id` of a `Compact<u64>` value, or null. The devnet's most frequent call,
 * read without the registry.
 */
export function readTransfer(
  call: Uint8Array,
  balancesIndex: number,
): { keepAlive: boolean; dest: Uint8Array; value: bigint } | null {
  if (call[0] !== balancesIndex || (call[1] !== 0 && call[1] !== 3) || call[2] !== ADDRESS_ID) return null;
  if (call.length < 3 + 32 + 1) return null;
  const value = readCompact(call, 35);
  // T::Balance is u64 in subtensor: a larger value does not decode
  if (!value || value.end !== call.length || value.value >= 2n ** 64n) return null;
  return { keepAlive: call[1] === 3, dest: call.subarray(3, 35), value: value.value };
}
