import { sha256 } from '@noble/hashes/sha2.js';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { bls, FR_ORDER } from './curve.js';
import { identityPoint, toRound } from './identity.js';
import { bytesOf, g1FromBytes, g2FromBytes } from './points.js';

const R_ORDER = FR_ORDER;

/** A drand pulse as pallet_drand stores it: randomness = SHA-256(signature). */
export interface Pulse {
  round: bigint;
  randomness: Uint8Array;
  /** 48 bytes, compressed G1. */
  signature: Uint8Array;
}

/**
 * The latest round a beacon with this genesis and period has published at `time` (drand numbers
 * rounds from 1 at genesis: round n at genesis + (n−1)·period). 0 before genesis.
 */
export function latestRound(time: number, genesisTime: number, period: number): number {
  if (time < genesisTime) return 0;
  return Math.floor((time - genesisTime) / period) + 1;
}

/** Checks a beacon signature as pallet_drand's verifier does: e(sig, g2) = e(H(round), pk). */
export function verifyBeaconSignature(
  publicKey: Uint8Array | string,
  round: number | bigint,
  signature: Uint8Array | string,
): boolean {
  let pk: ReturnType<typeof g2FromBytes>;
  let sig: ReturnType<typeof g1FromBytes>;
  try {
    pk = g2FromBytes(bytesOf(publicKey, 'public key'));
    sig = g1FromBytes(bytesOf(signature, 'signature'));
  } catch {
    return false;
  }
  const lhs = bls().pairing(sig, bls().G2.ProjectivePoint.BASE);
  const rhs = bls().pairing(identityPoint(toRound(round)), pk);
  return bls().fields.Fp12.eql(lhs, rhs);
}

/**
 * A single-key stand-in for drand on a local chain: the same scheme as quicknet (signatures on
 * G1 over SHA-256(u64be(round)), key on G2), so ciphertexts made for it decrypt exactly like
 * quicknet ones. Unlike drand it is one key, not a threshold group: whoever holds the seed can
 * open any round early, which is fine for a development chain and nothing else.
 */
export class LocalBeacon {
  readonly #sk: bigint;
  #publicKey: Uint8Array | undefined;

  /** `seed`: any bytes; the key is derived from them (so a chain can re-derive it from its genesis). */
  constructor(seed: Uint8Array) {
    if (seed.length === 0) throw new SubnetkitError('SK_TIMELOCK_BAD_INPUT', 'the beacon seed is empty', {});
    const wide = Buffer.concat([sha256(Buffer.concat([Buffer.from('subnetkit-beacon/0'), seed])), sha256(seed)]);
    this.#sk = (BigInt(`0x${wide.toString('hex')}`) % (R_ORDER - 1n)) + 1n;
  }

  /** G2 key, 96 bytes compressed (computed on first use: a G2 multiplication is not free). */
  get publicKey(): Uint8Array {
    this.#publicKey ??= bls().G2.ProjectivePoint.BASE.multiply(this.#sk).toRawBytes(true);
    return this.#publicKey;
  }

  /** The signature of a round (deterministic, so a pulse can be recomputed instead of stored). */
  sign(round: number | bigint): Uint8Array {
    return identityPoint(toRound(round)).multiply(this.#sk).toRawBytes(true);
  }

  pulse(round: number | bigint): Pulse {
    const signature = this.sign(round);
    return { round: toRound(round), randomness: sha256(signature), signature };
  }

  /** Never prints the key. */
  toJSON(): { publicKey: string } {
    return { publicKey: Buffer.from(this.publicKey).toString('hex') };
  }
}
