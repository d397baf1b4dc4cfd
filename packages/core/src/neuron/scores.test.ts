import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { resetChangedHotkeys, updateScores } from './scores.js';

describe('updateScores', () => {
  test('moves each score toward its reward by alpha', () => {
    const s1 = updateScores([], [{ uid: 0, hotkey: 'a', reward: 1 }], 0.1);
    expect(s1).toEqual([{ uid: 0, hotkey: 'a', score: 0.1 }]);
    const s2 = updateScores(s1, [{ uid: 0, hotkey: 'a', reward: 1 }], 0.1);
    expect(s2[0]!.score).toBeCloseTo(0.19, 12);
  });

  test('a uid taken over by a new hotkey starts from zero', () => {
    const old = [{ uid: 3, hotkey: 'old', score: 0.9 }];
    expect(updateScores(old, [{ uid: 3, hotkey: 'new', reward: 0 }])[0]).toEqual({ uid: 3, hotkey: 'new', score: 0 });
    expect(resetChangedHotkeys(old, ['x', 'y', 'z', 'new'])).toEqual([]);
    expect(resetChangedHotkeys(old, ['x', 'y', 'z', 'old'])).toEqual(old);
  });

  test('rejects rewards outside [0, 1] or not finite', () => {
    for (const reward of [Number.NaN, -0.1, 1.5, Number.POSITIVE_INFINITY]) {
      expect(() => updateScores([], [{ uid: 0, hotkey: 'a', reward }])).toThrow(RangeError);
    }
  });

  test('scores stay in [0, 1] and a higher reward never gives a lower score', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (prev, r1, r2, alpha) => {
          const base = [{ uid: 1, hotkey: 'h', score: prev }];
          const a = updateScores(base, [{ uid: 1, hotkey: 'h', reward: r1 }], alpha)[0]!.score;
          const b = updateScores(base, [{ uid: 1, hotkey: 'h', reward: r2 }], alpha)[0]!.score;
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(1);
          if (r1 > r2) expect(a).toBeGreaterThanOrEqual(b);
        },
      ),
    );
  });
});
