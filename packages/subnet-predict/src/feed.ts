/**
 * Where the predict subnet's series come from. A `Feed` is anything that can say what a series
 * looked like up to a block and, once a later block is reached, what happened next. The bundled
 * replay feed plays real recorded series forward one step per block(s); point the subnet at your
 * own source by implementing `Feed` and passing it to `createPredictSubnet({ feed })`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SubnetkitError } from '@subnetkit/core';
import { predictErrors } from './errors.js';

/** One observation: a time (ms since the Unix epoch) and a value. */
export interface Observation {
  t: number;
  value: number;
}

/** A series a feed serves and how far ahead miners forecast it. */
export interface SeriesInfo {
  id: string;
  /** Steps ahead a challenge asks for. */
  horizon: number;
  unit?: string;
  description?: string;
}

/**
 * A live source of series. Implementations must never reveal an observation before its block:
 * `observe` answers `undefined` while `now` is before `targetBlock`. Methods may be async (a
 * network source); the subnet awaits them.
 */
export interface Feed {
  readonly series: readonly SeriesInfo[];
  /** The last `count` observations known at `block`, oldest first (fewer if the source is shorter). */
  history(series: string, block: number, count: number): Promise<Observation[]> | Observation[];
  /** The blocks at which each of the next `horizon` observations after `block` becomes known. */
  targetBlocks(series: string, block: number, horizon: number): number[];
  /** The observation that becomes known at `targetBlock`, or undefined while `now` < `targetBlock`. */
  observe(series: string, targetBlock: number, now: number): Promise<Observation | undefined> | Observation | undefined;
}

/** A recorded series to replay: rows in time order, and the row that is "now" at block 0. */
export interface ReplaySeries extends SeriesInfo {
  times: readonly number[];
  values: readonly number[];
  /** Row index replayed at block 0; earlier rows are history. When the end is reached the replay loops back here. */
  start: number;
}

/** The replay feed: a `Feed` whose answers are synchronous (the recording is in memory). */
export interface ReplayFeed extends Feed {
  history(series: string, block: number, count: number): Observation[];
  observe(series: string, targetBlock: number, now: number): Observation | undefined;
}

export interface ReplayFeedOptions {
  /** Blocks per series step (default 1: every block reveals one new observation). */
  blocksPerStep?: number;
}

function badRange(message: string, details: Record<string, string | number>): SubnetkitError {
  return predictErrors.error('SK_PREDICT_FEED_RANGE', message, details);
}

/**
 * Replays recorded series as a live feed in which chain blocks advance time: the observation for
 * step `s = floor(block / blocksPerStep)` is row `start + s`, known from block `s * blocksPerStep`.
 * Past the last row it loops back to `start` (timestamps keep increasing by whole laps), so a
 * long-running localnet never runs dry; the seam looks like a jump in the series.
 *
 * @example
 * const feed = createReplayFeed(loadBuiltinSeries());
 * const ctx = feed.history('co2', 100, 64); // 64 monthly values, the last one known at block 100
 */
