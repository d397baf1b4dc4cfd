import { sha256 } from '@noble/hashes/sha2.js';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { bls } from './curve.js';
import type { G1 } from './points.js';
import { QUICKNET_DST } from './quicknet.js';

const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** Checks a drand round number (u64 on chain) and returns it as bigint. */
export function toRound(round: number | bigint): bigint {
  const r = typeof round === 'bigint' ? round : Number.isSafeInteger(round) ? BigInt(round) : -1n;
  if (r < 0n || r > U64_MAX) {
    throw new SubnetkitError('SK_TIMELOCK_BAD_INPUT', `round ${String(round)} is not a u64`, {});
  }
  return r;
}

/** The message drand signs for a round and tle uses as identity: SHA-256 of the round as u64 big-endian. */
export function roundMessage(round: number | bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, toRound(round), false);
  return sha256(bytes);
}

/** The identity point of a round: hash_to_curve_G1(roundMessage(round)) with quicknet's DST. */
export function identityPoint(round: number | bigint): G1 {
  // noble returns its projective G1 point class typed as the narrower H2CPoint
  return bls().G1.hashToCurve(roundMessage(round), { DST: QUICKNET_DST }) as unknown as G1;
}
