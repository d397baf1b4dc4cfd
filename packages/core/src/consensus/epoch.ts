/**
 * The Yuma Consensus epoch (consensus.md §4), bit-exact with subtensor's `epoch_mechanism`.
 *
 * Sparse matrices are CSR (row pointers, column indices, values) with entries kept in the order
 * each step defines. I32F32 values are number raws (see `fast-fixed.ts` for why that is exact);
 * u64/I64F64 quantities (stake, blocks, rao) stay `bigint` and cost O(n), not O(weights).
 */

import { divI32, intRatioI32, mulI32, ONE_N, proportionToU16N, u16ToProportionN } from './fast-fixed.js';
import { alphaFromDiff, I32F32, I64F64, i64f64ToI32f32 } from './fixed.js';
import { columnConsensus } from './median.js';
import { scratchF64, scratchI32 } from './scratch.js';
import { stakeWeights } from './stake.js';
import type { EpochHyperparameters, EpochInput, EpochIntermediates, EpochOutput, SparseRowU16 } from './types.js';

/** Options of `runEpoch`. */
export interface RunEpochOptions {
  /** Also return the intermediate vectors and matrices (slower; for debugging and records). */
  intermediates?: boolean;
}

const U64_MAX = (1n << 64n) - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A sparse matrix in CSR form; `ptr` has rows + 1 entries. */
interface Csr {
  ptr: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/** Growable CSR builder (rows appended in order). */
class CsrBuilder {
  private col: Int32Array;
  private val: Float64Array;
  private len = 0;
  readonly ptr: Int32Array;
  private row = 0;

  /** With `slot`, the entry arrays come from the epoch's reusable buffers (see scratch.ts). */
  constructor(rows: number, capacity: number, slot?: string) {
    this.ptr = new Int32Array(rows + 1);
    const size = Math.max(16, capacity);
    this.col = slot ? scratchI32(`${slot}.col`, size) : new Int32Array(size);
    this.val = slot ? scratchF64(`${slot}.val`, size) : new Float64Array(size);
  }

  push(j: number, v: number): void {
    if (this.len === this.col.length) {
      const c = new Int32Array(this.len * 2);
      c.set(this.col);
      this.col = c;
      const v2 = new Float64Array(this.len * 2);
      v2.set(this.val);
      this.val = v2;
    }
    this.col[this.len] = j;
    this.val[this.len++] = v;
  }

  /** Rewrites the value at flat position `p` (row normalisation after the fact). */
  setVal(p: number, v: number): void {
    this.val[p] = v;
  }

  valAt(p: number): number {
    return this.val[p] as number;
  }

  endRow(): void {
    this.ptr[++this.row] = this.len;
  }

  finish(): Csr {
    return { ptr: this.ptr, col: this.col.subarray(0, this.len), val: this.val.subarray(0, this.len) };
  }
}

function csrToRows(m: Csr, rows: number): SparseRowU16[] {
  const out: SparseRowU16[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    const row: [number, number][] = [];
    for (let p = m.ptr[i] as number; p < (m.ptr[i + 1] as number); p++)
      row.push([m.col[p] as number, m.val[p] as number]);
    out[i] = row;
  }
  return out;
}

/**
 * Maps u64 block numbers to numbers that compare the same way: the values themselves when all are
 * below 2^53 (always, in practice), otherwise their ranks among all values.
 */
function comparableBlocks(groups: bigint[][]): number[][] {
  let small = true;
  for (const g of groups) for (const v of g) if (v > MAX_SAFE) small = false;
  if (small) return groups.map((g) => g.map(Number));
  const sorted = [...new Set(groups.flat())].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Map<bigint, number>(sorted.map((v, i) => [v, i]));
  return groups.map((g) => g.map((v) => rank.get(v) as number));
}

function pad<T>(xs: readonly T[] | undefined, n: number, fill: T): T[] {
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = xs !== undefined && i < xs.length ? (xs[i] as T) : fill;
  return out;
}

/** I32F32 `normalize` in place on number raws: unchanged when the sum is 0. */
function normalizeInPlace(x: Float64Array): void {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] as number;
  if (s === 0) return;
  for (let i = 0; i < x.length; i++) x[i] = divI32(x[i] as number, s);
}

