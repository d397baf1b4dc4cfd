/**
 * subnet-predict: miners forecast the next values of a series; validators defer scoring until the
 * chain has moved past the horizon. By default every challenge is a fresh series from a generator
 * with secret parameters, so no recording or table holds the answer; a live `Feed` can replace it.
 * Answers earn only by beating the best cheap baseline (naive, seasonal naive, drift, mean).
 */
import { fileURLToPath } from 'node:url';
import { defineModels, defineSubnet } from '@subnetkit/core';
import { z } from 'zod';
import { predictErrors } from './errors.js';
import { createReplayFeed, type Feed, loadBuiltinSeries } from './feed.js';
import {
  BASELINE_FORECASTS,
  baselineForecasts,
  empiricalQuantiles,
  modelForecast,
  statisticalForecast,
} from './forecast.js';
import { type ForecastTruth, naiveScale, scoreForecast } from './reward.js';
import { syntheticSeries } from './synthetic.js';

export const MIN_CONTEXT = 8;
export const MAX_CONTEXT = 512;
export const MAX_HORIZON = 64;
export const MAX_QUANTILES = 9;

const level = z.number().gt(0).lt(1);

/** A context window (timestamps in ms since the epoch, strictly increasing) and what to forecast. */
export const forecastRequest = z
  .object({
    series: z.string().min(1).max(64),
    timestamps: z.array(z.number().int()).min(MIN_CONTEXT).max(MAX_CONTEXT),
    values: z.array(z.number()).min(MIN_CONTEXT).max(MAX_CONTEXT),
    horizon: z.int().min(1).max(MAX_HORIZON),
    /** Quantile levels to forecast besides the point forecast. */
    quantileLevels: z.array(level).min(1).max(MAX_QUANTILES).optional(),
  })
  .superRefine((req, ctx) => {
    if (req.timestamps.length !== req.values.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['timestamps'],
        message: 'timestamps and values must have the same length',
      });
    }
    if (req.timestamps.some((t, i) => i > 0 && t <= (req.timestamps[i - 1] as number))) {
      ctx.addIssue({ code: 'custom', path: ['timestamps'], message: 'timestamps must increase strictly' });
    }
    if (req.quantileLevels && new Set(req.quantileLevels).size !== req.quantileLevels.length) {
      ctx.addIssue({ code: 'custom', path: ['quantileLevels'], message: 'quantile levels must be distinct' });
    }
  });

/** A point forecast for the next `horizon` steps, plus quantile forecasts when asked. */
export const forecastResponse = z.object({
  forecast: z.array(z.number()).min(1).max(MAX_HORIZON),
  quantiles: z
    .array(z.object({ level, values: z.array(z.number()).min(1).max(MAX_HORIZON) }))
    .max(MAX_QUANTILES)
    .optional(),
});

export type ForecastRequest = z.output<typeof forecastRequest>;
export type ForecastResponse = z.output<typeof forecastResponse>;

/** Operator options (from config). */
export const predictOptions = z.object({
  /** Context rows a validator sends. */
  contextLength: z.int().min(16).max(MAX_CONTEXT).default(96),
  /** Series ids validators challenge on (default: every series of the feed). */
  series: z.array(z.string().min(1)).min(1).optional(),
  /** Quantile levels validators ask for (an empty list asks for point forecasts only). */
  quantiles: z.array(level).max(MAX_QUANTILES).default([0.1, 0.5, 0.9]),
  /** The miner's strategy: the trained model (default) or seasonal-naive statistics. */
  strategy: z.enum(['model', 'statistical']).default('model'),
});

/** What a validator persists with a challenge until the truth is known (plain JSON). */
const deferredSchema = z.object({
  series: z.string(),
  targetBlocks: z.array(z.int().nonnegative()).min(1).max(MAX_HORIZON),
  last: z.number(),
  scale: z.number().positive(),
  quantiles: z.array(level).nullable(),
  /** Generated challenges: the hidden future, released at the target blocks. */
  future: z.array(z.number()).min(1).max(MAX_HORIZON).optional(),
  /** The cheap baselines' forecasts, the yardstick of the reward. */
  baselines: z.array(z.array(z.number())).optional(),
});
export type DeferredForecast = z.output<typeof deferredSchema>;

