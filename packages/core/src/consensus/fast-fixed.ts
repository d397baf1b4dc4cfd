/**
 * I32F32 arithmetic on raws held as JavaScript numbers, for the epoch's hot loops.
 *
 * Why this is exact: inside the epoch every I32F32 value on these paths is a normalised quantity
 * (stake shares, row-normalised weights, bonds, incentive), so |raw| ≤ ~2^33, far below 2^53.
 * `mulI32` splits one factor into 16-bit limbs so every partial product stays below 2^53, and
 * `divI32` is long division in 16-bit steps with an exact remainder correction. Outside the fast
 * ranges both fall back to the `bigint` reference (`fixed.ts`) and throw rather than round if the
 * result cannot be held exactly. `fast-fixed.test.ts` checks them against the reference.
 */
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { I32F32 } from './fixed.js';

const TWO16 = 65536;
/** Raw of 1.0 as a number. */
export const ONE_N = 4294967296;
/** Operands up to 2^34 keep all limb products below 2^53. */
const FAST_LIMIT = 17179869184;
const DIV_QUOTIENT_LIMIT = 1048576;

function exactNumber(raw: bigint): number {
  if (raw > BigInt(Number.MAX_SAFE_INTEGER) || raw < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new SubnetkitError('SK_INTERNAL', `I32F32 value ${raw} left the exact number range`);
  }
  return Number(raw);
}

/** Saturating I32F32 multiplication `floor(a·b / 2^32)` on number raws. */
export function mulI32(a: number, b: number): number {
  if (a > FAST_LIMIT || a < -FAST_LIMIT || b > FAST_LIMIT || b < -FAST_LIMIT) {
    return exactNumber(I32F32.mul(BigInt(a), BigInt(b)));
  }
  const bh = Math.floor(b / TWO16);
  const bl = b - bh * TWO16;
  // a·b = a·bh·2^16 + a·bl, and floor(x/2^32) = floor((a·bh + floor(a·bl/2^16)) / 2^16)
  return Math.floor((a * bh + Math.floor((a * bl) / TWO16)) / TWO16);
}

/** floor(a·2^32 / b) for 0 ≤ a < b·2^20, 0 < b ≤ 2^34. */
function divPositive(a: number, b: number): number {
  let q = Math.floor(a / b);
  let r = a - q * b;
  if (r < 0) {
    q--;
    r += b;
  }
  for (let step = 0; step < 2; step++) {
    const t = r * TWO16;
    let d = Math.floor(t / b);
    r = t - d * b;
    if (r < 0) {
      d--;
      r += b;
    }
    q = q * TWO16 + d;
  }
  return q;
}

/**
 * floor(a·2^32 / b) for 0 ≤ a ≤ b ≤ 2^34 (every normalisation in the epoch): one float division
 * gives the quotient within ±1 (relative error 2^-53 on a quotient ≤ 2^32), then the remainder,
 * computed exactly in 16-bit limbs (all terms < 2^51), corrects it.
 */
function divAtMostOne(a: number, b: number): number {
  return corrected(Math.floor((a / b) * ONE_N), a, b);
}

/** The exact floor(a·2^32 / b) from an estimate `q` within ±1: the remainder, in 16-bit limbs, decides. */
function corrected(q: number, a: number, b: number): number {
  const qh = Math.floor(q / TWO16);
  const ql = q - qh * TWO16;
  const r = (a * TWO16 - qh * b) * TWO16 - ql * b;
  return r < 0 ? q - 1 : r >= b ? q + 1 : q;
}

/**
 * `divI32(a, b)` for a part of a non-negative sum (0 ≤ a ≤ b), with `inv = ONE_N / b` computed
 * once for many `a` (a column's entries): the product is within 2^-20 of the quotient, like
 * `divAtMostOne`'s estimate, and the same exact remainder corrects it, so each entry costs a
 * multiplication instead of a division.
 */
export function divShareBy(a: number, b: number, inv: number): number {
  if (!(b > 0 && b <= FAST_LIMIT && a >= 0 && a <= b)) return divI32(a, b);
  return corrected(Math.floor(a * inv), a, b);
}

/** I32F32 `safe_div` on number raws: `trunc(a·2^32 / b)`, 0 for b = 0 or out of range. */
export function divI32(a: number, b: number): number {
  if (b === 0) return 0;
  const na = a < 0 ? -a : a;
  const nb = b < 0 ? -b : b;
  if (na <= nb && nb <= FAST_LIMIT) {
    const q = divAtMostOne(na, nb);
    return a < 0 !== b < 0 ? -q : q;
  }
  if (na <= FAST_LIMIT && nb <= FAST_LIMIT && na < nb * DIV_QUOTIENT_LIMIT) {
    const q = divPositive(na, nb);
    return a < 0 !== b < 0 ? -q : q;
  }
  return exactNumber(I32F32.div(BigInt(a), BigInt(b)));
}

/** floor(num / den) for integers 0 ≤ num, den ≤ 2^52, den > 0. */
export function floorDivInt(num: number, den: number): number {
  let q = Math.floor(num / den);
  const r = num - q * den;
  if (r < 0) q--;
  else if (r >= den) q++;
  return q;
}

/** `div(fx(k), fx(total))` for non-negative integers k ≤ total < 2^32: `trunc(k·2^32 / total)`. */
export function intRatioI32(k: number, total: number): number {
  if (total === 0) return 0;
  if (k < 2097152 && total <= 4503599627370496) return floorDivInt(k * ONE_N, total);
  return exactNumber(I32F32.div(BigInt(k) << 32n, BigInt(total) << 32n));
}

/**
 * `intRatioI32(val[p], total)` for p in [a, b), in place: a row's shares of its sum. One reciprocal
 * per row instead of a division per entry: `k · (2^32 / total)` is within 2^-19 of the exact
 * quotient (≤ 2^32, two roundings of 2^-53), so its floor is off by at most one, and the exact
 * remainder (all terms < 2^53) corrects it.
 */
export function intRatiosInPlace(val: Float64Array, a: number, b: number, total: number): void {
  if (!(total > 0 && total <= 4503599627370496)) {
    for (let p = a; p < b; p++) val[p] = intRatioI32(val[p] as number, total);
    return;
  }
  const inv = ONE_N / total;
  for (let p = a; p < b; p++) {
    const k = val[p] as number;
    if (!(k >= 0 && k < 2097152 && k === Math.floor(k))) {
      val[p] = intRatioI32(k, total);
      continue;
    }
    let q = Math.floor(k * inv);
    const r = k * ONE_N - q * total;
    if (r < 0) q--;
    else if (r >= total) q++;
    val[p] = q;
  }
}

/** `u16p(k)`: a u16 read as a proportion. */
export function u16ToProportionN(k: number): number {
  return floorDivInt(k * ONE_N, 65535);
}

/** `pu16(x)`: proportion → stored u16, `to_u16(mul(x, fx(65535)))`. */
export function proportionToU16N(x: number): number {
  if (x <= 0) return 0;
  if (x > FAST_LIMIT) return 65535;
  const k = Math.floor((x * 65535) / ONE_N);
  return Math.min(k, 65535);
}
