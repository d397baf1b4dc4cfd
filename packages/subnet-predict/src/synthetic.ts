/**
 * The default challenge source: a fresh series per challenge from a generator whose parameters
 * are drawn from the validator's secret random stream (level, trend, season shape, noise, a
 * regime change). Context and future come from the same draw, so the future follows the
 * context's structure, but nothing a miner can read (a recording, a table, the seed) contains it.
 */
import type { Random } from '@subnetkit/core';

/** Season lengths the generator uses, with the sampling interval each stands for (ms). */
const SEASONS = [
  { period: 24, stepMs: 3_600_000 }, // hourly data with a daily cycle
  { period: 12, stepMs: 30 * 86_400_000 }, // monthly data with a yearly cycle
] as const;

/** Bounds of a generated series' timestamps: 2000-01-01 to 2030-01-01. */
const T0 = Date.UTC(2000, 0, 1);
const T1 = Date.UTC(2030, 0, 1);

export interface SyntheticSeries {
  timestamps: number[];
  values: number[];
  /** The season length in steps (kept for tests and reports, never sent to miners). */
  period: number;
}

function gaussian(random: Random): number {
  // Box-Muller; 1 - u keeps the log finite
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/**
 * Generates `length` observations. Level spans 0.1 to 1000 in either sign; the season is two
 * harmonics of random amplitude and phase; AR(1) noise; with probability 0.6 a regime change
 * (level jump, new slope, new season amplitude) somewhere in the last 70 % of the series.
 */
export function syntheticSeries(random: Random, length: number): SyntheticSeries {
  const { period, stepMs } = random.pick(SEASONS);
  const level = 10 ** (random.next() * 4 - 1) * (random.next() < 0.2 ? -1 : 1);
  let amp = Math.abs(level) * (0.02 + 0.3 * random.next()) + 0.1;
  const second = random.next() * 0.6;
  const phase1 = random.next() * 2 * Math.PI;
  const phase2 = random.next() * 2 * Math.PI;
  let slope = (random.next() - 0.5) * amp * 0.1;
  const sigma = amp * (0.02 + 0.15 * random.next());
  const phi = random.next() * 0.8;
  const change = random.next() < 0.6 ? random.int(Math.floor(length * 0.3), length - 1) : -1;
  const start = T0 + Math.floor(random.next() * (T1 - T0 - length * stepMs));
  let lv = level;
  let noise = 0;
  const values: number[] = [];
  const timestamps: number[] = [];
  for (let t = 0; t < length; t++) {
    if (t === change) {
      lv += (random.next() - 0.5) * 4 * amp;
      slope = (random.next() - 0.5) * amp * 0.1;
      amp *= 0.5 + random.next();
    }
    lv += slope;
    noise = phi * noise + sigma * gaussian(random);
    const angle = (2 * Math.PI * t) / period;
    values.push(lv + amp * (Math.sin(angle + phase1) + second * Math.sin(2 * angle + phase2)) + noise);
    timestamps.push(start + t * stepMs);
  }
  return { timestamps, values, period };
}