/** `col_normalize` in place over columns < n. */
function colNormalize(m: Csr, n: number): void {
  const sums = new Float64Array(n);
  for (let p = 0; p < m.col.length; p++) {
    const j = m.col[p] as number;
    if (j < n) sums[j] = (sums[j] as number) + (m.val[p] as number);
  }
  for (let p = 0; p < m.col.length; p++) {
    const j = m.col[p] as number;
    const s = j < n ? (sums[j] as number) : 0;
    if (s !== 0) m.val[p] = divI32(m.val[p] as number, s);
  }
}

/** `col_max_upscale` in place over columns < n. */
function colMaxUpscale(m: Csr, n: number): void {
  const max = new Float64Array(n);
  for (let p = 0; p < m.col.length; p++) {
    const j = m.col[p] as number;
    if (j < n && (max[j] as number) < (m.val[p] as number)) max[j] = m.val[p] as number;
  }
  for (let p = 0; p < m.col.length; p++) {
    const j = m.col[p] as number;
    const s = j < n ? (max[j] as number) : 0;
    if (s !== 0) m.val[p] = divI32(m.val[p] as number, s);
  }
}

/** True when `col[a…b)` is strictly ascending and below n (no duplicates, no out-of-range). */
function isAscending(col: Int32Array, a: number, b: number, n: number): boolean {
  let prev = -1;
  for (let p = a; p < b; p++) {
    const j = col[p] as number;
    if (j <= prev) return false;
    prev = j;
  }
  return prev < n;
}

/** Scratch for dense-by-touch row work: values indexed by column plus the list of touched columns. */
class RowScratch {
  readonly a: Float64Array;
  readonly b: Float64Array;
  private readonly mark: Uint8Array;
  private touchedBuf: Int32Array;
  count = 0;

  constructor(n: number) {
    this.a = new Float64Array(n);
    this.b = new Float64Array(n);
    this.mark = new Uint8Array(n);
    this.touchedBuf = new Int32Array(Math.max(16, Math.min(n, 1024)));
  }

  touch(j: number): void {
    if (this.mark[j] === 1) return;
    this.mark[j] = 1;
    if (this.count === this.touchedBuf.length) {
      const t = new Int32Array(this.count * 2);
      t.set(this.touchedBuf);
      this.touchedBuf = t;
    }
    this.touchedBuf[this.count++] = j;
  }

  /** Touched columns in ascending order. */
  sorted(): Int32Array {
    return this.touchedBuf.subarray(0, this.count).sort();
  }

  reset(): void {
    for (let t = 0; t < this.count; t++) {
      const j = this.touchedBuf[t] as number;
      this.mark[j] = 0;
      this.a[j] = 0;
      this.b[j] = 0;
    }
    this.count = 0;
  }
}

/** The activity cutoff in blocks (consensus.md §4.1). */
export function activityCutoff(hp: EpochHyperparameters): bigint {
  if (hp.activityCutoffBlocks !== null) return hp.activityCutoffBlocks;
  const c = (BigInt(hp.activityCutoffFactorMilli) * BigInt(hp.tempo)) / 1000n;
  return c < 1n ? 1n : c;
}

/** `last_tempo` for the stale-bond mask (consensus.md §4.10). */
export function lastTempo(hp: EpochHyperparameters, block: bigint): bigint {
  if (hp.lastMechanismStepBlock === 0n) {
    const t = block - BigInt(hp.tempo);
    return t < 0n ? 0n : t;
  }
  const t = hp.lastMechanismStepBlock + 1n;
  return t > U64_MAX ? U64_MAX : t;
}

/** `α` of the fixed-rate bonds EMA: `1 − BondsMovingAverage / 10^6` (I64F64 ratio floored to I32F32). */
export function fixedBondsAlpha(bondsMovingAverage: bigint): number {
  const bma64 = I64F64.div(I64F64.fromInt(bondsMovingAverage), I64F64.fromInt(1_000_000n));
  return Number(I32F32.sub(1n << 32n, i64f64ToI32f32(bma64)));
}

let u16Table: Float64Array | undefined;
/** `u16p(k)` for every u16, built once: bonds read it per entry. */
function u16Proportions(): Float64Array {
  if (u16Table === undefined) {
    u16Table = new Float64Array(65536);
    for (let k = 0; k < 65536; k++) u16Table[k] = u16ToProportionN(k);
  }
  return u16Table;
}

