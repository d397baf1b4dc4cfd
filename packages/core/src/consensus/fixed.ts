/**
 * Fixed-point arithmetic with the semantics of the `substrate-fixed` 0.6 crate as subtensor uses it
 * (consensus.md §2). Every value is its raw integer (`bigint`). Multiplication floors (arithmetic
 * shift of the exact product), division truncates toward zero, saturating ops clamp to the type's
 * raw range, and `div` is subtensor's `safe_div` (0 on a zero divisor or an out-of-range result).
 */

/** Operations of one fixed-point type over raw `bigint`s. */
export interface FixedType {
  /** Number of fractional bits. */
  readonly frac: bigint;
  readonly min: bigint;
  readonly max: bigint;
  /** Raw of 1.0. */
  readonly one: bigint;
  /** Clamp a raw integer to the type's range. */
  saturate(raw: bigint): bigint;
  /** `saturating_from_num(k)` for an integer `k`. */
  fromInt(k: bigint | number): bigint;
  /** Saturating addition. */
  add(a: bigint, b: bigint): bigint;
  /** Saturating subtraction. */
  sub(a: bigint, b: bigint): bigint;
  /** Saturating multiplication (floor of the exact product). */
  mul(a: bigint, b: bigint): bigint;
  /** Checked multiplication: `null` on overflow. */
  checkedMul(a: bigint, b: bigint): bigint | null;
  /** `safe_div`: truncating division, 0 when `b` is 0 or the result is out of range. */
  div(a: bigint, b: bigint): bigint;
  /** Checked division: `null` when `b` is 0 or the result is out of range. */
  checkedDiv(a: bigint, b: bigint): bigint | null;
  /** Saturating division (truncating). A zero divisor saturates by the sign of `a`. */
  sdiv(a: bigint, b: bigint): bigint;
  /** Integer part (floor). */
  floor(a: bigint): bigint;
  /** Round to the nearest integer, ties away from zero (returns a raw value). */
  round(a: bigint): bigint;
  /** `saturating_to_num::<u64>()`: floor, clamped to [0, 2^64 − 1]. */
  toU64(a: bigint): bigint;
  /** `saturating_to_num::<u16>()`: floor, clamped to [0, 65535]. */
  toU16(a: bigint): number;
}

const U64_MAX = (1n << 64n) - 1n;

function makeFixed(frac: bigint, min: bigint, max: bigint): FixedType {
  const one = 1n << frac;
  const half = one >> 1n;
  const saturate = (raw: bigint): bigint => (raw > max ? max : raw < min ? min : raw);
  const inRange = (raw: bigint): boolean => raw >= min && raw <= max;
  const floor = (a: bigint): bigint => a >> frac;
  return {
    frac,
    min,
    max,
    one,
    saturate,
    fromInt: (k) => saturate(BigInt(k) << frac),
    add: (a, b) => saturate(a + b),
    sub: (a, b) => saturate(a - b),
    mul: (a, b) => saturate((a * b) >> frac),
    checkedMul: (a, b) => {
      const r = (a * b) >> frac;
      return inRange(r) ? r : null;
    },
    div: (a, b) => {
      if (b === 0n) return 0n;
      const r = (a << frac) / b;
      return inRange(r) ? r : 0n;
    },
    checkedDiv: (a, b) => {
      if (b === 0n) return null;
      const r = (a << frac) / b;
      return inRange(r) ? r : null;
    },
    sdiv: (a, b) => {
      if (b === 0n) return a === 0n ? 0n : a > 0n ? max : min;
      return saturate((a << frac) / b);
    },
    floor,
    round: (a) => {
      // ties away from zero, as `FixedI*::round`
      if (a >= 0n) return saturate(((a + half) >> frac) << frac);
      return saturate(-(((-a + half) >> frac) << frac));
    },
    toU64: (a) => {
      const k = floor(a);
      return k < 0n ? 0n : k > U64_MAX ? U64_MAX : k;
    },
    toU16: (a) => {
      const k = floor(a);
      return k < 0n ? 0 : k > 65535n ? 65535 : Number(k);
    },
  };
}

