import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSubnetkitError } from '../errors/subnetkit-error.js';
import { parseJsonBig } from './json-bigint.js';
import {
  convertAndNormalizeWeightsAndUids,
  convertMaybeSplitToU16,
  convertWeightsAndUidsForEmit,
  normalizeMaxWeight,
  processWeights,
  roundHalfEven,
  U16_MAX,
  u16NormalizedFloat,
  type WeightDtype,
} from './weights.js';

// Vectors copied from shared/vectors/protocol (see fixtures/README.md).
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON
const W: any = parseJsonBig(readFileSync(new URL('./fixtures/weight_utils.json', import.meta.url), 'utf8'));
const TOL = 1e-6;

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (const [i, a] of actual.entries()) expect(Math.abs(a - (expected[i] as number))).toBeLessThanOrEqual(TOL);
}

describe('normalizeMaxWeight vectors', () => {
  for (const c of W.normalize_max_weight) {
    it(c.id, () => {
      const y = normalizeMaxWeight(c.x, c.limit, c.dtype as WeightDtype);
      expectClose(y, c.expected);
      expect(Math.abs(Math.max(...y) - c.expected_max)).toBeLessThanOrEqual(TOL);
    });
  }
  it('never exceeds a feasible limit and sums to 1 (property)', () => {
    // feasible: all entries positive and n * limit > 1 (zeros cannot absorb weight)
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 1000, noNaN: true }), { minLength: 11, maxLength: 60 }),
        fc.double({ min: 0.1, max: 0.9, noNaN: true }),
        (x, limit) => {
          const y = normalizeMaxWeight(x, limit);
          expect(Math.abs(y.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-9);
          expect(Math.max(...y)).toBeLessThanOrEqual(limit + 1e-9);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('u16 conversion vectors', () => {
  for (const c of W.convert_weights_and_uids_for_emit) {
    it(c.id, () => {
      if (c.error) {
        let thrown: unknown;
        try {
          convertWeightsAndUidsForEmit(c.uids, c.weights);
        } catch (e) {
          thrown = e;
        }
        expect(isSubnetkitError(thrown, 'SK_PROTOCOL_BAD_WEIGHTS')).toBe(true);
        if (c.error_message) expect((thrown as Error).message).toBe(c.error_message);
        return;
      }
      expect(convertWeightsAndUidsForEmit(c.uids, c.weights)).toEqual({
        uids: c.expected_uids,
        weights: c.expected_vals,
      });
    });
  }
  for (const c of W.convert_and_normalize_weights_and_uids) {
    it(c.id, () => {
      expect(convertAndNormalizeWeightsAndUids(c.uids, c.weights)).toEqual({
        uids: c.expected_uids,
        weights: c.expected_vals,
      });
    });
  }
  it('rounds half to even, unlike Math.round', () => {
    expect([0.5, 1.5, 2.5, 3.5, -2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, -2, 2, 3]);
  });
  it('keeps order, maps the largest to 65535 and is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }), (w) => {
        const uids = w.map((_, i) => i);
        const r = convertWeightsAndUidsForEmit(uids, w);
        expect(Math.max(...r.weights)).toBe(U16_MAX);
        for (let i = 1; i < r.uids.length; i++) {
          const a = w[r.uids[i - 1] as number] as number;
          const b = w[r.uids[i] as number] as number;
          if (a < b) expect(r.weights[i - 1]).toBeLessThanOrEqual(r.weights[i] as number);
        }
        expect(convertWeightsAndUidsForEmit(r.uids, r.weights)).toEqual(r);
      }),
      { numRuns: 200 },
    );
  });
});

describe('processWeights vectors', () => {
  for (const c of W.process_weights) {
    it(c.id, () => {
      const r = processWeights({
        uids: c.uids,
        weights: c.weights,
        numNeurons: c.num_neurons,
        minAllowedWeights: c.min_allowed_weights,
        maxWeightLimit: c.max_weight_limit,
        excludeQuantile: c.exclude_quantile,
      });
      expect(r.uids).toEqual(c.expected_uids);
      expectClose(r.weights, c.expected_weights);
      expect(r.dtype).toBe(c.expected_weights_dtype);
    });
  }
});

describe('emission split vectors', () => {
  for (const c of W.convert_maybe_split_to_u16) {
    it(c.id, () => {
      if (c.error) expect(() => convertMaybeSplitToU16(c.input)).toThrow();
      else expect(convertMaybeSplitToU16(c.input)).toEqual(c.expected);
    });
  }
  it('u16NormalizedFloat', () => {
    for (const c of W.u16_normalized_float) expect(u16NormalizedFloat(c.x)).toBeCloseTo(c.expected, 12);
  });
});
