import { scratchF64, scratchI32 } from './scratch.js';

/**
 * Column consensus (consensus.md §4.6): the stake-weighted median of each column of the weights of
 * staked validators, with subtensor's partition algorithm (same pivots, so the same results).
 */

/** Scratch partition buffers for `weightedMedian`, sized for m validators. */
export type MedianBuffers = [Int32Array, Int32Array, Int32Array];

/** Stake-weighted median of scores `score[base + k]`, k < m, with rotating partition buffers. */
export function weightedMedian(
  stake: Float64Array,
  score: Float64Array,
  base: number,
  m: number,
  minority: number,
  stakeSum: number,
  bufs: MedianBuffers,
): number {
  let part = bufs[0];
  let lower = bufs[1];
  let upper = bufs[2];
  for (let k = 0; k < m; k++) part[k] = k;
  let len = m;
  let lo = 0;
  let hi = stakeSum;
  let narrowings = 0;
  for (;;) {
    if (len === 0) return 0;
    if (len === 1) return score[base + (part[0] as number)] as number;
    const pivot = score[base + (part[len >> 1] as number)] as number;
    let loStake = 0;
    let hiStake = 0;
    let nl = 0;
    let nu = 0;
    for (let t = 0; t < len; t++) {
      const idx = part[t] as number;
      const s = score[base + idx] as number;
      if (s === pivot) continue;
      if (s < pivot) {
        loStake += stake[idx] as number;
        lower[nl++] = idx;
      } else {
        hiStake += stake[idx] as number;
        upper[nu++] = idx;
      }
    }
    if (minority < lo + loStake && nl > 0) {
      const old = part;
      part = lower;
      lower = old;
      len = nl;
      hi = lo + loStake;
    } else if (hi - hiStake <= minority && nu > 0) {
      const old = part;
      part = upper;
      upper = old;
      len = nu;
      lo = hi - hiStake;
    } else {
      return pivot;
    }
    if (++narrowings > m) return 0;
  }
}

/** Dense matrices up to this many cells (8 bytes each) take the dense path. */
const DENSE_CELLS_MAX = 1 << 23;
/** Columns gathered per block on the dense path: one 64-byte cache line of doubles per row. */
const BLOCK = 8;

/**
 * Consensus of every column from the CSR rows of W, counting only rows with `useIndex[i] ≥ 0`
 * (their position among the m staked validators). Within a row, the last entry for a column wins.
 */
export function columnConsensus(
  n: number,
  ptr: Int32Array,
  col: Int32Array,
  val: Float64Array,
  useIndex: Int32Array,
  m: number,
  useStake: Float64Array,
  minority: number,
  stakeSum: number,
): Float64Array {
  const consensus = new Float64Array(n);
  if (m === 0) return consensus;
  const bufs: MedianBuffers = [new Int32Array(m), new Int32Array(m), new Int32Array(m)];
  let nnz = 0;
  for (let i = 0; i < n; i++) if ((useIndex[i] as number) >= 0) nnz += (ptr[i + 1] as number) - (ptr[i] as number);
  if (nnz === 0) return consensus;
  if (m * n <= DENSE_CELLS_MAX && nnz * 4 >= m * n) {
    // dense: rows written in order (sequential), columns read a block at a time (one cache line)
    const rows = scratchF64('dense.rows', m * n).fill(0);
    const touched = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const kk = useIndex[i] as number;
      if (kk < 0) continue;
      const off = kk * n;
      for (let p = ptr[i] as number; p < (ptr[i + 1] as number); p++) {
        const j = col[p] as number;
        rows[off + j] = val[p] as number;
        touched[j] = 1;
      }
    }
    const block = new Float64Array(BLOCK * m);
    for (let j0 = 0; j0 < n; j0 += BLOCK) {
      const width = Math.min(BLOCK, n - j0);
      for (let k = 0; k < m; k++) {
        const off = k * n + j0;
        for (let b = 0; b < width; b++) block[b * m + k] = rows[off + b] as number;
      }
      for (let b = 0; b < width; b++) {
        // an untouched column scores 0 everywhere: its median is 0
        if (touched[j0 + b] === 1)
          consensus[j0 + b] = weightedMedian(useStake, block, b * m, m, minority, stakeSum, bufs);
      }
    }
    return consensus;
  }
  // sparse: transpose the staked rows into columns, keeping row order
  const colPtr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    if ((useIndex[i] as number) < 0) continue;
    for (let p = ptr[i] as number; p < (ptr[i + 1] as number); p++) {
      const j = col[p] as number;
      colPtr[j + 1] = (colPtr[j + 1] as number) + 1;
    }
  }
  for (let j = 0; j < n; j++) colPtr[j + 1] = (colPtr[j + 1] as number) + (colPtr[j] as number);
  const fill = colPtr.slice(0, n);
  const colK = scratchI32('t.col', nnz);
  const colV = scratchF64('t.val', nnz);
  for (let i = 0; i < n; i++) {
    const kk = useIndex[i] as number;
    if (kk < 0) continue;
    for (let p = ptr[i] as number; p < (ptr[i + 1] as number); p++) {
      const j = col[p] as number;
      const at = fill[j] as number;
      fill[j] = at + 1;
      colK[at] = kk;
      colV[at] = val[p] as number;
    }
  }
  const score = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    const a = colPtr[j] as number;
    const b = colPtr[j + 1] as number;
    if (a === b) continue; // all scores 0: the median is 0
    for (let p = a; p < b; p++) score[colK[p] as number] = colV[p] as number;
    consensus[j] = weightedMedian(useStake, score, 0, m, minority, stakeSum, bufs);
    for (let p = a; p < b; p++) score[colK[p] as number] = 0;
  }
  return consensus;
}
