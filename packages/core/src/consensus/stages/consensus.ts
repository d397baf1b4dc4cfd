/** §4.6 Consensus: the stake-weighted median of each column over the validators with active stake. */
import type { Csr } from '../csr.js';
import { normalizeInPlace } from '../csr.js';
import { u16ToProportionN } from '../fast-fixed.js';
import { columnConsensus } from '../median.js';

/** `consensus_j` for every column of W, with `kappa` the stored u16. */
export function consensus(W: Csr, activeStake: Float64Array, kappa: number): Float64Array {
  const n = activeStake.length;
  const useIndex = new Int32Array(n).fill(-1);
  let m = 0;
  for (let i = 0; i < n; i++) if ((activeStake[i] as number) > 0) useIndex[i] = m++;
  // use_stake is normalised again although active stake already is: it can change low bits
  const useStake = new Float64Array(m);
  for (let i = 0; i < n; i++)
    if ((useIndex[i] as number) >= 0) useStake[useIndex[i] as number] = activeStake[i] as number;
  normalizeInPlace(useStake);
  let stakeSum = 0;
  for (let t = 0; t < m; t++) stakeSum += useStake[t] as number;
  const minority = stakeSum - u16ToProportionN(kappa);
  return columnConsensus(n, W.ptr, W.col, W.val, useIndex, m, useStake, minority, stakeSum);
}
