import { bls, FR_ORDER } from './curve.js';
import { identityPoint } from './identity.js';
import { type G1, type G2, type Gt, g1FromBytes, g2FromBytes } from './points.js';

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
  return pairings.get(id) ?? remember(pairings, id, bls().pairing(identityPoint(round), pk.point));
}

// |x| of BLS12-381 (x = -0xd201000000010000). In GT, p ≡ x (mod r), so the Frobenius map raises
// to the power x and its conjugate (the inverse there) to |x|; and r < |x|^4.
const X = 0xd201000000010000n;
const R = FR_ORDER;

/**
 * g^e for g in GT (a pairing output, so in the cyclotomic subgroup) and e ≥ 0. e is split into four 64-bit
 * digits base |x|, and g^(|x|^i) costs one Frobenius map each, so the power is a 4-way joint
 * exponentiation of 64 bits: 64 cyclotomic squarings (cheaper than general ones) instead of 255.
 */
export function gtPow(g: Gt, e: bigint): Gt {
  const Fp12 = bls().fields.Fp12;
  const bases: Gt[] = [g];
  for (let i = 1; i < 4; i++) bases.push(Fp12.conjugate(Fp12.frobeniusMap(bases[i - 1] as Gt, 1)));
  const digits: bigint[] = [];
  // GT has order r, and r < |x|^4: four digits hold any reduced exponent
  let rest = e % R;
  for (let i = 0; i < 4; i++) {
    digits.push(rest % X);
    rest /= X;
  }
  // table[m] = product of the bases whose bit is set in m
  const table: Gt[] = [Fp12.ONE];
  for (let m = 1; m < 16; m++) {
    const low = m & -m;
    table.push(Fp12.mul(table[m ^ low] as Gt, bases[31 - Math.clz32(low)] as Gt));
  }
  let z = Fp12.ONE;
  let started = false;
  for (let bit = 63n; bit >= 0n; bit--) {
    if (started) z = Fp12._cyclotomicSquare(z);
    let m = 0;
    for (let i = 0; i < 4; i++) if (((digits[i] as bigint) >> bit) & 1n) m |= 1 << i;
    if (m !== 0) {
      z = Fp12.mul(z, table[m] as Gt);
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
