import { createLogger, createRandom, validateSubnet } from '@subnetkit/core';
import { describe, expect, it } from 'vitest';
import { createReplayFeed, type Feed, loadBuiltinSeries } from './feed.js';
import predict, {
  createPredictSubnet,
  type ForecastRequest,
  type ForecastResponse,
  type ForecastTruth,
  forecastRequest,
  forecastResponse,
  predictOptions,
  scoreForecast,
} from './index.js';

const log = createLogger({ level: 'silent' });

/** The context a host passes to validator and miner functions. */
function ctx(block: number, options: Record<string, unknown> = {}) {
  return {
    subnet: 'predict',
    netuid: 1,
    block,
    options: predictOptions.parse(options),
    models: {},
    random: createRandom(`block-${block}`),
    log,
    signal: new AbortController().signal,
    step: block,
    caller: { hotkey: 'validator', uid: 0 },
  } as never;
}

type Deferred = { series: string; targetBlocks: number[] };

/** The predict subnet over the bundled recordings (demo feed; the default generates series). */
const replay = createPredictSubnet({ feed: () => createReplayFeed(loadBuiltinSeries()) });

describe('the predict subnet definition', () => {
  it('passes the host checks', () => {
    expect(validateSubnet(predict, { source: '@subnetkit/subnet-predict' }).name).toBe('predict');
  });

  it('by default generates a fresh series per challenge and keeps its future until the horizon', async () => {
    const c = await predict.validator.challenge(ctx(10));
    const req = forecastRequest.parse(c.request);
    expect(req.series).toBe('synthetic');
    expect(req.values).toHaveLength(96);
    expect(req.horizon).toBeGreaterThanOrEqual(3);
    expect(req.horizon).toBeLessThanOrEqual(8);
    const stored: unknown = JSON.parse(JSON.stringify(c.deferred));
    const resolve = predict.validator.resolveTruth as (d: unknown, c: never) => Promise<ForecastTruth | undefined>;
    expect(await resolve(stored, ctx(10 + req.horizon - 1))).toBeUndefined();
    const truth = (await resolve(stored, ctx(10 + req.horizon))) as ForecastTruth;
    expect(truth.values).toHaveLength(req.horizon);
    // a different random stream gives a different series: nothing to tabulate
    const other = forecastRequest.parse((await predict.validator.challenge(ctx(11))).request);
    expect(other.values).not.toEqual(req.values);
    // the context is nowhere in the bundled recordings
    const recorded = loadBuiltinSeries().flatMap((s) => s.values);
    expect(req.values.slice(-3).every((v) => recorded.includes(v))).toBe(false);
  });

  it('pays nothing for any cheap baseline and something for beating all of them', async () => {
    const c = await predict.validator.challenge(ctx(30));
    const req = forecastRequest.parse(c.request);
    const resolve = predict.validator.resolveTruth as (d: unknown, c: never) => Promise<ForecastTruth | undefined>;
    const truth = (await resolve(c.deferred, ctx(40))) as ForecastTruth;
    const baselines = predict.adversaries?.baselines ?? {};
    expect(Object.keys(baselines).sort()).toEqual(['drift', 'mean', 'naive', 'seasonal-naive']);
    for (const f of Object.values(baselines)) {
      const answer = forecastResponse.parse(await f(req, ctx(30)));
      expect(scoreForecast(answer, truth)).toBeLessThan(1e-9);
    }
    const halfway = truth.values.map((v, i) => (v + (truth.baselines?.[0]?.[i] ?? v)) / 2);
    expect(scoreForecast({ forecast: truth.values }, { ...truth, quantiles: null })).toBe(1);
    expect(scoreForecast({ forecast: halfway }, { ...truth, quantiles: null })).toBeGreaterThan(0);
  });

  it('asks for a context from the feed and defers the truth to the horizon', async () => {
    const c = await replay.validator.challenge(ctx(10));
    expect(c.truth).toBeUndefined();
    const req = forecastRequest.parse(c.request);
    const series = loadBuiltinSeries().find((s) => s.id === req.series);
    expect(series).toBeDefined();
    expect(req.values).toHaveLength(96);
    expect(req.horizon).toBe(series?.horizon);
    expect(req.quantileLevels).toEqual([0.1, 0.5, 0.9]);
    // The context ends at the row the replay shows at block 10.
    expect(req.values.at(-1)).toBe(series?.values[(series?.start ?? 0) + 10]);
    expect((c.deferred as Deferred).targetBlocks).toEqual(Array.from({ length: req.horizon }, (_, k) => 11 + k));
  });

  it('resolves the truth only once the horizon has passed, after a restart too', async () => {
    const c = await replay.validator.challenge(ctx(20));
    const req = forecastRequest.parse(c.request);
    // What the host persists and reads back after a restart; a fresh subnet instance answers it.
    const stored: unknown = JSON.parse(JSON.stringify(c.deferred));
    const restarted = createPredictSubnet({ feed: () => createReplayFeed(loadBuiltinSeries()) });
    const resolve = restarted.validator.resolveTruth as (d: unknown, c: never) => Promise<ForecastTruth | undefined>;
    for (let block = 20; block < 20 + req.horizon; block++) expect(await resolve(stored, ctx(block))).toBeUndefined();
    const truth = await resolve(stored, ctx(20 + req.horizon + 3));
    // The truth is what an independent replay shows at the horizon.
    const feed = createReplayFeed(loadBuiltinSeries());
    const expected = feed.history(req.series, 20 + req.horizon, req.horizon).map((o) => o.value);
    expect(truth?.values).toEqual(expected);
    expect(truth?.last).toBe(req.values.at(-1));
    expect(truth?.quantiles).toEqual([0.1, 0.5, 0.9]);

    const perfect: ForecastResponse = {
      forecast: expected,
      quantiles: [0.1, 0.5, 0.9].map((level) => ({ level, values: expected })),
    };
    const lazy = forecastResponse.parse(await predict.adversaries?.lazy?.(req, ctx(20)));
    const scores = await replay.validator.reward([perfect, lazy], truth as ForecastTruth, ctx(25) as never);
    expect(scores[0]).toBe(1);
    expect(scores[1]).toBe(scoreForecast(lazy, truth as ForecastTruth));
    // lazy is the naive baseline: it earns nothing
    expect(scores[1]).toBeLessThan(1e-9);
  });

  it('rejects a malformed stored challenge with SK_PREDICT_BAD_INPUT', async () => {
    const resolve = predict.validator.resolveTruth as (d: unknown, c: never) => Promise<unknown>;
    await expect(resolve({ series: 'co2', targetBlocks: [] }, ctx(5))).rejects.toMatchObject({
      code: 'SK_PREDICT_BAD_INPUT',
    });
  });

  it('challenges only the series the options name', async () => {
    for (let block = 0; block < 5; block++) {
      const c = await replay.validator.challenge(ctx(block, { series: ['co2'], quantiles: [] }));
      expect(c.request.series).toBe('co2');
      expect(c.request.quantileLevels).toBeUndefined();
    }
    await expect(replay.validator.challenge(ctx(0, { series: ['nope'] }))).rejects.toMatchObject({
      code: 'SK_PREDICT_UNKNOWN_SERIES',
    });
  });

  it('runs on a user-supplied async feed', async () => {
    // A feed whose value at block b is b (a clock), served asynchronously like a network source.
    const clockFeed: Feed = {
      series: [{ id: 'clock', horizon: 2 }],
      history: async (_s, block, count) =>
        Array.from({ length: Math.min(count, block + 1) }, (_, i) => {
          const b = block - Math.min(count, block + 1) + 1 + i;
          return { t: b * 1000, value: b };
        }),
      targetBlocks: (_s, block, h) => Array.from({ length: h }, (_, k) => block + k + 1),
      observe: async (_s, b, now) => (b <= now ? { t: b * 1000, value: b } : undefined),
    };
    const subnet = createPredictSubnet({ feed: clockFeed });
    const c = await subnet.validator.challenge(ctx(50));
    expect(c.request.values.at(-1)).toBe(50);
    const resolve = subnet.validator.resolveTruth as (d: unknown, c: never) => Promise<ForecastTruth | undefined>;
    expect(await resolve(c.deferred, ctx(51))).toBeUndefined();
    const truth = (await resolve(c.deferred, ctx(52))) as ForecastTruth;
    expect(truth.values).toEqual([51, 52]);
    // A straight line: the drift baseline is exact, so nothing beats it and the statistical miner earns 0.
    const answer = await subnet.miner.handle(c.request as ForecastRequest, ctx(50, { strategy: 'statistical' }));
    expect(scoreForecast(forecastResponse.parse(answer), truth)).toBe(0);
  });
});

