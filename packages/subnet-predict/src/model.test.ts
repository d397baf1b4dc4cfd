import {
  createLogger,
  createModelRuntime,
  createRandom,
  type ModelRuntime,
  type TimeSeriesForecastHandle,
} from '@subnetkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltinSeries, type ReplaySeries } from './feed.js';
import { modelForecast, statisticalForecast } from './forecast.js';
import predict, {
  forecastRequest,
  forecastResponse,
  mase,
  naiveScale,
  predictModels,
  predictOptions,
} from './index.js';

const slow = { tags: ['slow'] };
const log = createLogger({ level: 'silent' });

let runtime: ModelRuntime;
let forecaster: TimeSeriesForecastHandle;

beforeAll(async () => {
  // The production path: the declaration's `path` (weights shipped in this package), no fixtures, offline.
  runtime = createModelRuntime({ logger: log, device: 'cpu', allowRemote: false, warmup: false });
  forecaster = (await runtime.load(predictModels)).forecaster;
}, 120_000);

afterAll(async () => {
  await runtime?.dispose();
});

/** Up to `count` evenly spaced held-out windows: 96 rows of context, then `horizon` targets. */
function heldOutWindows(s: ReplaySeries, count: number): { context: number[]; target: number[] }[] {
  const first = s.start;
  const last = s.values.length - s.horizon;
  const stride = Math.max(1, Math.floor((last - first) / count));
  const out: { context: number[]; target: number[] }[] = [];
  for (let t = first; t < last && out.length < count; t += stride) {
    out.push({ context: s.values.slice(t - 96, t), target: s.values.slice(t, t + s.horizon) });
  }
  return out;
}

describe('the trained forecaster through the core model runtime', () => {
  it('describes itself as a 64-step-context, 8-step univariate forecaster', slow, async () => {
    const info = await forecaster.info();
    expect(info.meta).toMatchObject({ contextLength: 64, predictionLength: 8, channels: 1 });
    expect(info.source.kind).toBe('local');
  });

  it('beats the naive last-value forecast on every held-out series', slow, async () => {
    const rows: Record<string, { model: number; naive: number; statistical: number }> = {};
    for (const s of loadBuiltinSeries()) {
      const windows = heldOutWindows(s, 60);
      const forecasts = await Promise.all(windows.map((w) => modelForecast(forecaster, w.context, s.horizon)));
      let model = 0;
      let naive = 0;
      let statistical = 0;
      windows.forEach((w, i) => {
        const scale = naiveScale(w.context);
        model += mase(forecasts[i] as number[], w.target, scale);
        naive += mase(
          w.target.map(() => w.context.at(-1) as number),
          w.target,
          scale,
        );
        statistical += mase(statisticalForecast(w.context, s.horizon), w.target, scale);
      });
      rows[s.id] = {
        model: model / windows.length,
        naive: naive / windows.length,
        statistical: statistical / windows.length,
      };
    }
    log.info({ rows }, 'held-out MASE');
    for (const [id, r] of Object.entries(rows)) {
      expect(r.model, `${id}: model MASE ${r.model} vs naive ${r.naive}`).toBeLessThan(r.naive);
    }
  });

  it('rolls out horizons longer than its own', slow, async () => {
    const s = loadBuiltinSeries()[1] as ReplaySeries;
    const context = s.values.slice(s.start - 64, s.start);
    const long = await modelForecast(forecaster, context, 20);
    const short = await modelForecast(forecaster, context, 8);
    expect(long).toHaveLength(20);
    expect(long.slice(0, 8)).toEqual(short);
    // Hourly temperatures stay within a plausible band of the context.
    for (const v of long) expect(Math.abs(v - (context.at(-1) as number))).toBeLessThan(15);
  });

  it('beats the best cheap baseline on generated challenges often enough to earn', slow, async () => {
    const options = predictOptions.parse({});
    const base = { subnet: 'predict', netuid: 1, options, log, signal: new AbortController().signal };
    const scores: number[] = [];
    for (let k = 0; k < 60; k++) {
      const vctx = { ...base, block: 100, step: k, random: createRandom(`gen-${k}`), models: {} } as never;
      const c = await predict.validator.challenge(vctx);
      const truth = (await predict.validator.resolveTruth?.(c.deferred, { ...base, block: 200 } as never)) as never;
      const req = forecastRequest.parse(c.request);
      const mctx = {
        ...base,
        block: 100,
        random: createRandom(k),
        models: { forecaster },
        caller: { hotkey: 'v', uid: 0 },
      };
      const answer = forecastResponse.parse(await predict.miner.handle(req, mctx as never));
      scores.push((await predict.validator.reward([answer], truth, { ...base, answers: [] } as never))[0] as number);
    }
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    // measured: about 0.18, above 0 on about half the challenges (every baseline scores 0 by construction)
    expect(mean).toBeGreaterThan(0.08);
    expect(scores.filter((x) => x > 0).length).toBeGreaterThan(15);
  });

  it('answers a validator challenge through miner.handle with the model', slow, async () => {
    const options = predictOptions.parse({});
    const base = { subnet: 'predict', netuid: 1, options, log, signal: new AbortController().signal };
    const c = await predict.validator.challenge({
      ...base,
      block: 3,
      step: 3,
      random: createRandom(3),
      models: {},
    } as never);
    const req = forecastRequest.parse(c.request);
    const answer = await predict.miner.handle(req, {
      ...base,
      block: 3,
      random: createRandom(4),
      models: { forecaster },
      caller: { hotkey: 'v', uid: 0 },
    } as never);
    const res = forecastResponse.parse(answer);
    expect(res.forecast).toHaveLength(req.horizon);
    expect(res.quantiles?.map((q) => q.level)).toEqual(req.quantileLevels);
    // Quantile bands are ordered around the point forecast.
    const [lo, mid, hi] = res.quantiles ?? [];
    res.forecast.forEach((_, k) => {
      expect(lo?.values[k]).toBeLessThanOrEqual(mid?.values[k] as number);
      expect(mid?.values[k]).toBeLessThanOrEqual(hi?.values[k] as number);
    });
  });
});
