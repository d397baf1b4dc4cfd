/**
 * Stake inputs of the epoch (consensus.md §3.2): childkey inheritance in U96F32 and the I64F64
 * stake weight `alpha + tao_weight · root`.
 */
import { I64F64, U96F32 } from './fixed.js';

const U64_MAX = (1n << 64n) - 1n;

/** `TaoWeight` (fraction of 2^64 − 1) as the I64F64 factor the epoch uses. */
export function taoWeightFactor(taoWeight: bigint): bigint {
  const tw = U96F32.div(U96F32.fromInt(taoWeight), U96F32.fromInt(U64_MAX));
  // U96F32 → I64F64: 32 more fractional bits, exact
  return I64F64.saturate(tw << 32n);
}

/** Per-uid stake weight `S_i` (I64F64 raw) from alpha and root stake (u64 rao). */
export function stakeWeights(alpha: readonly bigint[], root: readonly bigint[], taoWeight: bigint): bigint[] {
  const tw = taoWeightFactor(taoWeight);
  const n = Math.max(alpha.length, root.length);
  const out = new Array<bigint>(n);
  for (let i = 0; i < n; i++) {
    const a = I64F64.fromInt(alpha[i] ?? 0n);
    const r = root[i] ?? 0n;
    out[i] = r === 0n || tw === 0n ? a : I64F64.add(a, I64F64.mul(I64F64.fromInt(r), tw));
  }
  return out;
}

/** A childkey link: `parent` gives `proportion / (2^64 − 1)` of its own stake to `child`. */
export interface ChildLink {
  parent: number;
  /** u64 fraction of 2^64 − 1 */
  proportion: bigint;
  child: number;
}

/** Stake after childkey inheritance (U96F32 arithmetic, floored to u64), per uid. */
export function inheritStake(own: readonly bigint[], links: readonly ChildLink[]): bigint[] {
  const n = own.length;
  const toChildren = new Array<bigint>(n).fill(0n);
  const fromParents = new Array<bigint>(n).fill(0n);
  const denom = U96F32.fromInt(U64_MAX);
  for (const { parent, proportion, child } of links) {
    const p = U96F32.div(U96F32.fromInt(proportion), denom);
    const given = U96F32.mul(U96F32.fromInt(own[parent] ?? 0n), p);
    if (parent < n) toChildren[parent] = (toChildren[parent] as bigint) + given;
    if (child < n) fromParents[child] = (fromParents[child] as bigint) + given;
  }
  return own.map((s, i) => {
    const kept = U96F32.sub(U96F32.fromInt(s), toChildren[i] as bigint);
    return U96F32.toU64(U96F32.add(kept, fromParents[i] as bigint));
  });
}
