/**
 * The miner's forecasting strategies: the trained PatchTST model through the core model runtime
 * (default), a seasonal-naive statistical fallback, and quantiles from the context's own changes.
 */
import { predictErrors } from './errors.js';
import type { QuantileForecast } from './reward.js';

/** The part of core's time-series model handle the miner uses (`ctx.models.forecaster`). */
export interface ForecastModel {
  (context: readonly (readonly number[])[], options?: { signal?: AbortSignal }): Promise<number[][]>;
  info(): Promise<{ meta: Readonly<Record<string, number | string>> }>;
}

/**
 * Forecasts `horizon` steps with a univariate forecasting model. Shorter contexts are padded on
 * the left with their first value; horizons beyond the model's own are rolled out by feeding its
 * forecasts back as context.
 */
export async function modelForecast(
  model: ForecastModel,
  values: readonly number[],
  horizon: number,
  signal?: AbortSignal,
): Promise<number[]> {
  if (values.length === 0)
    throw predictErrors.error('SK_PREDICT_BAD_INPUT', 'Cannot forecast from an empty context.', {});
  const meta = (await model.info()).meta;
  const contextLength = Number(meta.contextLength);
  const out: number[] = [];
  let context = [...values];
  while (out.length < horizon) {
    const window = context.slice(-contextLength);
    const padded = [...Array<number>(Math.max(0, contextLength - window.length)).fill(window[0] as number), ...window];
    const rows = await model(
      padded.map((v) => [v]),
      signal ? { signal } : undefined,
    );
    const next = rows.map((r) => r[0] as number).slice(0, horizon - out.length);
    out.push(...next);
    context = [...context, ...next];
  }
  return out;
}

/** Sample autocorrelation of `xs` at `lag`. */
function autocorrelation(xs: readonly number[], lag: number): number {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = (xs[i] as number) - mean;
    den += d * d;
    if (i >= lag) num += d * ((xs[i - lag] as number) - mean);
  }
  return den === 0 ? 0 : num / den;
}

/**
 * A statistical fallback: seasonal naive with drift when the detrended context has a clear period
 * (the lag of highest autocorrelation, above 0.5), otherwise the last value.
 */
export function statisticalForecast(values: readonly number[], horizon: number): number[] {
  const n = values.length;
  const last = values[n - 1] as number;
  const diffs = values.slice(1).map((v, i) => v - (values[i] as number));
  let period = 0;
  let best = 0.5;
  for (let lag = 2; lag <= Math.floor(n / 2); lag++) {
    const r = autocorrelation(diffs, lag);
    if (r > best) {
      best = r;
      period = lag;
    }
  }
  if (period === 0) return Array<number>(horizon).fill(last);
  // Drift: the mean change from one period to the next, added once per period ahead.
  let drift = 0;
  for (let i = period; i < n; i++) drift += (values[i] as number) - (values[i - period] as number);
  drift /= n - period;
  return Array.from({ length: horizon }, (_, k) => {
    const base = values[n - period + (k % period)] as number;
    return base + drift * (Math.floor(k / period) + 1);
  });
}

function quantileOf(sorted: readonly number[], level: number): number {
  const pos = (sorted.length - 1) * level;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/**
 * Quantiles around a point forecast from the context's own h-step changes (centred on their
 * median), so the band widens with the step and with the series' volatility.
 */
export function empiricalQuantiles(
  values: readonly number[],
  point: readonly number[],
  levels: readonly number[],
): QuantileForecast[] {
  const spreads = point.map((_, k) => {
    const h = k + 1;
    const changes: number[] = [];
    for (let i = h; i < values.length; i++) changes.push((values[i] as number) - (values[i - h] as number));
    if (changes.length === 0) changes.push(0);
    return changes.sort((a, b) => a - b);
  });
  return levels.map((level) => ({
    level,
    values: point.map((p, k) => {
      const s = spreads[k] as number[];
      return p + quantileOf(s, level) - quantileOf(s, 0.5);
    }),
  }));
}

/**
 * The cheap forecasts the reward must not pay for: no model, a few arithmetic operations on the
 * context. Each answers `horizon` values. Validators score every answer against the best of them
 * on the same challenge; the gauntlet runs each as a miner.
 */
export const BASELINE_FORECASTS: Readonly<Record<string, (values: readonly number[], horizon: number) => number[]>> =
  Object.freeze({
    /** The last value held constant. */
    naive: (values, horizon) => Array<number>(horizon).fill(values[values.length - 1] as number),
    /** This package's statistical strategy: seasonal naive with drift (last value without a clear period). */
    'seasonal-naive': (values, horizon) => statisticalForecast(values, horizon),
    /** The line through the first and last values, extended. */
    drift: (values, horizon) => {
      const n = values.length;
      const last = values[n - 1] as number;
      const slope = n > 1 ? (last - (values[0] as number)) / (n - 1) : 0;
      return Array.from({ length: horizon }, (_, k) => last + slope * (k + 1));
    },
    /** The context's mean. */
    mean: (values, horizon) => Array<number>(horizon).fill(values.reduce((a, b) => a + b, 0) / values.length),
  });

/** Every baseline's forecast of a context, in `BASELINE_FORECASTS` order. */
export function baselineForecasts(values: readonly number[], horizon: number): number[][] {
  return Object.values(BASELINE_FORECASTS).map((f) => f(values, horizon));
}
