import { describe, expect, it } from 'vitest';
import { createReplayFeed, loadBuiltinSeries, parseCsvSeries, type ReplaySeries } from './feed.js';

const DAY = 86_400_000;
// Ten daily rows valued 0..9; block 0 is row 6, so rows 0-5 are history.
const toy: ReplaySeries = {
  id: 'toy',
  horizon: 2,
  times: Array.from({ length: 10 }, (_, i) => i * DAY),
  values: Array.from({ length: 10 }, (_, i) => i),
  start: 6,
};

describe('createReplayFeed', () => {
  it('reveals one row per block, history oldest first', () => {
    const feed = createReplayFeed([toy]);
    expect(feed.history('toy', 0, 3)).toEqual([
      { t: 4 * DAY, value: 4 },
      { t: 5 * DAY, value: 5 },
      { t: 6 * DAY, value: 6 },
    ]);
    expect(feed.history('toy', 2, 2).map((o) => o.value)).toEqual([7, 8]);
    // Asking for more history than exists returns what exists.
    expect(feed.history('toy', 0, 100)).toHaveLength(7);
  });

  it('keeps the future hidden until its block is reached', () => {
    const feed = createReplayFeed([toy]);
    const targets = feed.targetBlocks('toy', 0, 2);
    expect(targets).toEqual([1, 2]);
    expect(feed.observe('toy', 2, 1)).toBeUndefined();
    expect(feed.observe('toy', 1, 1)).toEqual({ t: 7 * DAY, value: 7 });
    expect(feed.observe('toy', 2, 5)).toEqual({ t: 8 * DAY, value: 8 });
  });

  it('advances one step every blocksPerStep blocks', () => {
    const feed = createReplayFeed([toy], { blocksPerStep: 3 });
    expect(feed.history('toy', 5, 1)[0]?.value).toBe(7);
    expect(feed.targetBlocks('toy', 5, 2)).toEqual([6, 9]);
    expect(feed.observe('toy', 9, 8)).toBeUndefined();
    expect(feed.observe('toy', 9, 9)?.value).toBe(9);
  });

  it('loops back to the start row past the end, with time still moving forward', () => {
    const feed = createReplayFeed([toy]);
    // Rows 6..9 are blocks 0..3; block 4 replays row 6 one lap (4 days) later.
    const h = feed.history('toy', 5, 4);
    expect(h.map((o) => o.value)).toEqual([8, 9, 6, 7]);
    const times = h.map((o) => o.t);
    expect(times).toEqual([8 * DAY, 9 * DAY, 10 * DAY, 11 * DAY]);
  });

  it('rejects unknown series, negative blocks and malformed recordings', () => {
    const feed = createReplayFeed([toy]);
    expect(() => feed.history('nope', 0, 1)).toThrow(expect.objectContaining({ code: 'SK_PREDICT_UNKNOWN_SERIES' }));
    expect(() => feed.history('toy', -1, 1)).toThrow(expect.objectContaining({ code: 'SK_PREDICT_FEED_RANGE' }));
    expect(() => createReplayFeed([{ ...toy, start: 9 }])).toThrow(
      expect.objectContaining({ code: 'SK_PREDICT_BAD_INPUT' }),
    );
    expect(() => createReplayFeed([{ ...toy, values: [...toy.values.slice(0, 9), Number.NaN] }])).toThrow(
      expect.objectContaining({ code: 'SK_PREDICT_BAD_INPUT' }),
    );
    expect(() => createReplayFeed([toy, toy])).toThrow(expect.objectContaining({ code: 'SK_PREDICT_BAD_INPUT' }));
  });
});

describe('parseCsvSeries', () => {
  it('reads dates as UTC and picks the named column', () => {
    const csv = 'date,a,b\n2010-01-01T01:00:00,1,2.5\n2010-01-01T02:00:00,1,3.5\n';
    expect(parseCsvSeries(csv, 'date', 'b')).toEqual({
      times: [Date.UTC(2010, 0, 1, 1), Date.UTC(2010, 0, 1, 2)],
      values: [2.5, 3.5],
    });
  });

  it('rejects a missing column and an unreadable value', () => {
    expect(() => parseCsvSeries('date,a\n2010-01-01,1\n', 'date', 'b')).toThrow(
      expect.objectContaining({ code: 'SK_PREDICT_BAD_INPUT' }),
    );
    expect(() => parseCsvSeries('date,a\n2010-01-01,x\n', 'date', 'a')).toThrow(
      expect.objectContaining({ code: 'SK_PREDICT_BAD_INPUT' }),
    );
  });
});

describe('loadBuiltinSeries', () => {
  it('loads the bundled series, each replaying from its held-out part', () => {
    const series = loadBuiltinSeries();
    expect(series.map((s) => s.id)).toEqual(['co2', 'seattle-temp-hourly', 'seattle-temp-max']);
    const co2 = series[0] as ReplaySeries;
    expect(co2.values).toHaveLength(741);
    expect(co2.values[0]).toBe(315.7);
    expect(co2.times[0]).toBe(Date.UTC(1958, 2, 1));
    for (const s of series) {
      expect(s.start).toBe(Math.floor(s.values.length * 0.8));
      expect(s.horizon).toBeGreaterThan(0);
    }
    const feed = createReplayFeed(series);
    expect(feed.history('seattle-temp-hourly', 0, 96)).toHaveLength(96);
  });
});
