/**
 * Application queries (`subnetkit query predict`): turn a user's series text into a forecast
 * request and a miner's answer into CSV text.
 */

import { parse } from 'csv-parse/sync';
import { predictErrors } from './errors.js';

/** The request's MAX_CONTEXT (index.ts; this module must not import the definition): longer input keeps its newest rows. */
const MAX_CONTEXT_ROWS = 512;

export interface QueryOptions {
  horizon: number;
  quantileLevels?: number[];
  /** A label for the series (default `query`). */
  series?: string;
  /** Spacing of made-up timestamps when the input has values only (default 1 hour). */
  stepMs?: number;
  /** CSV: the header of the value column (default the second column; the first holds the times). */
  column?: string;
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

/** CSV rows (at least two columns each), or undefined when the text is not a table. */
function csvRows(text: string): string[][] | undefined {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2 || !lines[0]!.includes(',')) return undefined;
  let rows: string[][];
  try {
    rows = parse(text, { trim: true, skip_empty_lines: true, relax_quotes: false }) as string[][];
  } catch (cause) {
    // rows of different widths are a list of values that happens to use commas, not a table
    if ((cause as { code?: string }).code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') return undefined;
    throw predictErrors.error(
      'SK_PREDICT_BAD_INPUT',
      `The CSV input is malformed: ${(cause as Error).message}`,
      {},
      { cause },
    );
  }
  return rows.every((r) => r.length >= 2) ? rows : undefined;
}

/**
 * Reads a table: times in the first column (ISO dates or ms), values in `column` (by header) or
 * the second; a header row is recognised by a value cell that is not a number.
 */
function fromCsv(rows: string[][], options: QueryOptions): { timestamps: number[]; values: number[] } {
  const hasHeader = !Number.isFinite(Number(rows[0]![1])) || rows[0]![1] === '';
  const header = hasHeader ? rows[0]! : undefined;
  let col = 1;
  if (options.column !== undefined) {
    col = header?.indexOf(options.column) ?? -1;
    if (col < 1) {
      throw predictErrors.error(
        'SK_PREDICT_BAD_INPUT',
        `The CSV has no value column "${options.column}"${header ? ` (columns: ${header.join(', ')})` : ' (it has no header row)'}.`,
        { column: options.column },
      );
    }
  }
  const body = (hasHeader ? rows.slice(1) : rows).slice(-MAX_CONTEXT_ROWS);
  const firstLine = rows.length - body.length + 1;
  const timestamps: number[] = [];
  const values: number[] = [];
  for (const [i, row] of body.entries()) {
    const t = parseTime(row[0] ?? '');
    const cell = row[col] ?? '';
    const v = Number(cell);
    if (!Number.isFinite(t) || !Number.isFinite(v) || cell === '') {
      throw predictErrors.error(
        'SK_PREDICT_BAD_INPUT',
        `Row ${firstLine + i} ("${row.join(',').slice(0, 40)}") needs a time and a number${header ? ` in "${header[col]}"` : ''}.`,
        { line: firstLine + i },
      );
    }
    timestamps.push(t);
    values.push(v);
  }
  return { timestamps, values };
}

/**
 * Reads a series from text: either values separated by commas, spaces or new lines, or a CSV
 * table of time and value columns (ISO dates or ms; an optional header names the columns; the
 * newest 512 rows are kept). Values-only input gets timestamps `stepMs` apart, ending now-agnostic
 * at `stepMs * (n - 1)`. Throws SK_PREDICT_BAD_INPUT on anything else.
 */
export function parseQueryInput(text: string, options: QueryOptions): QueryRequest {
  const rows = csvRows(text);
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  let timestamps: number[] = [];
  let values: number[] = [];
  if (rows) {
    ({ timestamps, values } = fromCsv(rows, options));
  } else {
    const step = options.stepMs ?? 3_600_000;
    for (const cell of lines
      .join(' ')
      .split(/[\s,;]+/)
      .filter((c) => c !== '')) {
      const v = Number(cell);
      if (!Number.isFinite(v)) {
        throw predictErrors.error('SK_PREDICT_BAD_INPUT', `"${cell.slice(0, 40)}" is not a number.`, {
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
  // Real dates (after 1973 or before 1966) print as ISO; made-up small timestamps stay numbers.
  const dates = Math.abs(last) > 1e11;
  const show = (t: number): string => (dates ? new Date(t).toISOString() : String(t));
  // monthly data (same day of month, 28–31 days apart) steps by calendar months, not by 30.4 days
  const monthly = dates && ts.length > 1 && step >= 28 * DAY && step <= 31 * DAY && sameDayOfMonth(ts);
  const next = (k: number): number => {
    if (!monthly) return last + step * k;
    const d = new Date(last);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes());
  };
  const qs = response.quantiles ?? [];
  const header = ['step', 'time', 'forecast', ...qs.map((q) => `q${q.level}`)].join(',');
  const rows = response.forecast.map((f, k) =>
    [k + 1, show(next(k + 1)), f, ...qs.map((q) => q.values[k] ?? '')].join(','),
  );
  return `${[header, ...rows].join('\n')}\n`;
}

const DAY = 86_400_000;

function sameDayOfMonth(ts: readonly number[]): boolean {
  const day = new Date(ts[0]!).getUTCDate();
  return ts.every((t) => new Date(t).getUTCDate() === day);
}