/** The trained forecaster shipped in this package (scripts/train_forecaster.py). */
export const MODEL_DIR: string = fileURLToPath(new URL('../models/predict-patchtst/', import.meta.url));

/** The miner's model: a tiny PatchTST trained on the bundled series' history, shipped in this package. */
export const predictModels = defineModels({
  forecaster: {
    task: 'time-series-forecasting',
    // Not on the hub: the weights ship in this package (scripts/train_forecaster.py made them).
    model: 'subnetkit/predict-patchtst',
    path: MODEL_DIR,
    fixture: MODEL_DIR,
  },
});

export interface PredictSubnetOptions {
  /**
   * Where series come from. Default: a fresh generated series per challenge (secret parameters).
   * A live feed works too; a replay of recorded data (`createReplayFeed`) is for demos only,
   * since anyone holding the recording can look the answers up.
   */
  feed?: Feed | (() => Feed);
}

/** Horizons of generated challenges: up to the model's own prediction length. */
const SYNTHETIC_HORIZON = { min: 3, max: 8 } as const;

/**
 * Builds the predict subnet over a feed. The default export uses the bundled replay of real series;
 * call this with your own `Feed` to forecast something else.
 *
 * @example
 * export default createPredictSubnet({ feed: myHttpFeed });
 */
export function createPredictSubnet(options: PredictSubnetOptions = {}) {
  let feed: Feed | undefined = typeof options.feed === 'object' ? options.feed : undefined;
  const getFeed = (): Feed => {
    feed ??= typeof options.feed === 'function' ? options.feed() : createReplayFeed(loadBuiltinSeries());
    return feed;
  };
  const synthetic = options.feed === undefined;

  return defineSubnet({
    apiVersion: 1,
    name: 'predict',
    errors: predictErrors,
    description: 'Forecast the next values of live series; scored against the truth once it arrives.',
    version: 1,
    task: { request: forecastRequest, response: forecastResponse, timeoutMs: 10_000 },
    options: predictOptions,
    models: predictModels,
    miner: {
      async handle(req, ctx) {
        const forecast =
          ctx.options.strategy === 'model'
            ? await modelForecast(ctx.models.forecaster, req.values, req.horizon, ctx.signal)
            : statisticalForecast(req.values, req.horizon);
        return req.quantileLevels
          ? { forecast, quantiles: empiricalQuantiles(req.values, forecast, req.quantileLevels) }
          : { forecast };
      },
    },
    validator: {
      async challenge(ctx) {
        const quantiles = ctx.options.quantiles.length > 0 ? ctx.options.quantiles : undefined;
        if (synthetic) {
          const horizon = ctx.random.int(SYNTHETIC_HORIZON.min, SYNTHETIC_HORIZON.max);
          const n = ctx.options.contextLength;
          const series = syntheticSeries(ctx.random, n + horizon);
          const values = series.values.slice(0, n);
          const deferred: DeferredForecast = {
            series: 'synthetic',
            targetBlocks: Array.from({ length: horizon }, (_, k) => ctx.block + k + 1),
            last: values[n - 1] as number,
            scale: naiveScale(values),
            quantiles: quantiles ?? null,
            future: series.values.slice(n),
            baselines: baselineForecasts(values, horizon),
          };
          return {
            request: {
              series: 'synthetic',
              timestamps: series.timestamps.slice(0, n),
              values,
              horizon,
              quantileLevels: quantiles,
            },
            deferred,
          };
        }
        const f = getFeed();
        const ids = ctx.options.series ?? f.series.map((s) => s.id);
        const id = ctx.random.pick(ids);
        const info = f.series.find((s) => s.id === id);
        if (!info) {
          throw predictErrors.error(
            'SK_PREDICT_UNKNOWN_SERIES',
            `Option series names ${id}, which the feed does not serve.`,
            {
              series: id,
            },
          );
        }
        const history = await f.history(id, ctx.block, ctx.options.contextLength);
        if (history.length < MIN_CONTEXT) {
          throw predictErrors.error(
            'SK_PREDICT_FEED_RANGE',
            `Series ${id} has only ${history.length} observations at block ${ctx.block}.`,
            {
              series: id,
              block: ctx.block,
            },
          );
        }
        const values = history.map((o) => o.value);
        const deferred: DeferredForecast = {
          series: id,
          targetBlocks: f.targetBlocks(id, ctx.block, info.horizon),
          last: values[values.length - 1] as number,
          scale: naiveScale(values),
          quantiles: quantiles ?? null,
          baselines: baselineForecasts(values, info.horizon),
        };
        return {
          request: {
            series: id,
            timestamps: history.map((o) => o.t),
            values,
            horizon: info.horizon,
            quantileLevels: quantiles,
          },
          deferred,
        };
      },
      async resolveTruth(deferred, ctx): Promise<ForecastTruth | undefined> {
        const parsed = deferredSchema.safeParse(deferred);
        if (!parsed.success) {
          throw predictErrors.error(
            'SK_PREDICT_BAD_INPUT',
            `A stored forecast challenge is malformed: ${parsed.error.issues[0]?.message}.`,
            {},
          );
        }
        const d = parsed.data;
        if (ctx.block < Math.max(...d.targetBlocks)) return undefined;
        const common = { last: d.last, scale: d.scale, quantiles: d.quantiles, baselines: d.baselines };
        if (d.future) return { values: d.future, ...common };
        const f = getFeed();
        const seen = await Promise.all(d.targetBlocks.map((b) => f.observe(d.series, b, ctx.block)));
        if (seen.some((o) => o === undefined)) return undefined;
        return { values: seen.map((o) => (o as { value: number }).value), ...common };
      },
      reward: (responses, truth: ForecastTruth) => responses.map((r) => scoreForecast(r, truth)),
    },
    adversaries: {
      // The naive forecast: the last value held constant (quantiles collapse onto it).
      lazy(req) {
        const last = req.values[req.values.length - 1] as number;
        const forecast = Array<number>(req.horizon).fill(last);
        return { forecast, quantiles: req.quantileLevels?.map((level) => ({ level, values: [...forecast] })) };
      },
      // The cheap forecasts the reward is calibrated against (each scores 0 by construction).
      baselines: Object.fromEntries(
        Object.entries(BASELINE_FORECASTS).map(([name, f]) => [
          name,
          (req: ForecastRequest) => {
            const forecast = f(req.values, req.horizon);
            return { forecast, quantiles: req.quantileLevels?.map((level) => ({ level, values: [...forecast] })) };
          },
        ]),
      ),
      // Well-formed noise inside the context's range.
      random(req, ctx) {
        const lo = Math.min(...req.values);
        const hi = Math.max(...req.values);
        const draw = (): number => lo + (hi - lo) * ctx.random.next();
        const forecast = Array.from({ length: req.horizon }, draw);
        const quantiles = req.quantileLevels?.map((level) => ({
          level,
          values: Array.from({ length: req.horizon }, draw),
        }));
        return { forecast, quantiles };
      },
    },
  });
}

/** The predict subnet over the bundled replay feed. */
const predict = createPredictSubnet();
export default predict;

export { predictErrors } from './errors.js';
export {
  createReplayFeed,
  DATA_DIR,
  type Feed,
  loadBuiltinSeries,
  type Observation,
  parseCsvSeries,
  type ReplayFeed,
  type ReplayFeedOptions,
  type ReplaySeries,
  type SeriesInfo,
} from './feed.js';
export {
  BASELINE_FORECASTS,
  baselineForecasts,
  empiricalQuantiles,
  type ForecastModel,
  modelForecast,
  statisticalForecast,
} from './forecast.js';
export { formatForecast, parseQueryInput, type QueryOptions } from './query.js';
export {
  bestBaselineMase,
  type ForecastAnswer,
  type ForecastTruth,
  mase,
  NAIVE_MASE_FLOOR,
  naiveScale,
  naiveYardstick,
  pinball,
  type QuantileForecast,
  scaledCrps,
  scoreAgainstBaselines,
  scoreForecast,
  skillScore,
} from './reward.js';
export { type SyntheticSeries, syntheticSeries } from './synthetic.js';
