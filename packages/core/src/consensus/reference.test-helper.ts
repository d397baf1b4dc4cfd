/**
 * A straightforward Yuma epoch for tests: consensus.md §4 step by step, every value a `bigint`
 * raw, every operation the spec's (fixed.ts), no fast paths, no typed arrays, no caches. Slow on
 * purpose: property tests compare `runEpoch` against it. Not part of the package.
 */
import { alphaSigmoid, I32F32, I64F64, i64f64ToI32f32 } from './fixed.js';
import { stakeWeights } from './stake.js';
import type { EpochInput, EpochOutput, SparseRowU16 } from './types.js';

type Row = [number, bigint][];
const U64_MAX = (1n << 64n) - 1n;
const ONE = 1n << 32n;
const { add, sub, mul, div } = I32F32;
const fx = (k: number | bigint): bigint => I32F32.fromInt(k);
const u16p = (k: number): bigint => div(fx(k), fx(65535));
const pu16 = (x: bigint): number => I32F32.toU16(mul(x, fx(65535)));
const sum = (v: readonly bigint[]): bigint => v.reduce((s, x) => s + x, 0n);
const normalize = (v: readonly bigint[]): bigint[] => {
  const s = sum(v);
  return s === 0n ? [...v] : v.map((x) => div(x, s));
};
const at = <T>(xs: readonly T[], i: number, fill: T): T => (i < xs.length ? (xs[i] as T) : fill);

/** `col_normalize` over columns < n (entries keep their positions). */
function colNormalize(m: Row[], n: number): Row[] {
  const s = new Array<bigint>(n).fill(0n);
  for (const row of m) for (const [j, v] of row) if (j < n) s[j] = add(s[j] as bigint, v);
  return m.map((row) => row.map(([j, v]) => [j, j < n && s[j] !== 0n ? div(v, s[j] as bigint) : v]));
}

/** Fixed-rate EMA: dense accumulation, ascending columns, positive values. */
function fixedEma(newM: Row[], oldM: Row[], n: number, alpha: bigint): Row[] {
  return newM.map((row, i) => {
    const acc = new Array<bigint>(n).fill(0n);
    for (const [j, v] of row) if (j < n) acc[j] = add(acc[j] as bigint, mul(alpha, v));
    for (const [j, v] of oldM[i] as Row) if (j < n) acc[j] = add(acc[j] as bigint, mul(sub(ONE, alpha), v));
    const out: Row = [];
    acc.forEach((v, j) => {
      if (v > 0n) out.push([j, v]);
    });
    return out;
  });
}

/** The chain's forward walk over a row (consensus.md §4.11): value at every column < n. */
function walk(row: Row, n: number): bigint[] {
  const out = new Array<bigint>(n).fill(0n);
  let p = 0;
  for (let j = 0; j < n; j++) {
    while (p < row.length && (row[p] as [number, bigint])[0] < j) p++;
    out[j] = p < row.length && (row[p] as [number, bigint])[0] === j ? (row[p] as [number, bigint])[1] : 0n;
  }
  return out;
}

function weightedMedian(stake: bigint[], score: bigint[], minority: bigint, stakeSum: bigint): bigint {
  let part = score.map((_, k) => k);
  let lo = 0n;
  let hi = stakeSum;
  for (;;) {
    if (part.length === 0) return 0n;
    if (part.length === 1) return score[part[0] as number] as bigint;
    const pivot = score[part[part.length >> 1] as number] as bigint;
    const lower = part.filter((k) => (score[k] as bigint) < pivot);
    const upper = part.filter((k) => (score[k] as bigint) > pivot);
    const loStake = lower.reduce((s, k) => add(s, stake[k] as bigint), 0n);
    const hiStake = upper.reduce((s, k) => add(s, stake[k] as bigint), 0n);
    if (minority < add(lo, loStake) && lower.length > 0) {
      part = lower;
      hi = add(lo, loStake);
    } else if (sub(hi, hiStake) <= minority && upper.length > 0) {
      part = upper;
      lo = sub(hi, hiStake);
    } else return pivot;
  }
}

