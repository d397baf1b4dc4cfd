import { describe, expect, test } from 'vitest';
import { weightsFromScores } from './weights.js';

const hotkeys = ['a', 'b', 'c'];
const scores = [
  { uid: 0, hotkey: 'a', score: 0.6 },
  { uid: 1, hotkey: 'b', score: 0.3 },
  { uid: 2, hotkey: 'c', score: 0 },
];
const hyper = { minAllowedWeights: 1, maxWeightsLimit: 65535 };

describe('weightsFromScores sharpening', () => {
  test('power 1 keeps weights linear in the scores; power p turns a 2× score edge into 2^p', () => {
    const linear = weightsFromScores(scores, hotkeys, hyper);
    const sharp = weightsFromScores(scores, hotkeys, hyper, 3);
    const ratio = (w: { uids: number[]; weights: number[] }) =>
      w.weights[w.uids.indexOf(0)]! / w.weights[w.uids.indexOf(1)]!;
    expect(ratio(linear)).toBeCloseTo(2, 2);
    expect(ratio(sharp)).toBeCloseTo(8, 1);
    // a zero score stays without weight
    expect(sharp.uids.includes(2) ? sharp.weights[sharp.uids.indexOf(2)] : 0).toBe(0);
  });

  test('refuses a power that is not a positive number', () => {
    expect(() => weightsFromScores(scores, hotkeys, hyper, 0)).toThrow(RangeError);
    expect(() => weightsFromScores(scores, hotkeys, hyper, Number.NaN)).toThrow(RangeError);
  });
});