/**
 * Block numbers as numbers that compare the same way. Fast path: every value below 2^53, with
 * "no commit" (u64::MAX) as Infinity; otherwise ranks among all values (`comparableBlocks`).
 */
function blockNumbers(
  n: number,
  lastUpdate: readonly bigint[],
  bar: readonly bigint[],
  commitIn: readonly (bigint | null)[],
  lt: bigint,
): [Float64Array, Float64Array, Float64Array, number] {
  const lu = new Float64Array(n);
  const reg = new Float64Array(n);
  const commit = new Float64Array(n);
  let small = lt <= MAX_SAFE;
  for (let i = 0; i < n && small; i++) {
    const u = i < lastUpdate.length ? (lastUpdate[i] as bigint) : 0n;
    const r = i < bar.length ? (bar[i] as bigint) : 0n;
    const c = i < commitIn.length ? commitIn[i] : null;
    if (u > MAX_SAFE || r > MAX_SAFE || (c !== null && c !== undefined && c > MAX_SAFE)) small = false;
    lu[i] = Number(u);
    reg[i] = Number(r);
    commit[i] = c === null || c === undefined ? Number.POSITIVE_INFINITY : Number(c);
  }
  if (small) return [lu, reg, commit, Number(lt)];
  const commitBig = pad<bigint | null>(commitIn, n, null).map((c) => (c === null ? U64_MAX : c));
  const [a, b, c, d] = comparableBlocks([pad(lastUpdate, n, 0n), pad(bar, n, 0n), commitBig, [lt]]) as [
    number[],
    number[],
    number[],
    number[],
  ];
  return [Float64Array.from(a), Float64Array.from(b), Float64Array.from(c), d[0] as number];
}

function raoOf(x: number, emission: bigint): bigint {
  if (x <= 0 || emission === 0n) return 0n;
  const r = (BigInt(x) * emission) >> 32n;
  return r > U64_MAX ? U64_MAX : r;
}

/**
 * Runs one Yuma Consensus epoch over a subnet's state and returns what the chain stores and pays.
 *
 * @example
 * const out = runEpoch({ n: 2, block: 1000n, emission: 10n ** 9n, ownerUid: null,
 *   hyperparameters: DEFAULT_EPOCH_HYPERPARAMETERS, stake: [10n ** 9n, 0n], taoStake: [],
 *   weights: [[[1, 65535]], []], bonds: [], validatorPermit: [true, false], lastUpdate: [999n, 999n],
 *   blockAtRegistration: [1n, 1n], commitBlock: [] });
 */
