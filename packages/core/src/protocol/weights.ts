/**
 * Client-side weight utilities of the SDK (`bittensor/utils/weight_utils.py`): max-weight
 * normalisation, u16 conversion with round-half-even, and `process_weights`. Pure functions.
 * `dtype: 'float32'` reproduces numpy's float32 arithmetic by rounding after every operation.
 */
import { SubnetkitError } from '../errors/subnetkit-error.js';

/** Largest u16, the chain's weight scale. */
export const U16_MAX = 65_535;

/** Numeric precision the SDK computed in. */
export type WeightDtype = 'float32' | 'float64';

function rounder(dtype: WeightDtype): (x: number) => number {
  return dtype === 'float32' ? Math.fround : (x) => x;
}

function bad(message: string, details: Record<string, unknown> = {}): SubnetkitError {
  return new SubnetkitError('SK_PROTOCOL_BAD_WEIGHTS', message, details);
}

function sum(xs: readonly number[], f: (x: number) => number): number {
  let s = 0;
  for (const x of xs) s = f(s + x);
  return s;
}

/** Python `round()`: round half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round rounds .5 up; step back when that made an odd number from an exact half
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * SDK `normalize_max_weight`: weights summing to 1 with no entry above `limit` (capped entries
 * land just below it because of the 1e-7 epsilon). Order is preserved.
 */
export function normalizeMaxWeight(x: readonly number[], limit = 0.1, dtype: WeightDtype = 'float64'): number[] {
  const f = rounder(dtype);
  const n = x.length;
  if (n === 0) return [];
  const w = x.map(f);
  const eps = f(1e-7);
  const lim = f(limit);
  const total = sum(w, f);
  if (total === 0 || n * lim <= 1) return w.map(() => f(1 / n));
  const values = [...w].sort((a, b) => a - b);
  const vsum = sum(values, f);
  const est = values.map((v) => f(v / vsum));
  if (Math.max(...est) <= lim) return w.map((v) => f(v / total));
  const cumsum: number[] = [];
  let c = 0;
  for (const e of est) {
    c = f(c + e);
    cumsum.push(c);
  }
  let k = 0;
  for (let i = 0; i < n; i++) {
    const s = f((n - i - 1) * (est[i] as number));
    if (f((est[i] as number) / f(f(s + (cumsum[i] as number)) + eps)) < lim) k++;
  }
  const scale = f(f(f(lim * (cumsum[k - 1] ?? 0)) - eps) / f(1 - f(lim * (n - k))));
  const cutoff = f(scale * vsum);
  const clipped = w.map((v) => Math.min(v, cutoff));
  const csum = sum(clipped, f);
  return clipped.map((v) => f(v / csum));
}

/** Result of converting float weights to the chain's u16 form. */
export interface U16Weights {
  readonly uids: number[];
  readonly weights: number[];
}

/**
 * SDK `convert_weights_and_uids_for_emit`: divide by the maximum, scale to 65535, round half to
 * even, drop entries that round to 0. Throws `SK_PROTOCOL_BAD_WEIGHTS` on negative weights or
 * uids, a length mismatch or empty input.
 */
export function convertWeightsAndUidsForEmit(uids: readonly number[], weights: readonly number[]): U16Weights {
  if (weights.some((w) => w < 0 || Number.isNaN(w))) {
    throw bad(`Passed weight is negative cannot exist on chain [${weights.join(', ')}]`);
  }
  if (uids.some((u) => u < 0 || !Number.isInteger(u))) {
    throw bad(`Passed uid is negative cannot exist on chain [${uids.join(', ')}]`);
  }
  if (uids.length !== weights.length) {
    throw bad(`Passed weights and uids must have the same length, got ${uids.length} and ${weights.length}`);
  }
  if (weights.length === 0) throw bad('Passed weights and uids are empty');
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) return { uids: [], weights: [] };
  const max = Math.max(...weights);
  const outU: number[] = [];
  const outW: number[] = [];
  for (let i = 0; i < weights.length; i++) {
    const v = roundHalfEven(((weights[i] as number) / max) * U16_MAX);
    if (v !== 0) {
      outU.push(uids[i] as number);
      outW.push(v);
    }
  }
  return { uids: outU, weights: outW };
}