/** Signed, 64-bit raw, 32 fractional bits: the epoch's working type. */
export const I32F32: FixedType = makeFixed(32n, -(1n << 63n), (1n << 63n) - 1n);
/** Signed, 128-bit raw, 64 fractional bits: stake weights. */
export const I64F64: FixedType = makeFixed(64n, -(1n << 127n), (1n << 127n) - 1n);
/** Signed, 128-bit raw, 32 fractional bits: conversion of shares to rao. */
export const I96F32: FixedType = makeFixed(32n, -(1n << 127n), (1n << 127n) - 1n);
/** Unsigned, 128-bit raw, 32 fractional bits: `TaoWeight`, childkey inheritance. */
export const U96F32: FixedType = makeFixed(32n, 0n, (1n << 128n) - 1n);
/** Unsigned, 128-bit raw, 64 fractional bits (coinbase; not used inside the epoch). */
export const U64F64: FixedType = makeFixed(64n, 0n, (1n << 128n) - 1n);

/** Raw of 1.0 in I32F32. */
export const ONE = 1n << 32n;

/** I64F64 → I32F32: drop 32 fractional bits (floor), saturated. */
export function i64f64ToI32f32(raw: bigint): bigint {
  return I32F32.saturate(raw >> 32n);
}

/** A `u16` read as a proportion: `div(fx(k), fx(65535))`, raw `trunc(k·2^32 / 65535)`. */
export function u16ToProportion(k: number): bigint {
  return I32F32.div(I32F32.fromInt(k), I32F32.fromInt(65535));
}

/** A proportion stored as `u16`: `to_u16(mul(x, fx(65535)))`. */
export function proportionToU16(x: bigint): number {
  return I32F32.toU16(I32F32.mul(x, I32F32.fromInt(65535)));
}

/** e stored with 23 fractional bits, as the crate returns it for exp(1). */
const E_RAW = 22802600n << 9n;

/** `exp` of the crate for I32F32: the truncated Taylor series, `null` when it overflows. */
export function exp(x: bigint): bigint | null {
  if (x === 0n) return ONE;
  if (x === ONE) return E_RAW;
  let v = x;
  const neg = v < 0n;
  if (neg) v = -v;
  if (!(v >= I32F32.min && v <= I32F32.max)) return null;
  if (v + ONE > I32F32.max) return null;
  let result = v + ONE;
  let term = v;
  for (let i = 2n; i < 32n; i++) {
    const t = I32F32.checkedMul(term, v);
    if (t === null) return null;
    const d = I32F32.checkedDiv(t, i << 32n);
    if (d === null) return null;
    term = d;
    const r = result + term;
    if (r > I32F32.max || r < I32F32.min) return null;
    result = r;
  }
  if (neg) return I32F32.checkedDiv(ONE, result);
  return result;
}

const EXP_LIMIT = 20n << 32n;

/** `exp_safe`: input clamped to [−20, 20]; a failed `exp` gives 0 (input ≤ 0) or MAX. */
export function expSafe(x: bigint): bigint {
  const c = x < -EXP_LIMIT ? -EXP_LIMIT : x > EXP_LIMIT ? EXP_LIMIT : x;
  const r = exp(c);
  if (r !== null) return r;
  return c <= 0n ? 0n : I32F32.max;
}

function clampValue(v: bigint, lo: bigint, hi: bigint): bigint {
  const a = v < hi ? v : hi;
  return a > lo ? a : lo;
}

const HALF = ONE >> 1n;
const MINUS_100 = I32F32.fromInt(-100);

/** The liquid-alpha sigmoid (consensus.md §2.5); all arguments and the result are I32F32 raws. */
export function alphaSigmoid(
  consensus: bigint,
  weight: bigint,
  bond: bigint,
  alphaLow: bigint,
  alphaHigh: bigint,
  steepness: bigint,
): bigint {
  const diffBuy = clampValue(I32F32.sub(weight, consensus), 0n, ONE);
  const diffSell = clampValue(I32F32.sub(bond, weight), 0n, ONE);
  const diff = weight >= bond ? diffBuy : diffSell;
  return alphaFromDiff(diff, alphaLow, alphaHigh, steepness);
}

/** The part of `alphaSigmoid` after the difference is chosen (it depends on nothing else). */
export function alphaFromDiff(diff: bigint, alphaLow: bigint, alphaHigh: bigint, steepness: bigint): bigint {
  const x = I32F32.mul(I32F32.sdiv(steepness, MINUS_100), I32F32.sub(diff, HALF));
  const sigmoid = I32F32.sdiv(ONE, I32F32.add(ONE, expSafe(x)));
  const alpha = I32F32.add(alphaLow, I32F32.mul(sigmoid, I32F32.sub(alphaHigh, alphaLow)));
  return clampValue(alpha, alphaLow, alphaHigh);
}