export function runEpoch(input: EpochInput, options: RunEpochOptions = {}): EpochOutput {
  const n = input.n;
  const hp = input.hyperparameters;
  const block = input.block;
  const cutoff = activityCutoff(hp);
  const lt = lastTempo(hp, block);
  const owner = input.ownerUid !== null && input.ownerUid < n ? input.ownerUid : -1;

  // ---- 4.1 activity
  const [lastUpdate, bar, commit, lastTempoC] = blockNumbers(
    n,
    input.lastUpdate,
    input.blockAtRegistration,
    input.commitBlock,
    lt,
  );
  // inactive ⇔ min(last_update + cutoff, u64::MAX) < block ⇔ last_update < block − cutoff
  const threshold = block - cutoff;
  const active = new Array<boolean>(n);
  if (threshold <= MAX_SAFE && threshold >= -MAX_SAFE) {
    const thr = Number(threshold);
    for (let i = 0; i < n; i++) {
      const u = i < input.lastUpdate.length ? (input.lastUpdate[i] as bigint) : 0n;
      active[i] = u > MAX_SAFE ? true : !(Number(u) < thr);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const u = (i < input.lastUpdate.length ? (input.lastUpdate[i] as bigint) : 0n) + cutoff;
      active[i] = !((u > U64_MAX ? U64_MAX : u) < block);
    }
  }

  // ---- 4.2 stake
  const s64 = stakeWeights(pad(input.stake, n, 0n), pad(input.taoStake, n, 0n), hp.taoWeight);
  const stakeRawU64 = s64.map((s) => I64F64.toU64(s));
  const filtered = s64.map((s, i) => (i !== owner && (stakeRawU64[i] as bigint) < hp.stakeThreshold ? 0n : s));
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

  // ---- 4.3 permits
  const permitOld = pad(input.validatorPermit, n, false);
  if (owner >= 0) permitOld[owner] = true;
  const permitNew = new Array<boolean>(n);
  for (let i = 0; i < n; i++) permitNew[i] = stake[i] !== 0;
  const k = hp.maxAllowedValidators;
  if (n >= k) {
    // ascending stake, ties by uid (a stable sort): sort keys stake·n + uid natively when exact
    let maxStake = 0;
    let minStake = 0;
    for (let i = 0; i < n; i++) {
      const x = stake[i] as number;
      if (x > maxStake) maxStake = x;
      if (x < minStake) minStake = x;
    }
    if (minStake >= 0 && (maxStake + 1) * n < Number.MAX_SAFE_INTEGER) {
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = (stake[i] as number) * n + i;
      keys.sort();
      for (let t = 0; t < n - k; t++) permitNew[(keys[t] as number) % n] = false;
    } else {
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (stake[a] as number) - (stake[b] as number));
      for (let t = 0; t < n - k; t++) permitNew[order[t] as number] = false;
    }
  }
  if (owner >= 0) permitNew[owner] = true;

  // ---- 4.4 active stake
  const activeStake = new Float64Array(n);
  for (let i = 0; i < n; i++) activeStake[i] = active[i] && permitOld[i] ? (stake[i] as number) : 0;
  normalizeInPlace(activeStake);

  // ---- 4.5 weights and masks, then row normalisation
  const rowsIn = input.weights;
  let cap = 0;
  for (let i = 0; i < n && i < rowsIn.length; i++) if (permitOld[i]) cap += (rowsIn[i] as SparseRowU16).length;
  const wPtr = new Int32Array(n + 1);
  const wCol = scratchI32('w.col', cap);
  const wVal = scratchF64('w.val', cap);
  let len = 0;
  const commitMasks = hp.commitReveal;
  for (let i = 0; i < n; i++) {
    const row = permitOld[i] ? rowsIn[i] : undefined;
    if (row !== undefined && row.length > 0) {
      const lu = lastUpdate[i] as number;
      const cb = commit[i] as number;
      const start = len;
      let sum = 0;
      for (let t = 0; t < row.length; t++) {
        const e = row[t] as [number, number];
        const j = e[0];
        if (!(j >= 0 && j < n)) continue;
        if (j === i && i !== owner) continue;
        const reg = bar[j] as number;
        if (lu <= reg) continue;
        if (commitMasks && cb < reg) continue;
        const w = e[1];
        wCol[len] = j;
        wVal[len++] = w;
        sum += w;
      }
      if (sum > 0) for (let p = start; p < len; p++) wVal[p] = intRatioI32(wVal[p] as number, sum);
    }
    wPtr[i + 1] = len;
  }
  const W: Csr = { ptr: wPtr, col: wCol.subarray(0, len), val: wVal.subarray(0, len) };

  // ---- 4.6 consensus
  const kappa = u16ToProportionN(hp.kappa);
  const useIndex = new Int32Array(n).fill(-1);
  let m = 0;
  for (let i = 0; i < n; i++) if ((activeStake[i] as number) > 0) useIndex[i] = m++;
  const useStake = new Float64Array(m);
  for (let i = 0; i < n; i++)
    if ((useIndex[i] as number) >= 0) useStake[useIndex[i] as number] = activeStake[i] as number;
  normalizeInPlace(useStake);
  let stakeSum = 0;
  for (let t = 0; t < m; t++) stakeSum += useStake[t] as number;
  const consensus = columnConsensus(n, W.ptr, W.col, W.val, useIndex, m, useStake, stakeSum - kappa, stakeSum);

  // ---- 4.7 clipping and validator trust; 4.8 ranks (one pass over the rows)
  const cPtr = new Int32Array(n + 1);
  const cCol = scratchI32('c.col', len);
  const cVal = scratchF64('c.val', len);
  let clen = 0;
  const validatorTrust = new Float64Array(n);
  const rank = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = activeStake[i] as number;
    let t = 0;
    const start = clen;
    for (let p = wPtr[i] as number; p < (wPtr[i + 1] as number); p++) {
      const j = wCol[p] as number;
      const w = wVal[p] as number;
      const c = consensus[j] as number;
      const v = Math.min(c, w);
      // a weight clipped to a zero consensus leaves the row
      if (c < w && !(c > 0)) continue;
      cCol[clen] = j;
      cVal[clen++] = v;
      t += v;
    }
    validatorTrust[i] = t;
    cPtr[i + 1] = clen;
    // rows without active stake add nothing to ranks
    if (s !== 0)
      for (let q = start; q < clen; q++) {
        const j = cCol[q] as number;
        rank[j] = (rank[j] as number) + mulI32(s, cVal[q] as number);
      }
  }
  const Wc: Csr = { ptr: cPtr, col: cCol.subarray(0, clen), val: cVal.subarray(0, clen) };

  // ---- 4.8 incentive
  const rankBits = options.intermediates ? Array.from(rank) : [];
  const incentive = rank;
  normalizeInPlace(incentive);

  // ---- 4.9 weights for bonds
  const beta = u16ToProportionN(hp.bondsPenalty);
  const scratch = new RowScratch(n);
  let Wb: Csr;
  if (beta === 0) Wb = W;
  else if (beta === ONE_N) Wb = Wc;
  else {
    const bb = new CsrBuilder(n, W.col.length, 'wb');
    for (let i = 0; i < n; i++) {
      const p0 = W.ptr[i] as number;
      const p1 = W.ptr[i + 1] as number;
      const q0 = Wc.ptr[i] as number;
      const q1 = Wc.ptr[i + 1] as number;
      if (p0 !== p1 || q0 !== q1) {
        for (let p = p0; p < p1; p++) {
          const j = W.col[p] as number;
          scratch.touch(j);
          scratch.a[j] = W.val[p] as number;
        }
        for (let q = q0; q < q1; q++) {
          const j = Wc.col[q] as number;
          scratch.touch(j);
          scratch.b[j] = Wc.val[q] as number;
        }
        for (const j of scratch.sorted()) {
          const v1 = scratch.a[j] as number;
          const x = v1 + mulI32(beta, (scratch.b[j] as number) - v1);
          if (x > 0) bb.push(j, x);
        }
        scratch.reset();
      }
      bb.endRow();
    }
    Wb = bb.finish();
  }

  // ---- 4.10 – 4.12 bonds and dividends
  const bondsIn = input.bonds;
  const alpha = fixedBondsAlpha(hp.bondsMovingAverage);
  const oneMinusAlpha = ONE_N - alpha;
  const dividends = new Float64Array(n);
  let bondsOut: Csr;

  /** Fixed-rate EMA rows: α·new + (1 − α)·old, dense over touched columns, ascending. */
  const fixedEma = (newM: Csr, oldM: Csr): Csr => {
    const eb = new CsrBuilder(n, newM.col.length + oldM.col.length, 'ema');
    for (let i = 0; i < n; i++) {
      const p0 = newM.ptr[i] as number;
      const p1 = newM.ptr[i + 1] as number;
      const q0 = oldM.ptr[i] as number;
      const q1 = oldM.ptr[i + 1] as number;
      if (isAscending(newM.col, p0, p1, n) && isAscending(oldM.col, q0, q1, n)) {
        // common case: both rows sorted, so a linear merge gives the ascending dense order
        let p = p0;
        let q = q0;
        while (p < p1 || q < q1) {
          const jp = p < p1 ? (newM.col[p] as number) : n;
          const jq = q < q1 ? (oldM.col[q] as number) : n;
          let v = 0;
          let j: number;
          if (jp <= jq) {
            j = jp;
            v = mulI32(alpha, newM.val[p++] as number);
            if (jq === jp) v += mulI32(oneMinusAlpha, oldM.val[q++] as number);
          } else {
            j = jq;
            v = mulI32(oneMinusAlpha, oldM.val[q++] as number);
          }
          if (v > 0) eb.push(j, v);
        }
      } else if (p0 !== p1 || q0 !== q1) {
        for (let p = p0; p < p1; p++) {
          const j = newM.col[p] as number;
          if (j >= n) continue;
          scratch.touch(j);
          scratch.a[j] = (scratch.a[j] as number) + mulI32(alpha, newM.val[p] as number);
        }
        for (let q = q0; q < q1; q++) {
          const j = oldM.col[q] as number;
          if (j >= n) continue;
          scratch.touch(j);
          scratch.a[j] = (scratch.a[j] as number) + mulI32(oneMinusAlpha, oldM.val[q] as number);
        }
        for (const j of scratch.sorted()) {
          const v = scratch.a[j] as number;
          if (v > 0) eb.push(j, v);
        }
        scratch.reset();
      }
      eb.endRow();
    }
    return eb.finish();
  };

  /** Stored bonds after the stale mask, as proportions (Yuma3) or as integers (legacy). */
  const readBonds = (asProportion: boolean): Csr => {
    let total = 0;
    for (let i = 0; i < n && i < bondsIn.length; i++) total += (bondsIn[i] as SparseRowU16).length;
    const ptr = new Int32Array(n + 1);
    const col = scratchI32('b.col', total);
    const val = scratchF64('b.val', total);
    const table = u16Proportions();
    let len = 0;
    // BlockAtRegistration reads 0 beyond n; only the Yuma3 liquid-alpha walk can see such entries
    const keepBeyondN = asProportion && lt > 0n;
    for (let i = 0; i < n; i++) {
      const row = bondsIn[i];
      if (row !== undefined) {
        for (let t = 0; t < row.length; t++) {
          const e = row[t] as [number, number];
          const j = e[0];
          if (j < n) {
            if (lastTempoC <= (bar[j] as number)) continue;
          } else if (!keepBeyondN) continue;
          const b = e[1];
          col[len] = j;
          val[len++] = asProportion
            ? b >= 0 && b <= 65535 && b === (b | 0)
              ? (table[b] as number)
              : u16ToProportionN(b)
            : b;
        }
      }
      ptr[i + 1] = len;
    }
    return { ptr, col: col.subarray(0, len), val: val.subarray(0, len) };
  };

  if (hp.yuma3) {
    // out-of-range bonds only matter to the liquid-alpha walk, which stops at them
    const B = readBonds(true);
    let anyConsensus = false;
    for (let j = 0; j < n; j++) if (consensus[j] !== 0) anyConsensus = true;
    let ema: Csr;
    if (hp.liquidAlpha && anyConsensus) ema = liquidAlphaEma(n, Wb, B, consensus, hp, scratch);
    else ema = fixedEma(Wb, B);
    bondsOut = ema;
    // dividends from column-normalised EMA bonds (normalised on the fly; rows without active stake
    // get mul(·, 0) = 0 and are skipped)
    const colSum = new Float64Array(n);
    for (let p = 0; p < ema.col.length; p++) {
      const j = ema.col[p] as number;
      if (j < n) colSum[j] = (colSum[j] as number) + (ema.val[p] as number);
    }
    for (let i = 0; i < n; i++) {
      const a = activeStake[i] as number;
      if (a === 0) continue;
      let tb = 0;
      for (let p = ema.ptr[i] as number; p < (ema.ptr[i + 1] as number); p++) {
        const j = ema.col[p] as number;
        const v = ema.val[p] as number;
        const cs = j < n ? (colSum[j] as number) : 0;
        tb += mulI32(cs !== 0 ? divI32(v, cs) : v, incentive[j] as number);
      }
      dividends[i] = mulI32(tb, a);
    }
    normalizeInPlace(dividends);
  } else {
    // legacy Yuma: bonds read as integers and column-normalised (exact integer ratios)
    const Bint = readBonds(false);
    const colSum = new Float64Array(n);
    for (let p = 0; p < Bint.col.length; p++) {
      const j = Bint.col[p] as number;
      colSum[j] = (colSum[j] as number) + (Bint.val[p] as number);
    }
    for (let p = 0; p < Bint.col.length; p++) {
      Bint.val[p] = intRatioI32(Bint.val[p] as number, colSum[Bint.col[p] as number] as number);
    }
    const delta: Csr = { ptr: Wb.ptr, col: Wb.col, val: scratchF64('delta.val', Wb.val.length) };
    for (let i = 0; i < n; i++) {
      const s = activeStake[i] as number;
      for (let p = Wb.ptr[i] as number; p < (Wb.ptr[i + 1] as number); p++)
        delta.val[p] = mulI32(Wb.val[p] as number, s);
    }
    colNormalize(delta, n);
    const ema = fixedEma(delta, Bint);
    colNormalize(ema, n);
    for (let i = 0; i < n; i++) {
      let d = 0;
      for (let p = ema.ptr[i] as number; p < (ema.ptr[i + 1] as number); p++) {
        d += mulI32(incentive[ema.col[p] as number] as number, ema.val[p] as number);
      }
      dividends[i] = d;
    }
    normalizeInPlace(dividends);
    colMaxUpscale(ema, n);
    bondsOut = ema;
  }

  // ---- 4.13 emission
  const combined = new Float64Array(n);
  let emissionSum = 0;
  for (let i = 0; i < n; i++) {
    combined[i] = (incentive[i] as number) + (dividends[i] as number);
    emissionSum += combined[i] as number;
  }
  const nse = incentive.slice();
  let nve = dividends.slice();
  let nce = combined.slice();
  if (emissionSum !== 0) {
    for (let i = 0; i < n; i++) {
      nse[i] = divI32(incentive[i] as number, emissionSum);
      nve[i] = divI32(dividends[i] as number, emissionSum);
    }
  }
  normalizeInPlace(nce);
  if (emissionSum === 0) {
    let activeSum = 0;
    for (let i = 0; i < n; i++) activeSum += activeStake[i] as number;
    const base = activeSum === 0 ? stake : activeStake;
    nve = base.slice();
    nce = base.slice();
  }
  const serverEmission = new Array<bigint>(n);
  const validatorEmission = new Array<bigint>(n);
  const emission = new Array<bigint>(n);
  for (let i = 0; i < n; i++) {
    serverEmission[i] = raoOf(nse[i] as number, input.emission);
    validatorEmission[i] = raoOf(nve[i] as number, input.emission);
    emission[i] = raoOf(nce[i] as number, input.emission);
  }

  // ---- 4.14 outputs
  const toU16 = (v: Float64Array): number[] => {
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = proportionToU16N(v[i] as number);
    return out;
  };
  const bondsU16: SparseRowU16[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (permitNew[i]) {
      const p0 = bondsOut.ptr[i] as number;
      const row: SparseRowU16 = new Array((bondsOut.ptr[i + 1] as number) - p0);
      for (let t = 0; t < row.length; t++) {
        const x = bondsOut.val[p0 + t] as number;
        // proportionToU16N, inline: this loop makes one tuple per stored bond
        const u = x <= 0 ? 0 : x > 17179869184 ? 65535 : Math.min(Math.floor((x * 65535) / ONE_N), 65535);
        row[t] = [bondsOut.col[p0 + t] as number, u];
      }
      bondsU16[i] = row;
    } else {
      bondsU16[i] = [];
    }
  }

  const output: EpochOutput = {
    n,
    activityCutoff: cutoff,
    lastTempo: lt,
    active,
    stakeRawU64,
    stakeWeightU16: toU16(stake),
    validatorPermitOld: permitOld,
    validatorPermitNew: permitNew,
    consensusU16: toU16(consensus),
    validatorTrustU16: toU16(validatorTrust),
    incentiveU16: toU16(incentive),
    dividendsU16: toU16(dividends),
    bondsU16,
    serverEmission,
    validatorEmission,
    emission,
    rankU16: new Array<number>(n).fill(0),
    trustU16: new Array<number>(n).fill(0),
    pruningScoreU16: new Array<number>(n).fill(65535),
  };
  if (options.intermediates) {
    const intermediates: EpochIntermediates = {
      stakeBits: Array.from(stake),
      activeStakeBits: Array.from(activeStake),
      weightsBits: csrToRows(W, n),
      clippedWeightsBits: csrToRows(Wc, n),
      weightsForBondsBits: csrToRows(Wb, n),
      consensusBits: Array.from(consensus),
      validatorTrustBits: Array.from(validatorTrust),
      rankBits,
      incentiveBits: Array.from(incentive),
      dividendsBits: Array.from(dividends),
      emaBondsBits: csrToRows(bondsOut, n),
      normalizedServerEmissionBits: Array.from(nse),
      normalizedValidatorEmissionBits: Array.from(nve),
      normalizedCombinedEmissionBits: Array.from(nce),
    };
    output.intermediates = intermediates;
  }
  return output;
}

