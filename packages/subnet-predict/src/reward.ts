/**
 * Forecast scoring: pure functions, no IO. Errors are scale-free (MASE: divided by the context's
 * mean one-step change) and judged relative to the naive last-value forecast on the same targets,
 * so a forecast of CO2 in ppm and one of temperature in °C score on the same footing.
 */
import type { SubnetkitError } from '@subnetkit/core';
import { predictErrors } from './errors.js';

/** What the validator knows once the horizon has passed. */
export interface ForecastTruth {
  /** The observed next `horizon` values. */
  values: number[];
  /** The last context value: the naive forecast for every step. */
  last: number;
  /** The context's mean absolute one-step change (the MASE denominator). */
  scale: number;
  /** Quantile levels the challenge asked for, or null. */
  quantiles: number[] | null;
  /**
   * The cheap baselines' forecasts of this challenge (naive, seasonal naive, drift, mean). When
   * present, answers are scored by how much they beat the best of them: that one scores 0.
   */
  baselines?: number[][] | undefined;
}

/** One quantile level's forecast. */
export interface QuantileForecast {
  level: number;
  values: number[];
}

/** A miner's answer, as the response schema parses it. */
export interface ForecastAnswer {
  forecast: number[];
  quantiles?: QuantileForecast[] | undefined;
}

/**
 * The smallest naive MASE used as the yardstick. When the naive forecast happens to be almost
 * exactly right (a series that came back to its level), dividing by its tiny error would make
 * every other forecast look terrible; below this it counts as this good, no better.
 */
export const NAIVE_MASE_FLOOR = 0.5;

function bad(message: string, details: Record<string, number | string> = {}): SubnetkitError {
  return predictErrors.error('SK_PREDICT_BAD_INPUT', message, details);
}

function checkFinite(name: string, xs: readonly number[]): void {
  const i = xs.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  if (i >= 0) throw bad(`${name}[${i}] is ${String(xs[i])}; every value must be a finite number.`, { name, index: i });
}

function checkSameLength(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length || a.length === 0) {
    throw bad(`The forecast has ${a.length} values but the truth has ${b.length}.`, {
      forecast: a.length,
      truth: b.length,
    });
  }
}

/**
 * The MASE denominator of a context: its mean absolute one-step change. A flat context would give
 * 0, so the result is floored at a millionth of the series' level (plus one unit).
 */
export function naiveScale(context: readonly number[]): number {
  checkFinite('context', context);
  if (context.length < 2) throw bad('A context needs at least two values to have a scale.', { length: context.length });
  let sumDiff = 0;
  let sumAbs = 0;
  for (let i = 0; i < context.length; i++) {
    sumAbs += Math.abs(context[i] as number);
    if (i > 0) sumDiff += Math.abs((context[i] as number) - (context[i - 1] as number));
  }
  return Math.max(sumDiff / (context.length - 1), 1e-6 * (sumAbs / context.length + 1));
}

/** Mean absolute scaled error of `forecast` against `actual`. Throws SK_PREDICT_BAD_INPUT on NaN, Infinity or a length mismatch. */
export function mase(forecast: readonly number[], actual: readonly number[], scale: number): number {
  checkFinite('forecast', forecast);
  checkFinite('actual', actual);
  checkSameLength(forecast, actual);
  if (!(scale > 0) || !Number.isFinite(scale))
    throw bad(`The scale must be a positive finite number, got ${scale}.`, { scale });
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs((forecast[i] as number) - (actual[i] as number));
  return sum / actual.length / scale;
}

/** Pinball (quantile) loss of predicting `q` at `level` when `y` happened. */
export function pinball(q: number, y: number, level: number): number {
  return y >= q ? level * (y - q) : (1 - level) * (q - y);
}

/**
 * Scaled CRPS estimated from quantiles: twice the mean pinball loss over levels and steps, divided
 * by `scale`. For a point forecast (every quantile equal) over symmetric levels it equals its MASE,
 * which is why it can be compared with the naive forecast's MASE.
 */
