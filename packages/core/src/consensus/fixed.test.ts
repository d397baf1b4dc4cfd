import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  divI32,
  divShareBy,
  intRatioI32,
  intRatiosInPlace,
  mulI32,
  proportionToU16N,
  u16ToProportionN,
} from './fast-fixed.js';
import { alphaSigmoid, exp, expSafe, I32F32, I64F64, ONE, proportionToU16, u16ToProportion } from './fixed.js';
import { maxUpscaleU16 } from './weights.js';

const raw = (max: number) => fc.integer({ min: -max, max });
const LIMIT = 2 ** 34;

describe('I32F32 reference arithmetic', () => {
  it('multiplies with floor and divides with truncation on negative operands', () => {
    expect(I32F32.mul(-1n, 1n)).toBe(-1n); // floor(-1/2^32) = -1
    expect(I32F32.div(-1n, 3n << 32n)).toBe(0n); // trunc(-1/3) = 0
    expect(I32F32.sdiv(I32F32.fromInt(1000), I32F32.fromInt(-100))).toBe(-10n << 32n);
  });

  it('saturates on overflow and safe_div returns 0 for a zero divisor or overflow', () => {
    expect(I32F32.add(I32F32.max, 1n)).toBe(I32F32.max);
    expect(I32F32.mul(I32F32.max, I32F32.fromInt(2))).toBe(I32F32.max);
    expect(I32F32.mul(I32F32.max, I32F32.fromInt(-2))).toBe(I32F32.min);
    expect(I32F32.div(ONE, 0n)).toBe(0n);
    expect(I32F32.div(I32F32.max, 1n)).toBe(0n);
    expect(I32F32.fromInt(2n ** 40n)).toBe(I32F32.max);
  });

  it('rounds half away from zero', () => {
    expect(I32F32.round(ONE / 2n)).toBe(ONE);
    expect(I32F32.round(-ONE / 2n)).toBe(-ONE);
    expect(I32F32.round(ONE / 2n - 1n)).toBe(0n);
  });

  it('reads and writes u16 proportions as the spec examples say', () => {
    expect(u16ToProportion(32767)).toBe(2147450879n);
    expect(u16ToProportion(65535)).toBe(ONE);
    expect(proportionToU16(3221225472n)).toBe(49151);
    expect(I64F64.div(I64F64.fromInt(900000), I64F64.fromInt(1_000_000))).toBe(16602069666338596454n);
  });

  it('computes exp like the crate: the e constant at 1, reciprocals for negatives, 0 on failure', () => {
    expect(exp(0n)).toBe(ONE);
    expect(exp(ONE)).toBe(11674931200n);
    const e2 = exp(2n * ONE) as bigint;
    expect(Number(e2) / 2 ** 32).toBeCloseTo(Math.exp(2), 6);
    const em2 = exp(-2n * ONE) as bigint;
    expect(em2).toBe(I32F32.div(ONE, e2));
    expect(expSafe(-100n * ONE)).toBe(exp(-20n * ONE));
    // the crate's 31-term series falls short of e^20 by about 0.8 %: reproduce that, not Math.exp
    expect(expSafe(20n * ONE)).toBe(exp(20n * ONE));
    expect(Math.abs(Number(expSafe(20n * ONE)) / 2 ** 32 / Math.exp(20) - 1)).toBeLessThan(0.01);
  });

  it('keeps the liquid-alpha sigmoid between alpha low and alpha high', () => {
    const lo = u16ToProportion(45875);
    const hi = u16ToProportion(58982);
    fc.assert(
      fc.property(
        fc.nat(65535),
        fc.nat(65535),
        fc.nat(65535),
        fc.integer({ min: -32768, max: 32767 }),
        (c, w, b, k) => {
          const a = alphaSigmoid(u16ToProportion(c), u16ToProportion(w), u16ToProportion(b), lo, hi, I32F32.fromInt(k));
          return a >= lo && a <= hi;
        },
      ),
    );
  });
});