/**
 * Yuma3 EMA with liquid alpha (consensus.md §4.11): a per-cell rate from the sigmoid, looked up
 * with the chain's forward walk over each row (which skips entries that follow a larger column).
 */
function liquidAlphaEma(
  n: number,
  Wb: Csr,
  B: Csr,
  consensus: Float64Array,
  hp: EpochHyperparameters,
  scratch: RowScratch,
): Csr {
  const lo = BigInt(u16ToProportionN(hp.alphaLow));
  const hi = BigInt(u16ToProportionN(hp.alphaHigh));
  const steep = I32F32.fromInt(hp.alphaSigmoidSteepness);
  // the sigmoid depends only on the chosen difference, so cache by it
  const cache = new Map<number, number>();
  // runs of equal differences are common (every weight at or under consensus gives 0): a one-entry
  // memo in front of the map
  let lastD = -1;
  let lastA = 0;
  const rate = (c: number, w: number, b: number): number => {
    let d: number;
    if (w >= b) d = w - c;
    else d = b - w;
    d = d < 0 ? 0 : Math.min(d, ONE_N);
    if (d === lastD) return lastA;
    let a = cache.get(d);
    if (a === undefined) {
      a = Number(alphaFromDiff(BigInt(d), lo, hi, steep));
      cache.set(d, a);
    }
    lastD = d;
    lastA = a;
    return a;
  };
  const eb = new CsrBuilder(n, Wb.col.length, 'ema');
  const decayed = scratch.b;
  const rates = scratch.a;
  for (let i = 0; i < n; i++) {
    const p0 = Wb.ptr[i] as number;
    const p1 = Wb.ptr[i + 1] as number;
    if (p0 === p1) {
      eb.endRow(); // only cells the weights row lists survive
      continue;
    }
    const q0 = B.ptr[i] as number;
    const q1 = B.ptr[i + 1] as number;
    if (isAscending(Wb.col, p0, p1, n) && isAscending(B.col, q0, q1, n)) {
      // common case: both rows sorted, so the walk is a merge and each listed cell is found once
      let q = q0;
      for (let p = p0; p < p1; p++) {
        const j = Wb.col[p] as number;
        const w = Wb.val[p] as number;
        while (q < q1 && (B.col[q] as number) < j) q++;
        const has = q < q1 && B.col[q] === j;
        const b = has ? (B.val[q] as number) : 0;
        const r = rate(consensus[j] as number, w, b);
        const inc = mulI32(r, w);
        let v = (has ? mulI32(ONE_N - r, b) : 0) + Math.max(inc, 0);
        if (v > ONE_N) v = ONE_N;
        if (v > 0) eb.push(j, v);
      }
      eb.endRow();
      continue;
    }
    for (let p = p0; p < p1; p++) scratch.touch(Wb.col[p] as number);
    for (let q = q0; q < q1; q++) {
      const j = B.col[q] as number;
      if (j < n) scratch.touch(j);
    }
    // forward walks at the needed columns (ascending), one over each row
    let pw = p0;
    let pb = q0;
    for (const j of scratch.sorted()) {
      while (pw < p1 && (Wb.col[pw] as number) < j) pw++;
      const w = pw < p1 && Wb.col[pw] === j ? (Wb.val[pw] as number) : 0;
      while (pb < q1 && (B.col[pb] as number) < j) pb++;
      const b = pb < q1 && B.col[pb] === j ? (B.val[pb] as number) : 0;
      rates[j] = rate(consensus[j] as number, w, b);
    }
    for (let q = q0; q < q1; q++) {
      const j = B.col[q] as number;
      if (j < n) decayed[j] = mulI32(ONE_N - (rates[j] as number), B.val[q] as number);
    }
    for (let p = p0; p < p1; p++) {
      const j = Wb.col[p] as number;
      const inc = mulI32(rates[j] as number, Wb.val[p] as number);
      let v = (decayed[j] as number) + Math.max(inc, 0);
      if (v > ONE_N) v = ONE_N;
      if (v > 0) eb.push(j, v);
    }
    scratch.reset();
    eb.endRow();
  }
  return eb.finish();
}
