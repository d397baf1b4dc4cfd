/**
 * Measures the predict subnet and draws the README chart. Runs the trained forecaster through the
 * core model runtime (CPU, offline):
 *  1. held-out MASE of the model, the naive last-value forecast and the statistical fallback, over
 *     every held-out window of every bundled series;
 *  2. mean scores per miner profile over challenges at blocks 0..N-1 of the replay (fixed seed);
 *  3. assets/forecast.svg: forecasts against the truth on held-out data.
 *
 * Usage (from the repo root):
 *   npx tsx --tsconfig packages/subnet-predict/scripts/tsconfig.json packages/subnet-predict/scripts/report.ts [N]
 * Prints one JSON object on stdout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger, createModelRuntime, createRandom } from '@subnetkit/core';
import { loadBuiltinSeries, type ReplaySeries } from '../src/feed.js';
import { empiricalQuantiles, modelForecast, statisticalForecast } from '../src/forecast.js';
import predict, {
  type ForecastResponse,
  type ForecastTruth,
  forecastRequest,
  forecastResponse,
  mase,
  naiveScale,
  predictModels,
  predictOptions,
  scoreForecast,
} from '../src/index.js';
import { type ChartPanel, renderChart } from './chart.js';

const log = createLogger({ level: 'silent' });
const blocks = Number(process.argv[2] ?? 120);
const runtime = createModelRuntime({ logger: log, device: 'cpu', allowRemote: false });
const forecaster = (await runtime.load(predictModels)).forecaster;

const round = (x: number): number => Math.round(x * 1000) / 1000;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

// 1. Held-out MASE over every window (context 96 rows, as validators send).
const heldOut: Record<string, unknown> = {};
for (const s of loadBuiltinSeries()) {
  const windows: { context: number[]; target: number[] }[] = [];
  for (let t = s.start; t + s.horizon <= s.values.length; t++) {
    windows.push({ context: s.values.slice(t - 96, t), target: s.values.slice(t, t + s.horizon) });
  }
  const forecasts: number[][] = [];
  // in chunks: the runtime's queue is bounded (SK_MODEL_OVERLOADED past 1024 waiting calls)
  for (let i = 0; i < windows.length; i += 256) {
    const chunk = windows.slice(i, i + 256);
    forecasts.push(...(await Promise.all(chunk.map((w) => modelForecast(forecaster, w.context, s.horizon)))));
  }
  const model: number[] = [];
  const naive: number[] = [];
  const stat: number[] = [];
  const pointScore: number[] = [];
  for (const [i, w] of windows.entries()) {
    const scale = naiveScale(w.context);
    const f = forecasts[i] as number[];
    model.push(mase(f, w.target, scale));
    naive.push(
      mase(
        w.target.map(() => w.context.at(-1) as number),
        w.target,
        scale,
      ),
    );
    stat.push(mase(statisticalForecast(w.context, s.horizon), w.target, scale));
    pointScore.push(
      scoreForecast({ forecast: f }, { values: w.target, last: w.context.at(-1) as number, scale, quantiles: null }),
    );
  }
  heldOut[s.id] = {
    windows: windows.length,
    horizon: s.horizon,
    modelMase: round(mean(model)),
    naiveMase: round(mean(naive)),
    statisticalMase: round(mean(stat)),
    modelWinsShare: round(model.filter((m, i) => m < (naive[i] as number)).length / model.length),
    modelPointScore: round(mean(pointScore)),
  };
}

// 2. Profiles over the replay, as a validator sees them (seeded challenges, truth at the horizon).
const options = predictOptions.parse({});
const base = { subnet: 'predict', netuid: 1, options, log, signal: new AbortController().signal };
const vctx = (block: number) =>
  ({ ...base, block, step: block, random: createRandom(`report-${block}`), models: {} }) as never;
const mctx = (block: number, strategy: 'model' | 'statistical') =>
  ({
    ...base,
    options: { ...options, strategy },
    block,
    random: createRandom(`miner-${block}`),
    models: { forecaster },
    caller: { hotkey: 'v', uid: 0 },
  }) as never;
const profiles = ['honest', 'statistical', 'lazy', 'random', 'copycat'] as const;
const scores: Record<(typeof profiles)[number], number[]> = {
  honest: [],
  statistical: [],
  lazy: [],
  random: [],
  copycat: [],
};
let previous: ForecastResponse | undefined;
const resolve = predict.validator.resolveTruth as (d: unknown, c: never) => Promise<ForecastTruth | undefined>;
for (let block = 0; block < blocks; block++) {
  const c = await predict.validator.challenge(vctx(block));
  const req = forecastRequest.parse(c.request);
  const honest = forecastResponse.parse(await predict.miner.handle(req, mctx(block, 'model')));
  const answers: Record<(typeof profiles)[number], ForecastResponse> = {
    honest,
    statistical: forecastResponse.parse(await predict.miner.handle(req, mctx(block, 'statistical'))),
    lazy: forecastResponse.parse(await predict.adversaries?.lazy?.(req, mctx(block, 'model'))),
    random: forecastResponse.parse(await predict.adversaries?.random?.(req, mctx(block, 'model'))),
    // the host's copycat replays the latest honest answer to another request: here, the previous block's
    copycat: previous ?? honest,
  };
  previous = honest;
  if (block === 0) continue; // no stale answer to copy yet
  const truth = await resolve(c.deferred, vctx(block + req.horizon));
  if (!truth) throw new Error(`truth of block ${block} not known at its horizon`);
  for (const p of profiles) scores[p].push(scoreForecast(answers[p], truth));
}
const profileScores = Object.fromEntries(profiles.map((p) => [p, round(mean(scores[p]))]));

// 3. The chart: held-out windows, forecasts rolled out past the subnet's horizon to show the shape.
function panel(s: ReplaySeries, at: number, contextShown: number, steps: number, title: string): Promise<ChartPanel> {
  const context = s.values.slice(at - 96, at);
  return modelForecast(forecaster, context, steps).then((model) => {
    const [lo, hi] = empiricalQuantiles(context, model, [0.1, 0.9]);
    return {
      title,
      unit: s.unit ?? '',
      context: context.slice(-contextShown),
      truth: s.values.slice(at, at + steps),
      model,
      naive: Array<number>(steps).fill(context.at(-1) as number),
      low: lo?.values ?? [],
      high: hi?.values ?? [],
      horizon: s.horizon,
    };
  });
}
const series = loadBuiltinSeries();
const hourly = series.find((s) => s.id === 'seattle-temp-hourly') as ReplaySeries;
const co2 = series.find((s) => s.id === 'co2') as ReplaySeries;
const panels = [
  await panel(hourly, hourly.start + 1000, 48, 24, 'Seattle hourly temperature normals (held out), 24 h ahead'),
  await panel(co2, co2.start + 60, 48, 18, 'Mauna Loa CO2, monthly (held out), 18 months ahead'),
];
const assets = fileURLToPath(new URL('../assets/', import.meta.url));
mkdirSync(assets, { recursive: true });
writeFileSync(`${assets}forecast.svg`, renderChart(panels));

await runtime.dispose();
process.stdout.write(
  `${JSON.stringify({ heldOut, profileScores: { blocks: blocks - 1, seed: 'report-<block>', ...profileScores } })}\n`,
);
