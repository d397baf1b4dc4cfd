/** §4.8 Ranks and incentive. */
import type { Csr } from '../csr.js';
import { normalizeInPlace } from '../csr.js';
import { mulI32 } from '../fast-fixed.js';

/** `rank_j = Σ_i mul(active_stake_i, Wc_ij)` (rows in uid order; rows without stake add 0). */
export function ranks(Wc: Csr, activeStake: Float64Array): Float64Array {
  const n = activeStake.length;
  const rank = new Float64Array(n);
  const { ptr, col, val } = Wc;
  for (let i = 0; i < n; i++) {
    const s = activeStake[i] as number;
    if (s === 0) continue;
    for (let p = ptr[i] as number; p < (ptr[i + 1] as number); p++) {
      const j = col[p] as number;
      rank[j] = (rank[j] as number) + mulI32(s, val[p] as number);
    }
  }
  return rank;
}

/** `incentive = normalize(rank)` (a new vector; ranks are kept for the records). */
export function incentive(rank: Float64Array): Float64Array {
  const out = rank.slice();
  normalizeInPlace(out);
  return out;
}
