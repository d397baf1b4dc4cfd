/**
 * Application queries (`subnetkit query predict`): turn a user's series text into a forecast
 * request and a miner's answer into CSV text.
 */
import { SubnetkitError } from '@subnetkit/core';

export interface QueryOptions {
  horizon: number;
  quantileLevels?: number[];
  /** A label for the series (default `query`). */
  series?: string;
  /** Spacing of made-up timestamps when the input has values only (default 1 hour). */
  stepMs?: number;
}

/** The request shape (kept structural so this module does not import the subnet definition). */
export interface QueryRequest {
  series: string;
  timestamps: number[];
  values: number[];
  horizon: number;
  quantileLevels?: number[];
}

function parseTime(cell: string): number {
  const n = Number(cell);
  if (cell.trim() !== '' && Number.isFinite(n)) return n;
  return Date.parse(cell.includes('T') && !/[zZ]|[+-]\d\d:\d\d$/.test(cell) ? `${cell}Z` : cell);
}

/**
 * Reads a series from text: either values separated by commas, spaces or new lines, or CSV lines
 * of `time,value` (ISO dates or ms; a header line is skipped). Values-only input gets timestamps
 * `stepMs` apart, ending now-agnostic at `stepMs * (n - 1)`. Throws SK_PREDICT_BAD_INPUT on anything else.
 */
export function parseQueryInput(text: string, options: QueryOptions): QueryRequest {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const twoColumns = lines.length > 1 && lines.every((l) => l.split(',').length === 2);
  const timestamps: number[] = [];
  const values: number[] = [];
  if (twoColumns) {
    for (const [i, line] of lines.entries()) {
      const [a = '', b = ''] = line.split(',').map((c) => c.trim());
      const t = parseTime(a);
      const v = Number(b);
      if (i === 0 && !Number.isFinite(v)) continue; // header
      if (!Number.isFinite(t) || !Number.isFinite(v) || b === '') {
        throw new SubnetkitError('SK_PREDICT_BAD_INPUT', `Line ${i + 1} ("${line.slice(0, 40)}") is not time,value.`, {
          line: i + 1,
        });
      }
      timestamps.push(t);
      values.push(v);
    }
  } else {
    const step = options.stepMs ?? 3_600_000;
    for (const cell of lines
      .join(' ')
      .split(/[\s,;]+/)
      .filter((c) => c !== '')) {
      const v = Number(cell);
      if (!Number.isFinite(v)) {
        throw new SubnetkitError('SK_PREDICT_BAD_INPUT', `"${cell.slice(0, 40)}" is not a number.`, {
          cell: cell.slice(0, 40),
        });
      }
      timestamps.push(timestamps.length * step);
      values.push(v);
    }
  }
  const request: QueryRequest = { series: options.series ?? 'query', timestamps, values, horizon: options.horizon };
  if (options.quantileLevels && options.quantileLevels.length > 0) request.quantileLevels = options.quantileLevels;
  return request;
}

/** Formats an answer as CSV: `step,time,forecast` plus one `q<level>` column per quantile. */
export function formatForecast(
  request: Pick<QueryRequest, 'timestamps'>,
  response: { forecast: number[]; quantiles?: { level: number; values: number[] }[] | undefined },
): string {
  const ts = request.timestamps;
  const gaps = ts
    .slice(1)
    .map((t, i) => t - (ts[i] as number))
    .sort((a, b) => a - b);
  const step = gaps[Math.floor(gaps.length / 2)] ?? 0;
  const last = ts[ts.length - 1] ?? 0;
  // Real dates print as ISO; made-up small timestamps stay numbers.
  const show = (t: number): string => (last > 1e11 ? new Date(t).toISOString() : String(t));
  const qs = response.quantiles ?? [];
  const header = ['step', 'time', 'forecast', ...qs.map((q) => `q${q.level}`)].join(',');
  const rows = response.forecast.map((f, k) =>
    [k + 1, show(last + step * (k + 1)), f, ...qs.map((q) => q.values[k] ?? '')].join(','),
  );
  return `${[header, ...rows].join('\n')}\n`;
}
