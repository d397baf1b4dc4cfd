import { SubnetkitError } from '../errors/subnetkit-error.js';
import { type Bls, bls } from './curve.js';

export type G1 = InstanceType<Bls['G1']['ProjectivePoint']>;
export type G2 = InstanceType<Bls['G2']['ProjectivePoint']>;
export type Gt = ReturnType<Bls['pairing']>;

/** Parses a compressed, on-curve, in-subgroup G1 point (48 bytes): a beacon signature. */
export function g1FromBytes(bytes: Uint8Array, what = 'signature'): G1 {
  if (bytes.length !== 48) throw bad(`${what} must be 48 bytes (compressed G1), got ${bytes.length}`);
  try {
    const p = bls().G1.ProjectivePoint.fromHex(bytes);
    p.assertValidity();
    if (p.is0()) throw new Error('identity');
    return p;
  } catch {
    throw bad(`${what} is not a valid compressed G1 point`);
  }
}

/** Parses a compressed, on-curve, in-subgroup G2 point (96 bytes): a beacon key or a ciphertext's U. */
export function g2FromBytes(bytes: Uint8Array, what = 'public key'): G2 {
  if (bytes.length !== 96) throw bad(`${what} must be 96 bytes (compressed G2), got ${bytes.length}`);
  try {
    const p = bls().G2.ProjectivePoint.fromHex(bytes);
    p.assertValidity();
    if (p.is0()) throw new Error('identity');
    return p;
  } catch {
    throw bad(`${what} is not a valid compressed G2 point`);
  }
}

/**
 * GT as ark-serialize writes it (576 bytes): the twelve Fp coefficients in tower order
 * (c0.c0.c0, c0.c0.c1, …, c1.c2.c1), each 48-byte little-endian. noble writes the same order
 * big-endian, so every 48-byte chunk is reversed.
 */
export function gtToArkBytes(gt: Gt): Uint8Array {
  const be = bls().fields.Fp12.toBytes(gt);
  const out = new Uint8Array(be.length);
  for (let off = 0; off < be.length; off += 48) {
    for (let i = 0; i < 48; i++) out[off + i] = be[off + 47 - i] as number;
  }
  return out;
}

/** Hex (with or without 0x) or bytes → bytes. */
export function bytesOf(input: Uint8Array | string, what: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  const hex = input.startsWith('0x') ? input.slice(2) : input;
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw bad(`${what} is not hex`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function bad(message: string): SubnetkitError {
  return new SubnetkitError('SK_TIMELOCK_BAD_INPUT', message, {});
}