/** One epoch, spec-literal; the storage-visible fields of `EpochOutput` (no intermediates). */
export function referenceEpoch(input: EpochInput): EpochOutput {
  const { n, block, hyperparameters: hp } = input;
  const owner = input.ownerUid !== null && input.ownerUid < n ? input.ownerUid : -1;
  const uids = Array.from({ length: n }, (_, i) => i);
  const reg = (j: number): bigint => (j < n ? at(input.blockAtRegistration, j, 0n) : 0n);

  // 4.1
  const c = (BigInt(hp.activityCutoffFactorMilli) * BigInt(hp.tempo)) / 1000n;
  const cutoff = hp.activityCutoffBlocks ?? (c < 1n ? 1n : c);
  const active = uids.map((i) => {
    const u = at(input.lastUpdate, i, 0n) + cutoff;
    return !((u > U64_MAX ? U64_MAX : u) < block);
  });
  // 4.2
  const S = stakeWeights(
    uids.map((i) => at(input.stake, i, 0n)),
    uids.map((i) => at(input.taoStake, i, 0n)),
    hp.taoWeight,
  );
  const stakeRawU64 = S.map((s) => I64F64.toU64(s));
  const F = S.map((s, i) => (i !== owner && (stakeRawU64[i] as bigint) < hp.stakeThreshold ? 0n : s));
  const fsum = sum(F);
  const stake = F.map((f) => i64f64ToI32f32(fsum === 0n ? f : I64F64.div(f, fsum)));
  // 4.3
  const permitOld = uids.map((i) => i === owner || at(input.validatorPermit, i, false));
  const permitNew = stake.map((s) => s !== 0n);
  if (n >= hp.maxAllowedValidators) {
    const order = [...uids].sort((a, b) =>
      (stake[a] as bigint) < (stake[b] as bigint) ? -1 : stake[a] === stake[b] ? 0 : 1,
    );
    for (let t = 0; t < n - hp.maxAllowedValidators; t++) permitNew[order[t] as number] = false;
  }
  if (owner >= 0) permitNew[owner] = true;
  // 4.4
  const activeStake = normalize(stake.map((s, i) => (active[i] && permitOld[i] ? s : 0n)));
  // 4.5
  const commitOf = (i: number): bigint => at(input.commitBlock, i, null) ?? U64_MAX;
  const W: Row[] = uids.map((i) => {
    if (!permitOld[i]) return [];
    const row: Row = at(input.weights, i, [] as SparseRowU16)
      .filter(([j]) => j < n)
      .filter(([j]) => j !== i || i === owner)
      .filter(([j]) => !(at(input.lastUpdate, i, 0n) <= reg(j)))
      .filter(([j]) => !(hp.commitReveal && commitOf(i) < reg(j)))
      .map(([j, w]) => [j, fx(w)]);
    const s = sum(row.map(([, v]) => v));
    return s > 0n ? row.map(([j, v]) => [j, div(v, s)]) : row;
  });
  // 4.6
  const staked = uids.filter((i) => (activeStake[i] as bigint) > 0n);
  const useStake = normalize(staked.map((i) => activeStake[i] as bigint));
  const stakeSum = sum(useStake);
  const minority = sub(stakeSum, u16p(hp.kappa));
  const consensus = uids.map((j) => {
    if (staked.length === 0) return 0n;
    const score = staked.map((i) => {
      let v = 0n;
      for (const [jj, w] of W[i] as Row) if (jj === j) v = w;
      return v;
    });
    return weightedMedian(useStake, score, minority, stakeSum);
  });
  // 4.7
  const Wc: Row[] = W.map((row) =>
    row.flatMap(([j, w]): Row => {
      const cj = consensus[j] as bigint;
      if (cj < w) return cj > 0n ? [[j, cj]] : [];
      return [[j, w]];
    }),
  );
  const validatorTrust = Wc.map((row) => sum(row.map(([, v]) => v)));
  // 4.8
  const rank = new Array<bigint>(n).fill(0n);
  Wc.forEach((row, i) => {
    for (const [j, v] of row) rank[j] = add(rank[j] as bigint, mul(activeStake[i] as bigint, v));
  });
  const incentive = normalize(rank);
  // 4.9
  const beta = u16p(hp.bondsPenalty);
  const Wb: Row[] =
    beta === 0n
      ? W
      : beta === ONE
        ? Wc
        : W.map((row, i) => {
            const w = new Array<bigint>(n).fill(0n);
            const wc = new Array<bigint>(n).fill(0n);
            for (const [j, v] of row) w[j] = v;
            for (const [j, v] of Wc[i] as Row) wc[j] = v;
            const out: Row = [];
            for (let j = 0; j < n; j++) {
              const x = add(w[j] as bigint, mul(beta, sub(wc[j] as bigint, w[j] as bigint)));
              if (x > 0n) out.push([j, x]);
            }
            return out;
          });
  // 4.10
  let lastTempo: bigint;
  if (hp.lastMechanismStepBlock === 0n) lastTempo = block - BigInt(hp.tempo) < 0n ? 0n : block - BigInt(hp.tempo);
  else lastTempo = hp.lastMechanismStepBlock + 1n > U64_MAX ? U64_MAX : hp.lastMechanismStepBlock + 1n;
  const fresh = (row: SparseRowU16): SparseRowU16 => row.filter(([j]) => !(lastTempo <= reg(j)));
  const storedBonds = uids.map((i) => fresh(at(input.bonds, i, [] as SparseRowU16)));
  const bma64 = I64F64.div(I64F64.fromInt(hp.bondsMovingAverage), I64F64.fromInt(1_000_000n));
  const alpha = sub(ONE, i64f64ToI32f32(bma64));
  let bondsOut: Row[];
  let dividends: bigint[];
  if (hp.yuma3) {
    // 4.11
    const B: Row[] = storedBonds.map((row) => row.map(([j, b]) => [j, div(fx(b), fx(65535))]));
    let ema: Row[];
    if (hp.liquidAlpha && consensus.some((x) => x !== 0n)) {
      const lo = u16p(hp.alphaLow);
      const hi = u16p(hp.alphaHigh);
      const k = fx(hp.alphaSigmoidSteepness);
      ema = uids.map((i) => {
        const w = walk(Wb[i] as Row, n);
        const b = walk(B[i] as Row, n);
        const a = uids.map((j) => alphaSigmoid(consensus[j] as bigint, w[j] as bigint, b[j] as bigint, lo, hi, k));
        const decayed = new Array<bigint>(n).fill(0n);
        for (const [j, v] of B[i] as Row) if (j < n) decayed[j] = mul(sub(ONE, a[j] as bigint), v);
        const out: Row = [];
        for (const [j, v] of Wb[i] as Row) {
          if (j >= n) continue;
          const inc = mul(a[j] as bigint, v);
          const val = add(decayed[j] as bigint, inc > 0n ? inc : 0n);
          const capped = val < ONE ? val : ONE;
          if (capped > 0n) out.push([j, capped]);
        }
        return out;
      });
    } else ema = fixedEma(Wb, B, n, alpha);
    const N = colNormalize(ema, n);
    const d = N.map((row, i) => {
      let tb = 0n;
      for (const [j, v] of row) if (j < n) tb += mul(v, incentive[j] as bigint);
      return I32F32.checkedMul(tb, activeStake[i] as bigint) ?? 0n;
    });
    dividends = normalize(d);
    bondsOut = ema;
  } else {
    // 4.12
    const B = colNormalize(
      storedBonds.map((row) => row.filter(([j]) => j < n).map(([j, b]): [number, bigint] => [j, fx(b)])),
      n,
    );
    const delta = colNormalize(
      Wb.map((row, i) => row.map(([j, w]) => [j, mul(w, activeStake[i] as bigint)])),
      n,
    );
    const ema = colNormalize(fixedEma(delta, B, n, alpha), n);
    dividends = normalize(
      ema.map((row) => row.reduce((d, [j, v]) => add(d, mul(j < n ? (incentive[j] as bigint) : 0n, v)), 0n)),
    );
    const max = new Array<bigint>(n).fill(0n);
    for (const row of ema) for (const [j, v] of row) if (j < n && (max[j] as bigint) < v) max[j] = v;
    bondsOut = ema.map((row) => row.map(([j, v]) => [j, j < n && max[j] !== 0n ? div(v, max[j] as bigint) : v]));
  }
  // 4.13
  const combined = uids.map((i) => add(incentive[i] as bigint, dividends[i] as bigint));
  const E = sum(combined);
  let nse = E === 0n ? [...incentive] : incentive.map((x) => div(x, E));
  let nve = E === 0n ? [...dividends] : dividends.map((x) => div(x, E));
  let nce = normalize(combined);
  if (E === 0n) {
    const base = sum(activeStake) === 0n ? stake : activeStake;
    nve = [...base];
    nce = [...base];
  }
  nse = nse.slice();
  const rao = (x: bigint): bigint => {
    const r = (x * input.emission) >> 32n;
    return r < 0n ? 0n : r > U64_MAX ? U64_MAX : r;
  };
  // 4.14
  return {
    n,
    activityCutoff: cutoff,
    lastTempo,
    active,
    stakeRawU64,
    stakeWeightU16: stake.map(pu16),
    validatorPermitOld: permitOld,
    validatorPermitNew: permitNew,
    consensusU16: consensus.map(pu16),
    validatorTrustU16: validatorTrust.map(pu16),
    incentiveU16: incentive.map(pu16),
    dividendsU16: dividends.map(pu16),
    bondsU16: bondsOut.map((row, i) => (permitNew[i] ? row.map(([j, v]): [number, number] => [j, pu16(v)]) : [])),
    serverEmission: nse.map(rao),
    validatorEmission: nve.map(rao),
    emission: nce.map(rao),
    rankU16: new Array<number>(n).fill(0),
    trustU16: new Array<number>(n).fill(0),
    pruningScoreU16: new Array<number>(n).fill(65535),
  };
}
