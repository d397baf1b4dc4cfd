import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ForecastTruth,
  mase,
  NAIVE_MASE_FLOOR,
  naiveScale,
  pinball,
  scaledCrps,
  scoreForecast,
  skillScore,
} from './reward.js';

// Context 10, 11, 12, 13 (scale 1); truth keeps climbing, so the naive forecast (13) is off by 1, 2, 3.
const truth: ForecastTruth = { values: [14, 15, 16], last: 13, scale: 1, quantiles: null };
const naive = [13, 13, 13];

const BAD = expect.objectContaining({ code: 'SK_PREDICT_BAD_INPUT' });

describe('mase', () => {
  it('is the mean absolute error over the scale', () => {
    expect(mase([14, 15, 16], [14, 15, 16], 1)).toBe(0);
    expect(mase(naive, truth.values, 1)).toBe(2);
    expect(mase(naive, truth.values, 4)).toBe(0.5);
  });

  it('rejects NaN, Infinity and a wrong length with SK_PREDICT_BAD_INPUT', () => {
    expect(() => mase([14, Number.NaN, 16], truth.values, 1)).toThrow(BAD);
    expect(() => mase([14, Number.POSITIVE_INFINITY, 16], truth.values, 1)).toThrow(BAD);
    expect(() => mase([14, 15], truth.values, 1)).toThrow(BAD);
    expect(() => mase([], [], 1)).toThrow(BAD);
    expect(() => mase(naive, truth.values, 0)).toThrow(BAD);
  });
});

describe('naiveScale', () => {
  it('is the mean absolute one-step change of the context', () => {
    expect(naiveScale([10, 11, 12, 13])).toBe(1);
    expect(naiveScale([0, 2, 0, 2])).toBe(2);
  });

  it('stays positive for a flat context', () => {
    expect(naiveScale([5, 5, 5])).toBeGreaterThan(0);
  });
});

describe('pinball and CRPS', () => {
  it('charges under-forecasts by the level and over-forecasts by one minus it', () => {
    expect(pinball(10, 12, 0.9)).toBeCloseTo(1.8);
    expect(pinball(12, 10, 0.9)).toBeCloseTo(0.2);
    expect(pinball(10, 10, 0.3)).toBe(0);
  });

  it('equals the MASE for a point forecast over symmetric levels', () => {
    const levels = [0.1, 0.5, 0.9];
    const point = levels.map((level) => ({ level, values: naive }));
    expect(scaledCrps(point, truth.values, 1)).toBeCloseTo(mase(naive, truth.values, 1));
  });

  it('rewards a band that covers the truth over a point that misses it', () => {
    const band = [
      { level: 0.1, values: [13, 13.5, 14] },
      { level: 0.5, values: [14, 15, 16] },
      { level: 0.9, values: [15, 16.5, 18] },
    ];
    const off = band.map((q) => ({ level: q.level, values: naive }));
    expect(scaledCrps(band, truth.values, 1)).toBeLessThan(scaledCrps(off, truth.values, 1));
  });
});

describe('scoreForecast', () => {
  it('gives a perfect forecast 1', () => {
    expect(scoreForecast({ forecast: [14, 15, 16] }, truth)).toBe(1);
  });

  it('gives the naive forecast the baseline 0.5', () => {
    expect(scoreForecast({ forecast: naive }, truth)).toBeCloseTo(0.5, 12);
  });

  it('scores worse-than-naive forecasts low, and lower the worse they are', () => {
    const twiceAsBad = scoreForecast({ forecast: [12, 11, 10] }, truth); // errors 2, 4, 6: MASE 4 vs naive 2
    expect(twiceAsBad).toBeCloseTo(0.2, 12);
    // errors 14, 15, 16: MASE 15, 7.5 times the naive one
    expect(scoreForecast({ forecast: [0, 0, 0] }, truth)).toBeCloseTo(1 / (1 + 7.5 ** 2), 12);
    expect(scoreForecast({ forecast: [0, 0, 0] }, truth)).toBeLessThan(twiceAsBad);
  });

  it('scores NaN, Infinity and a wrong length 0', () => {
    expect(scoreForecast({ forecast: [14, Number.NaN, 16] }, truth)).toBe(0);
    expect(scoreForecast({ forecast: [14, Number.NEGATIVE_INFINITY, 16] }, truth)).toBe(0);
    expect(scoreForecast({ forecast: [14, 15] }, truth)).toBe(0);
    expect(scoreForecast({ forecast: [14, 15, 16, 17] }, truth)).toBe(0);
  });

  it('keeps a naive forecast at 0.5 when it answers quantiles collapsed onto the last value', () => {
    const t = { ...truth, quantiles: [0.1, 0.5, 0.9] };
    const quantiles = t.quantiles.map((level) => ({ level, values: naive }));
    expect(scoreForecast({ forecast: naive, quantiles }, t)).toBeCloseTo(0.5, 12);
  });

  it('charges half the score for missing, misshapen or non-finite quantiles', () => {
    const t = { ...truth, quantiles: [0.1, 0.9] };
    const perfect = [14, 15, 16];
    expect(scoreForecast({ forecast: perfect }, t)).toBe(0.5);
    expect(scoreForecast({ forecast: perfect, quantiles: [{ level: 0.1, values: perfect }] }, t)).toBe(0.5);
    const short = [
      { level: 0.1, values: [14] },
      { level: 0.9, values: [16] },
    ];
    expect(scoreForecast({ forecast: perfect, quantiles: short }, t)).toBe(0.5);
    const nan = [
      { level: 0.1, values: [14, Number.NaN, 16] },
      { level: 0.9, values: perfect },
    ];
    expect(scoreForecast({ forecast: perfect, quantiles: nan }, t)).toBe(0.5);
    const good = [
      { level: 0.1, values: perfect },
      { level: 0.9, values: perfect },
      { level: 0.5, values: [0, 0, 0] }, // not asked for: ignored
    ];
    expect(scoreForecast({ forecast: perfect, quantiles: good }, t)).toBe(1);
  });

  it('does not let a lucky naive forecast make everyone else look terrible', () => {
    // The series came back to its level: the naive forecast is exact, so the yardstick is the floor.
    const lucky: ForecastTruth = { values: [13, 13, 13], last: 13, scale: 1, quantiles: null };
    const offByHalf = scoreForecast({ forecast: [13.5, 13.5, 13.5] }, lucky);
    expect(offByHalf).toBeCloseTo(skillScore(0.5 / NAIVE_MASE_FLOOR), 12);
    expect(offByHalf).toBe(0.5);
  });

  it('always lands in [0, 1] and never rewards a worse forecast more (property)', () => {
    const num = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(num, { minLength: 1, maxLength: 8 }),
        num,
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        (values, last, scale, extra) => {
          const t: ForecastTruth = { values, last, scale, quantiles: null };
          const near = values.map((v) => v + scale * 0.1);
          const far = values.map((v) => v + scale * (0.1 + extra));
          const a = scoreForecast({ forecast: near }, t);
          const b = scoreForecast({ forecast: far }, t);
          return a >= 0 && a <= 1 && b >= 0 && b <= 1 && a >= b;
        },
      ),
    );
  });
});
