/**
 * Weight helpers the chain applies before the epoch sees a row (subtensor `math.rs`:
 * `vec_max_upscale_to_u16`, `vec_u16_max_upscale_to_u16`; consensus.md §9.3).
 */
import { I32F32 } from './fixed.js';

const U16_MAX_FX = I32F32.fromInt(65535);
const THRESHOLD_FX = I32F32.fromInt(32768);

/**
 * `vec_max_upscale_to_u16`: scales I32F32 raws so the largest becomes 65535 (rounding half away
 * from zero). An empty input gives an empty output.
 */
export function maxUpscaleToU16(values: readonly bigint[]): number[] {
  if (values.length === 0) return [];
  let max = values[0] as bigint;
  for (const v of values) if (v > max) max = v;
  if (max === 0n) return values.map((e) => I32F32.toU16(I32F32.mul(e, U16_MAX_FX)));
  if (max > THRESHOLD_FX) {
    const f = I32F32.div(U16_MAX_FX, max);
    return values.map((e) => I32F32.toU16(I32F32.round(I32F32.mul(e, f))));
  }
  return values.map((e) => I32F32.toU16(I32F32.round(I32F32.div(I32F32.mul(e, U16_MAX_FX), max))));
}

/**
 * `vec_u16_max_upscale_to_u16`: what `set_weights` stores for the submitted u16 values.
 *
 * @example
 * maxUpscaleU16([30000, 10000]); // [65535, 21845]
 */
export function maxUpscaleU16(values: readonly number[]): number[] {
  return maxUpscaleToU16(values.map((v) => I32F32.fromInt(v)));
}
