/** §4.11 Yuma3 bonds (fixed-rate or liquid-alpha EMA) and dividends. */
import { type Csr, CsrBuilder, columnSums, isAscending, normalizeInPlace, type RowScratch } from '../csr.js';
import { divShare, mulI32, ONE_N, u16ToProportionN } from '../fast-fixed.js';
import { alphaFromDiff, I32F32 } from '../fixed.js';
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

/**
 * `dividends = normalize(cmul(Σ_j mul(col_normalize(EMA)_ij, incentive_j), active_stake_i))`,
 * normalising on the fly; rows without active stake give 0 and are skipped.
 */
export function yuma3Dividends(ema: Csr, incentive: Float64Array, activeStake: Float64Array): Float64Array {
  const n = activeStake.length;
  const colSum = columnSums(ema, n);
  const dividends = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = activeStake[i] as number;
    if (a === 0) continue;
    let tb = 0;
    for (let p = ema.ptr[i] as number; p < (ema.ptr[i + 1] as number); p++) {
      const j = ema.col[p] as number;
      const v = ema.val[p] as number;
      // every EMA value is positive, so it is at most its column's sum
      const cs = colSum[j] as number;
      tb += mulI32(divShare(v, cs), incentive[j] as number);
    }
    dividends[i] = mulI32(tb, a);
  }
  normalizeInPlace(dividends);
  return dividends;
}