export function createReplayFeed(series: readonly ReplaySeries[], options: ReplayFeedOptions = {}): ReplayFeed {
  const bps = options.blocksPerStep ?? 1;
  if (!Number.isInteger(bps) || bps < 1) {
    throw predictErrors.error('SK_PREDICT_BAD_INPUT', `blocksPerStep must be a positive integer, got ${bps}.`, {
      blocksPerStep: bps,
    });
  }
  const byId = new Map<string, ReplaySeries>();
  for (const s of series) {
    const n = s.values.length;
    if (s.times.length !== n || n < 2 || !Number.isInteger(s.start) || s.start < 0 || s.start >= n - 1) {
      throw predictErrors.error(
        'SK_PREDICT_BAD_INPUT',
        `Replay series ${s.id} needs matching times and values (got ${s.times.length} and ${n}) and a start row below ${n - 1}.`,
        { series: s.id, start: s.start, rows: n },
      );
    }
    if (
      !s.values.every(Number.isFinite) ||
      s.times.some((t, i) => !Number.isFinite(t) || (i > 0 && t <= (s.times[i - 1] as number)))
    ) {
      throw predictErrors.error(
        'SK_PREDICT_BAD_INPUT',
        `Replay series ${s.id} has non-finite values or times that do not increase.`,
        {
          series: s.id,
        },
      );
    }
    if (byId.has(s.id)) {
      throw predictErrors.error('SK_PREDICT_BAD_INPUT', `Replay series ${s.id} is listed twice.`, { series: s.id });
    }
    byId.set(s.id, s);
  }

  const get = (id: string): ReplaySeries => {
    const s = byId.get(id);
    if (!s) {
      throw predictErrors.error(
        'SK_PREDICT_UNKNOWN_SERIES',
        `This feed serves ${[...byId.keys()].join(', ')}; not ${id}.`,
        {
          series: id,
        },
      );
    }
    return s;
  };
  const stepOf = (block: number): number => {
    if (!Number.isInteger(block) || block < 0) throw badRange(`Block ${block} is not a block height.`, { block });
    return Math.floor(block / bps);
  };
  // Position p counts rows from the start of the recording and never wraps; rows loop, times do not.
  const at = (s: ReplaySeries, p: number): Observation => {
    const n = s.values.length;
    if (p < n) return { t: s.times[p] as number, value: s.values[p] as number };
    const span = n - s.start;
    const lap = Math.floor((p - s.start) / span);
    const row = s.start + ((p - s.start) % span);
    const step = (s.times[n - 1] as number) - (s.times[n - 2] as number);
    const lapMs = (s.times[n - 1] as number) - (s.times[s.start] as number) + step;
    return { t: (s.times[row] as number) + lap * lapMs, value: s.values[row] as number };
  };

  return {
    series: [...byId.values()].map(({ id, horizon, unit, description }) => ({ id, horizon, unit, description })),
    history(id, block, count) {
      const s = get(id);
      const last = s.start + stepOf(block);
      const first = Math.max(0, last - Math.max(0, Math.floor(count)) + 1);
      const out: Observation[] = [];
      for (let p = first; p <= last; p++) out.push(at(s, p));
      return out;
    },
    targetBlocks(id, block, horizon) {
      get(id);
      const step = stepOf(block);
      return Array.from({ length: horizon }, (_, k) => (step + k + 1) * bps);
    },
    observe(id, targetBlock, now) {
      const s = get(id);
      const step = stepOf(targetBlock);
      if (now < targetBlock) return undefined;
      return at(s, s.start + step);
    },
  };
}

/** Parses a numeric column of a simple CSV (no quoted commas) with its time column into rows. */
export function parseCsvSeries(
  text: string,
  timeColumn: string,
  valueColumn: string,
): { times: number[]; values: number[] } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',');
  const ti = header.indexOf(timeColumn);
  const vi = header.indexOf(valueColumn);
  if (ti < 0 || vi < 0) {
    throw predictErrors.error(
      'SK_PREDICT_BAD_INPUT',
      `CSV has no column ${ti < 0 ? timeColumn : valueColumn} (columns: ${header.join(', ')}).`,
      {
        column: ti < 0 ? timeColumn : valueColumn,
      },
    );
  }
  const times: number[] = [];
  const values: number[] = [];
  for (const [i, line] of lines.slice(1).entries()) {
    const cells = line.split(',');
    const raw = cells[ti] ?? '';
    // Dates without a zone are read as UTC, so the replay is the same in every time zone.
    const t = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(raw) || !raw.includes('T') ? raw : `${raw}Z`);
    const v = Number(cells[vi]);
    if (!Number.isFinite(t) || !Number.isFinite(v) || cells[vi]?.trim() === '') {
      throw predictErrors.error('SK_PREDICT_BAD_INPUT', `CSV row ${i + 2} has an unreadable time or value.`, {
        row: i + 2,
      });
    }
    times.push(t);
    values.push(v);
  }
  return { times, values };
}

interface Manifest {
  trainFraction: number;
  series: {
    id: string;
    file: string;
    time: string;
    value: string;
    unit: string;
    horizon: number;
    description: string;
  }[];
}

/** Folder of the bundled series (copies of vega-datasets files; see data/README.md). */
export const DATA_DIR: string = fileURLToPath(new URL('../data/', import.meta.url));

/** The first held-out row: the model was trained on rows before it (scripts/train_forecaster.py agrees). */
export function heldOutStart(rows: number, trainFraction: number): number {
  return Math.floor(rows * trainFraction);
}

/**
 * Loads the bundled series (monthly CO2 at Mauna Loa, Seattle hourly temperature normals, Seattle
 * daily maximum temperature), each starting its replay at the first row the model never saw.
 */
export function loadBuiltinSeries(): ReplaySeries[] {
  const manifest = JSON.parse(readFileSync(`${DATA_DIR}series.json`, 'utf8')) as Manifest;
  return manifest.series.map((m) => {
    const { times, values } = parseCsvSeries(readFileSync(`${DATA_DIR}${m.file}`, 'utf8'), m.time, m.value);
    return {
      id: m.id,
      horizon: m.horizon,
      unit: m.unit,
      description: m.description,
      times,
      values,
      start: heldOutStart(values.length, manifest.trainFraction),
    };
  });
}