describe('number-raw fast path', () => {
  it('multiplies exactly like the bigint reference', () => {
    fc.assert(
      fc.property(raw(LIMIT), raw(LIMIT), (a, b) => BigInt(mulI32(a, b)) === I32F32.mul(BigInt(a), BigInt(b))),
      { numRuns: 5000 },
    );
    expect(mulI32(LIMIT * 4, LIMIT)).toBe(Number(I32F32.mul(BigInt(LIMIT * 4), BigInt(LIMIT))));
  });

  it('divides exactly like safe_div, including signs, zero and large quotients', () => {
    fc.assert(
      fc.property(raw(LIMIT), raw(LIMIT), (a, b) => {
        const ref = I32F32.div(BigInt(a), BigInt(b));
        // results beyond 2^53 cannot be numbers: the fast path refuses them rather than round
        if (ref > BigInt(Number.MAX_SAFE_INTEGER) || ref < -BigInt(Number.MAX_SAFE_INTEGER)) {
          try {
            divI32(a, b);
            return false;
          } catch (err) {
            return /exact number range/.test(String(err));
          }
        }
        return BigInt(divI32(a, b)) === ref;
      }),
      { numRuns: 5000 },
    );
    // values of the epoch: numerators at most the denominator
    fc.assert(
      fc.property(fc.integer({ min: 1, max: LIMIT }), fc.double({ min: 0, max: 1, noNaN: true }), (b, f) => {
        const a = Math.floor(b * f);
        return BigInt(divI32(a, b)) === I32F32.div(BigInt(a), BigInt(b));
      }),
      { numRuns: 5000 },
    );
  });

  it('divides exactly where the quotient is at most 1, at integer and near-integer quotients', () => {
    // the float estimate is off by one exactly when a·2^32/b is (nearly) an integer: a = b·k/2^32
    fc.assert(
      fc.property(fc.integer({ min: 1, max: LIMIT }), fc.nat(2 ** 32), fc.integer({ min: -2, max: 2 }), (b, k, d) => {
        const a = Math.min(b, Math.max(0, Math.floor((b * k) / 2 ** 32) + d));
        return BigInt(divI32(a, b)) === I32F32.div(BigInt(a), BigInt(b));
      }),
      { numRuns: 5000 },
    );
    for (const b of [1, 3, 65535, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, LIMIT - 1, LIMIT])
      for (const a of [0, 1, b - 1, b, Math.floor(b / 2), Math.floor(b / 3)])
        if (a >= 0 && a <= b) expect(BigInt(divI32(a, b))).toBe(I32F32.div(BigInt(a), BigInt(b)));
  });

  it('divides by a precomputed reciprocal exactly (shares of a column sum), falling back outside its range', () => {
    const exact = (a: number, b: number): boolean =>
      BigInt(divShareBy(a, b, 2 ** 32 / b)) === I32F32.div(BigInt(a), BigInt(b));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: LIMIT }), fc.nat(2 ** 32), fc.integer({ min: -2, max: 2 }), (b, k, d) =>
        exact(Math.min(b, Math.max(0, Math.floor((b * k) / 2 ** 32) + d)), b),
      ),
      { numRuns: 5000 },
    );
    for (const b of [0, 1, 3, 65535, 2 ** 32 - 1, 2 ** 32, LIMIT, LIMIT + 1, 2 ** 44])
      for (const a of [0, 1, b - 1, b, Math.floor(b / 3)]) expect(exact(a, b), `${a}/${b}`).toBe(true);
  });

  it('computes integer ratios and u16 conversions exactly', () => {
    fc.assert(
      fc.property(fc.nat(65535), fc.integer({ min: 1, max: 2 ** 40 }), (k, t) => {
        const total = Math.max(k, t);
        return BigInt(intRatioI32(k, total)) === I32F32.div(BigInt(k) << 32n, BigInt(total) << 32n);
      }),
      { numRuns: 3000 },
    );
    // a row's shares of its sum, one reciprocal per row: same raws as one exact division each
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(65535), fc.constant(65535), fc.constant(0)), { minLength: 1 }), (row) => {
        const total = row.reduce((s, k) => s + k, 0);
        const val = Float64Array.from(row);
        if (total > 0) intRatiosInPlace(val, 0, val.length, total);
        return row.every(
          (k, p) => total === 0 || BigInt(val[p] as number) === I32F32.div(BigInt(k) << 32n, BigInt(total) << 32n),
        );
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.nat(65535), (k) => BigInt(u16ToProportionN(k)) === u16ToProportion(k)),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(raw(LIMIT * 4), (x) => proportionToU16N(x) === proportionToU16(BigInt(x))),
      { numRuns: 3000 },
    );
  });
});

describe('maxUpscaleU16', () => {
  it('matches the spec examples', () => {
    expect(maxUpscaleU16([30000, 10000])).toEqual([65535, 21845]);
    expect(maxUpscaleU16([1, 2, 3])).toEqual([21845, 43690, 65535]);
    expect(maxUpscaleU16([0, 0])).toEqual([0, 0]);
    expect(maxUpscaleU16([])).toEqual([]);
  });

  it('always maps the largest value to 65535 and keeps the order of values', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(65535), { minLength: 1, maxLength: 20 }), (vs) => {
        const up = maxUpscaleU16(vs);
        const max = Math.max(...vs);
        if (max === 0) return up.every((u) => u === 0);
        return (
          up[vs.indexOf(max)] === 65535 &&
          vs.every((v, i) => vs.every((w, k) => v > w || (up[i] as number) <= (up[k] as number)))
        );
      }),
    );
  });
});
