import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MedianBuffers, weightedMedian } from './median.js';

/**
 * The definition the walk implements (see median.ts): the smallest score whose stake at or below
 * it exceeds the minority; the smallest score when the minority is negative, the largest when it
 * is at least the stake sum. Computed by sorting, nothing shared with the walk.
 */
function bySorting(score: number[], stake: number[], minority: number): number {
  const order = score.map((_, k) => k).sort((a, b) => (score[a] as number) - (score[b] as number));
  let cum = 0;
  for (let t = 0; t < order.length; t++) {
    const k = order[t] as number;
    cum += stake[k] as number;
    const next = order[t + 1];
    // a whole group of equal scores counts at once
    if (next !== undefined && score[next] === score[k]) continue;
    if (cum > minority) return score[k] as number;
  }
  return score[order[order.length - 1] as number] as number;
}

const columnArb = fc.integer({ min: 1, max: 300 }).chain((m) =>
  fc.record({
    // few distinct scores sometimes, so equal groups straddle the bracket's pivots
    score: fc.oneof(
      fc.array(fc.integer({ min: 0, max: 2 ** 32 }), { minLength: m, maxLength: m }),
      fc.array(
        fc.integer({ min: 0, max: 4 }).map((x) => x * 2 ** 30),
        { minLength: m, maxLength: m },
      ),
    ),
    stake: fc.array(fc.integer({ min: 1, max: 2 ** 26 }), { minLength: m, maxLength: m }),
    quantile: fc.oneof(fc.double({ min: -0.01, max: 1.01, noNaN: true }), fc.constantFrom(0, 0.5, 1)),
  }),
);

describe('weightedMedian', () => {
  it('matches the sorting definition on wide and narrow columns, any minority', () => {
    fc.assert(
      fc.property(columnArb, ({ score, stake, quantile }) => {
        const m = score.length;
        const sum = stake.reduce((s, x) => s + x, 0);
        const minority = Math.floor(sum * quantile);
        const got = weightedMedian(
          Float64Array.from(score),
          0,
          Float64Array.from(stake),
          m,
          minority,
          sum,
          new MedianBuffers(m),
        );
        expect(got).toBe(bySorting(score, stake, minority));
      }),
      { numRuns: 1500 },
    );
  });

  it('reads the column at an offset', () => {
    const block = Float64Array.from([9, 9, 3, 1, 2]);
    expect(weightedMedian(block, 2, Float64Array.from([1, 1, 1]), 3, 1, 3, new MedianBuffers(3))).toBe(2);
  });
});
