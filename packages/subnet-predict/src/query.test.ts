import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { forecastRequest, MAX_CONTEXT } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

import { formatForecast, parseQueryInput } from './query.js';

describe('parseQueryInput', () => {
  it('reads bare values with made-up hourly timestamps', () => {
    const req = parseQueryInput('1, 2 3\n4;5,6,7,8', { horizon: 3, quantileLevels: [0.1, 0.9] });
    expect(req.values).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(req.timestamps).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => i * 3_600_000));
    expect(forecastRequest.safeParse(req).success).toBe(true);
  });

  it('reads time,value CSV with a header', () => {
    const csv = ['date,value', ...Array.from({ length: 8 }, (_, i) => `2020-01-0${i + 1},${i * 2}`)].join('\n');
    const req = parseQueryInput(csv, { horizon: 2, series: 'mine' });
    expect(req.series).toBe('mine');
    expect(req.timestamps[0]).toBe(Date.UTC(2020, 0, 1));
    expect(req.values.at(-1)).toBe(14);
    expect(req.quantileLevels).toBeUndefined();
  });

  it("reads the package's own multi-column CSV (dates, header), keeping the newest MAX_CONTEXT rows", () => {
    const text = readFileSync(join(here, '../data/co2-concentration.csv'), 'utf8');
    const req = parseQueryInput(text, { horizon: 6 });
    expect(req.values).toHaveLength(MAX_CONTEXT);
    expect(req.timestamps.at(-1)).toBe(Date.UTC(2020, 3, 1)); // the file's last row, 2020-04-01
    expect(forecastRequest.safeParse(req).success).toBe(true);
    const adjusted = parseQueryInput(text, { horizon: 6, column: 'adjusted CO2' });
    expect(adjusted.values.at(-1)).not.toBe(req.values.at(-1));
    expect(() => parseQueryInput(text, { horizon: 6, column: 'nope' })).toThrow(/columns: Date, CO2, adjusted CO2/);
  });

  it('reads the example file the README names, and prints the forecast with calendar-month dates', () => {
    const req = parseQueryInput(readFileSync(join(here, '../examples/series.csv'), 'utf8'), { horizon: 2 });
    expect(forecastRequest.safeParse(req).success).toBe(true);
    const out = formatForecast(req, { forecast: [1, 2] });
    expect(out).toBe('step,time,forecast\n1,2020-05-01T00:00:00.000Z,1\n2,2020-06-01T00:00:00.000Z,2\n');
  });

  it('reads quoted CSV cells (a CSV parser, not a split on commas)', () => {
    const csv = ['"time","value, ppm"', ...Array.from({ length: 8 }, (_, i) => `"2020-01-0${i + 1}","${i}"`)].join(
      '\n',
    );
    expect(parseQueryInput(csv, { horizon: 1 }).values).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('rejects text that is not numbers', () => {
    expect(() => parseQueryInput('1 2 three', { horizon: 1 })).toThrow(
      expect.objectContaining({ code: 'SK_PREDICT_BAD_INPUT' }),
    );
    expect(() => parseQueryInput('t,v\n1,2\nx,3', { horizon: 1 })).toThrow(
      expect.objectContaining({ code: 'SK_PREDICT_BAD_INPUT' }),
    );
  });
});

describe('formatForecast', () => {
  it('writes one CSV row per step with times continuing the context', () => {
    const day = 86_400_000;
    const ts = [0, 1, 2].map((i) => Date.UTC(2020, 0, 1) + i * day);
    const out = formatForecast({ timestamps: ts }, { forecast: [5, 6], quantiles: [{ level: 0.9, values: [7, 8] }] });
    expect(out).toBe('step,time,forecast,q0.9\n1,2020-01-04T00:00:00.000Z,5,7\n2,2020-01-05T00:00:00.000Z,6,8\n');
  });
});
