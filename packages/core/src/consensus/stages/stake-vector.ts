/** §4.2 Stake vector: stake weights, the threshold filter and the I64F64 normalisation. */
import { I64F64, i64f64ToI32f32 } from '../fixed.js';
import { stakeWeights } from '../stake.js';

export interface StakeVector {
  /** `floor_u64(S_i)` before the filter */
  stakeRawU64: bigint[];
  /** normalised stake, I32F32 raws */
  stake: Float64Array;
}

/**
 * `stake_i = I32F32(normalize64(F)_i)` with `F_i = 0` below the threshold (the owner, `owner ≥ 0`,
 * is exempt). Missing entries read as 0.
 */
export function stakeVector(
  n: number,
  alpha: readonly bigint[],
  root: readonly bigint[],
  taoWeight: bigint,
  stakeThreshold: bigint,
  owner: number,
): StakeVector {
  const a = new Array<bigint>(n);
  const r = new Array<bigint>(n);
  for (let i = 0; i < n; i++) {
    a[i] = i < alpha.length ? (alpha[i] as bigint) : 0n;
    r[i] = i < root.length ? (root[i] as bigint) : 0n;
  }
  const s64 = stakeWeights(a, r, taoWeight);
  const stakeRawU64 = s64.map((s) => I64F64.toU64(s));
  const filtered = s64.map((s, i) => (i !== owner && (stakeRawU64[i] as bigint) < stakeThreshold ? 0n : s));
  let fsum = 0n;
  for (const s of filtered) fsum += s;
  const stake = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const f = filtered[i] as bigint;
    if (fsum !== 0n && f >= 0n && f <= fsum) {
      // floor(floor(f·2^64 / fsum) / 2^32) = floor(f·2^32 / fsum) ≤ 2^32: one division, no saturation
      stake[i] = f === 0n ? 0 : Number((f << 32n) / fsum);
    } else stake[i] = Number(i64f64ToI32f32(fsum === 0n ? f : I64F64.div(f, fsum)));
  }
  return { stakeRawU64, stake };
}
