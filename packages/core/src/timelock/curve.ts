import { createRequire } from 'node:module';
import type { bls12_381 } from '@noble/curves/bls12-381.js';

/** The BLS12-381 curve object of @noble/curves. */
export type Bls = typeof bls12_381;

/** r, the order of BLS12-381's scalar field and of G1, G2 and GT (curve.test.ts checks it against noble's). */
export const FR_ORDER = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;

let loaded: Bls | undefined;

/**
 * BLS12-381, built on first use: noble constructs the curve (tower fields, constants) as its module
 * loads, ~0.07 CPU-s that every process importing core paid although only timelocked weights use
 * it. Required through CommonJS so that the synchronous timelock functions stay synchronous.
 */
export function bls(): Bls {
  loaded ??= (createRequire(import.meta.url)('@noble/curves/bls12-381') as { bls12_381: Bls }).bls12_381;
  return loaded;
}