describe('the task schemas', () => {
  const base = { series: 's', timestamps: [1, 2, 3, 4, 5, 6, 7, 8], values: [1, 2, 3, 4, 5, 6, 7, 8], horizon: 2 };

  it('accepts a well-formed context', () => {
    expect(forecastRequest.safeParse(base).success).toBe(true);
  });

  it('rejects mismatched lengths, unordered times, short contexts, duplicate levels and non-finite values', () => {
    expect(forecastRequest.safeParse({ ...base, timestamps: base.timestamps.slice(1) }).success).toBe(false);
    expect(forecastRequest.safeParse({ ...base, timestamps: [1, 2, 3, 4, 5, 6, 8, 7] }).success).toBe(false);
    expect(forecastRequest.safeParse({ ...base, timestamps: [1, 2], values: [1, 2] }).success).toBe(false);
    expect(forecastRequest.safeParse({ ...base, quantileLevels: [0.5, 0.5] }).success).toBe(false);
    expect(forecastRequest.safeParse({ ...base, quantileLevels: [1] }).success).toBe(false);
    expect(forecastRequest.safeParse({ ...base, values: [1, 2, 3, 4, 5, 6, 7, Number.NaN] }).success).toBe(false);
    expect(forecastRequest.safeParse({ ...base, horizon: 65 }).success).toBe(false);
  });

  it('rejects forecasts with NaN or Infinity before they reach the reward', () => {
    expect(forecastResponse.safeParse({ forecast: [1, Number.POSITIVE_INFINITY] }).success).toBe(false);
    expect(forecastResponse.safeParse({ forecast: [1, Number.NaN] }).success).toBe(false);
    expect(
      forecastResponse.safeParse({ forecast: [1], quantiles: [{ level: 0.5, values: [Number.NaN] }] }).success,
    ).toBe(false);
    expect(forecastResponse.safeParse({ forecast: [] }).success).toBe(false);
  });
});

describe('the adversaries', () => {
  it('lazy holds the last value; random stays inside the context range', async () => {
    const c = await predict.validator.challenge(ctx(30));
    const req = forecastRequest.parse(c.request);
    const lazy = forecastResponse.parse(await predict.adversaries?.lazy?.(req, ctx(30)));
    expect(new Set(lazy.forecast)).toEqual(new Set([req.values.at(-1)]));
    const random = forecastResponse.parse(await predict.adversaries?.random?.(req, ctx(30)));
    expect(random.forecast).toHaveLength(req.horizon);
    for (const v of random.forecast) {
      expect(v).toBeGreaterThanOrEqual(Math.min(...req.values));
      expect(v).toBeLessThanOrEqual(Math.max(...req.values));
    }
  });
});
