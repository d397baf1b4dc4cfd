import { scratchF64, scratchI32 } from './scratch.js';

/**
 * Column consensus (consensus.md §4.6): the stake-weighted median of each column of the weights of
 * staked validators, with subtensor's partition algorithm (same pivots, so the same results).
 */

/**
 * Partition buffers for `weightedMedian`, sized for m validators: three (score, stake) pairs that
 * take turns as the lower part, the upper part and the part being split.
 */
export class MedianBuffers {
  readonly score: [Float64Array, Float64Array, Float64Array];
  readonly stake: [Float64Array, Float64Array, Float64Array];

  constructor(m: number) {
    this.score = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
    this.stake = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
  }
}

/**
 * Stake-weighted median of the scores `score[off + k]` with stakes `stake[k]`, k < m: subtensor's
 * partition walk (pivot at the middle of the part, parts keep their order). Each part is copied
 * with its stakes, so the inner loop reads two arrays in order instead of going through indices.
 */
export function weightedMedian(
  score: Float64Array,
  off: number,
  stake: Float64Array,
  m: number,
  minority: number,
  stakeSum: number,
  bufs: MedianBuffers,
): number {
  const bs = bufs.score;
  const bk = bufs.stake;
  let srcS = score;
  let srcK = stake;
  let base = off;
  let src = -1; // the part being split: the input (-1) or a buffer
  let low = 0;
  let up = 1;
  let free = 2;
  let len = m;
  let lo = 0;
  let hi = stakeSum;
  let narrowings = 0;
  for (;;) {
    if (len === 0) return 0;
    if (len === 1) return srcS[base] as number;
    const pivot = srcS[base + (len >> 1)] as number;
    const ls = bs[low] as Float64Array;
    const lk = bk[low] as Float64Array;
    const us = bs[up] as Float64Array;
    const uk = bk[up] as Float64Array;
    let loStake = 0;
    let hiStake = 0;
    let nl = 0;
    let nu = 0;
    for (let t = 0; t < len; t++) {
      const s = srcS[base + t] as number;
      if (s < pivot) {
        const k = srcK[t] as number;
        loStake += k;
        ls[nl] = s;
        lk[nl++] = k;
      } else if (s > pivot) {
        const k = srcK[t] as number;
        hiStake += k;
        us[nu] = s;
        uk[nu++] = k;
      }
    }
    // the part split last is free again (at the first split, the third buffer is)
    const spare = src >= 0 ? src : free;
    if (minority < lo + loStake && nl > 0) {
      src = low;
      low = spare;
      len = nl;
      hi = lo + loStake;
    } else if (hi - hiStake <= minority && nu > 0) {
      src = up;
      up = spare;
      len = nu;
      lo = hi - hiStake;
    } else {
      return pivot;
    }
    free = -1;
    srcS = bs[src] as Float64Array;
    srcK = bk[src] as Float64Array;
    base = 0;
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
  const bufs = new MedianBuffers(m);
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
          consensus[j0 + b] = weightedMedian(block, b * m, useStake, m, minority, stakeSum, bufs);
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
    consensus[j] = weightedMedian(score, 0, useStake, m, minority, stakeSum, bufs);
    for (let p = a; p < b; p++) score[colK[p] as number] = 0;
  }
  return consensus;
}