/** SDK `convert_and_normalize_weights_and_uids`: weights cast to float32 first, then the u16 conversion. */
export function convertAndNormalizeWeightsAndUids(uids: readonly number[], weights: readonly number[]): U16Weights {
  return convertWeightsAndUidsForEmit(uids, weights.map(Math.fround));
}

/** numpy `quantile` default (linear, Hyndman–Fan type 7) of unsorted values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw bad('quantile of an empty list');
  const a = [...values].sort((x, y) => x - y);
  const h = (a.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, a.length - 1);
  const t = h - lo;
  const x = a[lo] as number;
  const y = a[hi] as number;
  // numpy's _lerp: the form depends on t so that t = 1 gives exactly y
  return t >= 0.5 ? y - (y - x) * (1 - t) : x + (y - x) * t;
}

/** Inputs of `processWeights` (the chain parameters come from the subnet's hyperparameters). */
export interface ProcessWeightsInput {
  readonly uids: readonly number[];
  readonly weights: readonly number[];
  readonly numNeurons: number;
  readonly minAllowedWeights: number;
  /** `MaxWeightsLimit / 65535`. */
  readonly maxWeightLimit: number;
  /** In u16 units (0..65535). */
  readonly excludeQuantile?: number;
}

/**
 * SDK `process_weights`: uniform weights when nothing is set or the subnet is too small; padding
 * with 1e-5 when too few weights are non-zero (by position, as the SDK does); otherwise drop the
 * lowest quantile and apply `normalizeMaxWeight` in float32.
 */
export function processWeights(input: ProcessWeightsInput): U16Weights & { dtype: WeightDtype } {
  const { uids, numNeurons: n, minAllowedWeights: minAllowed, maxWeightLimit } = input;
  if (uids.length !== input.weights.length) {
    throw bad(`Passed weights and uids must have the same length, got ${uids.length} and ${input.weights.length}`);
  }
  if (!Number.isInteger(n) || n < 0) throw bad(`numNeurons must be a non-negative integer, got ${n}`);
  const w = input.weights.map(Math.fround);
  const q = (input.excludeQuantile ?? 0) / U16_MAX;
  const nzIdx = w.flatMap((v, i) => (v > 0 ? [i] : []));
  const arange = Array.from({ length: n }, (_, i) => i);
  if (nzIdx.length === 0 || n < minAllowed) {
    return { uids: arange, weights: arange.map(() => 1 / n), dtype: 'float64' };
  }
  if (nzIdx.length < minAllowed) {
    const padded = arange.map(() => 1e-5);
    for (const i of nzIdx) if (i < n) padded[i] = (padded[i] as number) + (w[i] as number);
    return { uids: arange, weights: normalizeMaxWeight(padded, maxWeightLimit, 'float64'), dtype: 'float64' };
  }
  const nzW = nzIdx.map((i) => w[i] as number);
  const nzU = nzIdx.map((i) => uids[i] as number);
  const maxExclude = Math.max(0, nzW.length - minAllowed) / nzW.length;
  const threshold = quantile(nzW, Math.min(q, maxExclude));
  const keptU: number[] = [];
  const keptW: number[] = [];
  for (let i = 0; i < nzW.length; i++) {
    if ((nzW[i] as number) >= threshold) {
      keptU.push(nzU[i] as number);
      keptW.push(nzW[i] as number);
    }
  }
  return { uids: keptU, weights: normalizeMaxWeight(keptW, maxWeightLimit, 'float32'), dtype: 'float32' };
}

/**
 * SDK `convert_maybe_split_to_u16` (mechanism emission split): normalise, scale to 65535 with
 * half-even rounding, then fix the rounding surplus on the first maximal entry so the sum is 65535.
 */
export function convertMaybeSplitToU16(values: readonly number[]): number[] {
  if (values.length === 0) throw bad('an emission split needs at least one value');
  if (values.some((v) => v < 0 || Number.isNaN(v))) throw bad('an emission split cannot have negative values');
  const total = values.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw bad('an emission split must have a positive sum');
  const u = values.map((v) => roundHalfEven((v / total) * U16_MAX));
  const diff = U16_MAX - u.reduce((a, b) => a + b, 0);
  const iMax = u.indexOf(Math.max(...u));
  u[iMax] = (u[iMax] as number) + diff;
  return u;
}

/** u16 weight → float in [0, 1]. */
export function u16NormalizedFloat(x: number): number {
  return x / U16_MAX;
}
