/** §4.11 Yuma3 bonds (fixed-rate or liquid-alpha EMA) and dividends. */
import { type Csr, columnSums, isAscending, normalizeInPlace, type RowScratch } from '../csr.js';
import { divShareBy, mulI32, ONE_N, u16ToProportionN } from '../fast-fixed.js';
import { alphaFromDiff, I32F32 } from '../fixed.js';
import { scratchF64, scratchI32 } from '../scratch.js';
import type { EpochHyperparameters } from '../types.js';
import { fixedBondsAlpha, fixedRateEma } from './ema.js';

/** The Yuma3 EMA bonds: liquid alpha when on and some consensus is non-zero, else the fixed rate. */
export function yuma3Bonds(
  Wb: Csr,
  B: Csr,
  consensus: Float64Array,
  hp: EpochHyperparameters,
  scratch: RowScratch,
): Csr {
  let anyConsensus = false;
  for (let j = 0; j < consensus.length; j++) if (consensus[j] !== 0) anyConsensus = true;
  if (hp.liquidAlpha && anyConsensus) return liquidAlphaEma(Wb, B, consensus, hp, scratch);
  return fixedRateEma(Wb, B, fixedBondsAlpha(hp.bondsMovingAverage), scratch);
}

/**
 * The liquid-alpha EMA: a per-cell rate from the sigmoid, looked up with the chain's forward walk
 * over each row (which skips entries that follow a larger column). Only cells Wb lists survive,
 * in Wb's order.
 */
export function liquidAlphaEma(
  Wb: Csr,
  B: Csr,
  consensus: Float64Array,
  hp: EpochHyperparameters,
  scratch: RowScratch,
): Csr {
  const n = consensus.length;
  const lo = BigInt(u16ToProportionN(hp.alphaLow));
  const hi = BigInt(u16ToProportionN(hp.alphaHigh));
  const steep = I32F32.fromInt(hp.alphaSigmoidSteepness);
  // the sigmoid depends only on the chosen difference, so cache by it
  const cache = new Map<number, number>();
  const sigmoidOf = (d: number): number => {
    let a = cache.get(d);
    if (a === undefined) {
      a = Number(alphaFromDiff(BigInt(d), lo, hi, steep));
      cache.set(d, a);
    }
    return a;
  };
  // a difference of 0 is the common case (every weight at or under consensus and over its bond):
  // its rate is held in a constant, with no map lookup and no state written per cell. The loops
  // below compute the difference inline (`d = w ≥ b ? w − c : b − w`, rate at 0 when d ≤ 0):
  // a closure made per call would be a new call target each epoch and never be inlined.
  const rateAtZero = sigmoidOf(0);
  // only cells the weights row lists survive, so Wb's size bounds the output
  const ptr = new Int32Array(n + 1);
  const col = scratchI32('ema.col', Wb.col.length);
  const val = scratchF64('ema.val', Wb.col.length);
  let len = 0;
  const wCol = Wb.col;
  const wVal = Wb.val;
  const bCol = B.col;
  const bVal = B.val;
  const decayed = scratch.b;
  const rates = scratch.a;
  for (let i = 0; i < n; i++) {
    const p0 = Wb.ptr[i] as number;
    const p1 = Wb.ptr[i + 1] as number;
    const q0 = B.ptr[i] as number;
    const q1 = B.ptr[i + 1] as number;
    if (p0 === p1) {
      // nothing survives
    } else if (isAscending(wCol, p0, p1, n) && isAscending(bCol, q0, q1, n)) {
      // common case: both rows sorted, so the walk is a merge and each listed cell is found once
      let q = q0;
      for (let p = p0; p < p1; p++) {
        const j = wCol[p] as number;
        const w = wVal[p] as number;
        while (q < q1 && (bCol[q] as number) < j) q++;
        const has = q < q1 && bCol[q] === j;
        const b = has ? (bVal[q] as number) : 0;
        const d = w >= b ? w - (consensus[j] as number) : b - w;
        const r = d <= 0 ? rateAtZero : sigmoidOf(Math.min(d, ONE_N));
        const inc = mulI32(r, w);
        let v = (has ? mulI32(ONE_N - r, b) : 0) + Math.max(inc, 0);
        if (v > ONE_N) v = ONE_N;
        if (v > 0) {
          col[len] = j;
          val[len++] = v;
        }
      }
    } else {
      for (let p = p0; p < p1; p++) scratch.touch(wCol[p] as number);
      for (let q = q0; q < q1; q++) {
        const j = bCol[q] as number;
        if (j < n) scratch.touch(j);
      }
      // forward walks at the needed columns (ascending), one over each row
      let pw = p0;
      let pb = q0;
      for (const j of scratch.sorted()) {
        while (pw < p1 && (wCol[pw] as number) < j) pw++;
        const w = pw < p1 && wCol[pw] === j ? (wVal[pw] as number) : 0;
        while (pb < q1 && (bCol[pb] as number) < j) pb++;
        const b = pb < q1 && bCol[pb] === j ? (bVal[pb] as number) : 0;
        const d = w >= b ? w - (consensus[j] as number) : b - w;
        rates[j] = d <= 0 ? rateAtZero : sigmoidOf(Math.min(d, ONE_N));
      }
      for (let q = q0; q < q1; q++) {
        const j = bCol[q] as number;
        if (j < n) decayed[j] = mulI32(ONE_N - (rates[j] as number), bVal[q] as number);
      }
      for (let p = p0; p < p1; p++) {
        const j = wCol[p] as number;
        const inc = mulI32(rates[j] as number, wVal[p] as number);
        let v = (decayed[j] as number) + Math.max(inc, 0);
        if (v > ONE_N) v = ONE_N;
        if (v > 0) {
          col[len] = j;
          val[len++] = v;
        }
      }
      scratch.reset();
    }
    ptr[i + 1] = len;
  }
  return { ptr, col: col.subarray(0, len), val: val.subarray(0, len) };
}

/**
 * `dividends = normalize(cmul(Σ_j mul(col_normalize(EMA)_ij, incentive_j), active_stake_i))`,
 * normalising on the fly; rows without active stake give 0 and are skipped.
 */
export function yuma3Dividends(ema: Csr, incentive: Float64Array, activeStake: Float64Array): Float64Array {
  const n = activeStake.length;
  const colSum = columnSums(ema, n);
  // one reciprocal per column: the per-entry share is then a multiplication and a correction
  const colInv = new Float64Array(n);
  for (let j = 0; j < n; j++) colInv[j] = ONE_N / (colSum[j] as number);
  const dividends = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = activeStake[i] as number;
    if (a === 0) continue;
    let tb = 0;
    for (let p = ema.ptr[i] as number; p < (ema.ptr[i + 1] as number); p++) {
      const j = ema.col[p] as number;
      const v = ema.val[p] as number;
      // every EMA value is positive, so it is at most its column's sum
      tb += mulI32(divShareBy(v, colSum[j] as number, colInv[j] as number), incentive[j] as number);
    }
    dividends[i] = mulI32(tb, a);
  }
  normalizeInPlace(dividends);
  return dividends;
}
