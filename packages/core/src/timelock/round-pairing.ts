import { bls12_381 as bls } from '@noble/curves/bls12-381.js';
import { identityPoint } from './identity.js';
import { type G1, type G2, type Gt, g1FromBytes, g2FromBytes } from './points.js';

const Fp12 = bls.fields.Fp12;

// Validators of a subnet encrypt to the same round under the same beacon key; a handful of
// entries covers every (round, key) in flight, and the bound keeps a long-running node flat.
export const ROUND_PAIRING_CACHE_LIMIT = 16;
const keys = new Map<string, BeaconKey>();
const pairings = new Map<string, Gt>();
const signatures = new Map<string, G1>();

function remember<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= ROUND_PAIRING_CACHE_LIMIT) map.delete(map.keys().next().value as string);
  map.set(key, value);
  return value;
}

export interface BeaconKey {
  hex: string;
  point: G2;
}

/** A validated beacon key, parsed (and subgroup-checked) once per distinct key. */
export function beaconKey(bytes: Uint8Array): BeaconKey {
  const hex = Buffer.from(bytes).toString('hex');
  return keys.get(hex) ?? remember(keys, hex, { hex, point: g2FromBytes(bytes) });
}

/** A validated round signature, parsed (and subgroup-checked) once: a reveal opens many commits with it. */
export function beaconSignature(bytes: Uint8Array): G1 {
  const hex = Buffer.from(bytes).toString('hex');
  return signatures.get(hex) ?? remember(signatures, hex, g1FromBytes(bytes));
}

/**
 * e(H(round), pk), computed once per (round, key). Encryption then needs only e(Q, pk)^r, which
 * equals the textbook e(Q, r·pk) by bilinearity: one GT exponentiation instead of a G2 scalar
 * multiplication and a full pairing.
 */
export function roundPairing(round: bigint, pk: BeaconKey): Gt {
  const id = `${round}:${pk.hex}`;
  return pairings.get(id) ?? remember(pairings, id, bls.pairing(identityPoint(round), pk.point));
}

/**
 * g^e for g in GT (a pairing output, so in the cyclotomic subgroup, where squaring has a cheaper
 * formula): 4-bit fixed window over e's bits.
 */
export function gtPow(g: Gt, e: bigint): Gt {
  const table: Gt[] = [Fp12.ONE, g];
  for (let d = 2; d < 16; d++) table.push(Fp12.mul(table[d - 1] as Gt, g));
  let z = Fp12.ONE;
  let started = false;
  for (let shift = BigInt(Math.ceil(e.toString(2).length / 4) * 4 - 4); shift >= 0n; shift -= 4n) {
    if (started) for (let k = 0; k < 4; k++) z = Fp12._cyclotomicSquare(z);
    const digit = Number((e >> shift) & 15n);
    if (digit !== 0) {
      z = Fp12.mul(z, table[digit] as Gt);
      started = true;
    }
  }
  return z;
}

/** How many keys and round pairings are held (tests check the bound). */
export function roundPairingCacheSizes(): { keys: number; pairings: number; signatures: number } {
  return { keys: keys.size, pairings: pairings.size, signatures: signatures.size };
}

/** Empties the caches (tests compare the cold and the warm path). */
export function clearRoundPairingCache(): void {
  keys.clear();
  pairings.clear();
  signatures.clear();
}