export function scaledCrps(quantiles: readonly QuantileForecast[], actual: readonly number[], scale: number): number {
  checkFinite('actual', actual);
  if (quantiles.length === 0) throw bad('No quantiles to score.');
  let sum = 0;
  for (const q of quantiles) {
    if (!(q.level > 0 && q.level < 1)) throw bad(`Quantile level ${q.level} is not in (0, 1).`, { level: q.level });
    checkFinite(`quantile ${q.level}`, q.values);
    checkSameLength(q.values, actual);
    for (let i = 0; i < actual.length; i++) sum += pinball(q.values[i] as number, actual[i] as number, q.level);
  }
  return (2 * sum) / (quantiles.length * actual.length) / scale;
}

/** Maps an error relative to the naive forecast's (0 = perfect, 1 = as good as naive) into [0, 1]: 1, 0.5, then falling fast. */
export function skillScore(relativeError: number): number {
  if (Number.isNaN(relativeError) || relativeError < 0) return 0;
  return 1 / (1 + relativeError * relativeError);
}

/** The naive last-value forecast's MASE on this truth, floored (the yardstick every answer is divided by). */
export function naiveYardstick(truth: ForecastTruth): number {
  const naive = truth.values.map(() => truth.last);
  return Math.max(mase(naive, truth.values, truth.scale), NAIVE_MASE_FLOOR);
}

/**
 * Scores one answer in [0, 1]: 1 for a perfect forecast, 0.5 for the naive last-value forecast
 * (whenever its MASE is above NAIVE_MASE_FLOOR), less for worse. When quantiles were asked for,
 * half the score comes from their CRPS on the same scale, and missing or misshapen quantiles score
 * that half 0. A forecast of the wrong length, or with NaN or Infinity, scores 0.
 */
export function scoreForecast(answer: ForecastAnswer, truth: ForecastTruth): number {
  if (truth.baselines && truth.baselines.length > 0) return scoreAgainstBaselines(answer, truth, truth.baselines);
  const yard = naiveYardstick(truth);
  return scoreOnYardstick(answer, truth, (error) => skillScore(error / yard));
}

/**
 * The point score, averaged with the quantile score when quantiles are asked, both mapped from
 * their error by `skill`. Every requested level must be answered (a missing one halves the score);
 * extra levels are ignored. An answer that cannot be scored earns 0 (or its point score, halved).
 */
function scoreOnYardstick(answer: ForecastAnswer, truth: ForecastTruth, skill: (error: number) => number): number {
  let point: number;
  try {
    point = skill(mase(answer.forecast, truth.values, truth.scale));
  } catch (e) {
    if (predictErrors.is(e, 'SK_PREDICT_BAD_INPUT')) return 0;
    throw e;
  }
  if (!truth.quantiles || truth.quantiles.length === 0) return point;
  const picked: QuantileForecast[] = [];
  for (const level of truth.quantiles) {
    const q = answer.quantiles?.find((a) => Math.abs(a.level - level) < 1e-9);
    if (!q) return point / 2;
    picked.push({ level, values: q.values });
  }
  try {
    return (point + skill(scaledCrps(picked, truth.values, truth.scale))) / 2;
  } catch (e) {
    if (predictErrors.is(e, 'SK_PREDICT_BAD_INPUT')) return point / 2;
    throw e;
  }
}

/** The best (smallest) MASE any cheap baseline reaches on this truth. */
export function bestBaselineMase(truth: ForecastTruth, baselines: readonly number[][]): number {
  return Math.min(...baselines.map((b) => mase(b, truth.values, truth.scale)));
}

/**
 * Skill over the best cheap baseline, in [0, 1]: 1 - error / best baseline's error. The best
 * baseline itself, every worse one and anything worse than it score 0; only a forecast that beats
 * all of them on this challenge earns. Quantiles, when asked, are half the score on the same
 * scale (CRPS against the best baseline's MASE, which is its CRPS as a point forecast).
 */
export function scoreAgainstBaselines(
  answer: ForecastAnswer,
  truth: ForecastTruth,
  baselines: readonly number[][],
): number {
  const yard = bestBaselineMase(truth, baselines);
  return scoreOnYardstick(answer, truth, (error) => (yard > 0 ? Math.min(1, Math.max(0, 1 - error / yard)) : 0));
}
