import { scratchF64, scratchI32 } from './scratch.js';

/**
 * Column consensus (consensus.md §4.6): the stake-weighted median of each column of the weights of
 * staked validators.
 *
 * Why a different pivot gives the same result: subtensor's walk keeps `lo` = stake of the scores
 * below the part and `hi` = `lo` + the part's stake, with `lo ≤ minority < hi` once it has narrowed
 * (all stakes are positive). It returns the pivot p when `C(p) ≤ minority < C(p) + S(p)`, where
 * C(p) is the stake of scores below p and S(p) that of scores equal to p; exactly one score value
 * satisfies that. Outside that range it returns the smallest score (minority < 0) or the largest
 * (minority ≥ stake sum). So the answer depends on the scores and stakes only, and any walk that
 * keeps the same invariant, from any pivots, finds it.
 */

/**
 * Partition buffers for `weightedMedian`, sized for m validators: three (score, stake) pairs that
 * take turns as the lower part, the upper part and the part being split.
 */
export class MedianBuffers {
  readonly score: [Float64Array, Float64Array, Float64Array];
  readonly stake: [Float64Array, Float64Array, Float64Array];
  /** the bracketed middle of a column and the sorted sample that chose the bracket */
  readonly midScore: Float64Array;
  readonly midStake: Float64Array;
  readonly sampleScore = new Float64Array(SAMPLE);
  readonly sampleStake = new Float64Array(SAMPLE);

  constructor(m: number) {
    this.score = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
    this.stake = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
    this.midScore = new Float64Array(m);
    this.midStake = new Float64Array(m);
  }
}

/** Sample size for the bracket, and the columns (validators) from which bracketing pays. */
const SAMPLE = 16;
const BRACKET_MIN = 64;
/** Sample positions either side of the estimated median that bound the bracket. */
const BRACKET_HALF = 2;

/**
 * Stake-weighted median of `score[off + k]` with stakes `stake[k]`, k < m. For wide columns one
 * pass first keeps only the scores between two pivots taken from a small sorted sample around
 * the estimated median (the stake outside counts into `lo` and `hi`); the walk then runs on that
 * middle. When the median falls outside the bracket, the walk runs on the whole column.
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
  if (m >= BRACKET_MIN) {
    const ss = bufs.sampleScore;
    const sk = bufs.sampleStake;
    const step = Math.floor(m / SAMPLE);
    // insertion sort of the sample by score
    let sampleStake = 0;
    for (let t = 0; t < SAMPLE; t++) {
      const v = score[off + t * step] as number;
      const k = stake[t * step] as number;
      sampleStake += k;
      let u = t;
      for (; u > 0 && (ss[u - 1] as number) > v; u--) {
        ss[u] = ss[u - 1] as number;
        sk[u] = sk[u - 1] as number;
      }
      ss[u] = v;
      sk[u] = k;
    }
    // where the sample's stake crosses the minority share
    const target = (minority / stakeSum) * sampleStake;
    let at = 0;
    let cum = sk[0] as number;
    while (at < SAMPLE - 1 && cum <= target) cum += sk[++at] as number;
    const p1 = ss[Math.max(0, at - BRACKET_HALF)] as number;
    const p2 = ss[Math.min(SAMPLE - 1, at + BRACKET_HALF)] as number;
    const ms = bufs.midScore;
    const mk = bufs.midStake;
    let below = 0;
    let middle = 0;
    let nm = 0;
    for (let t = 0; t < m; t++) {
      const v = score[off + t] as number;
      const k = stake[t] as number;
      if (v < p1) below += k;
      else if (v <= p2) {
        middle += k;
        ms[nm] = v;
        mk[nm++] = k;
      }
    }
    // equal scores all fall on one side of each pivot, so the middle holds whole groups
    if (below <= minority && minority < below + middle)
      return walk(ms, 0, mk, nm, minority, below, below + middle, bufs);
  }
  return walk(score, off, stake, m, minority, 0, stakeSum, bufs);
}

/**
 * Subtensor's partition walk over `score[off + k]`, `stake[k]`, k < m, with `lo`/`hi` the stake
 * below the part and up to its end (pivot at the middle of the part, parts keep their order).
 * Each part is copied with its stakes, so the inner loop reads two arrays in order instead of
 * going through indices.
 */
function walk(
  score: Float64Array,
  off: number,
  stake: Float64Array,
  m: number,
  minority: number,
  lo0: number,
  hi0: number,
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
  let lo = lo0;
  let hi = hi0;
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
