/** §4.12 Legacy bonds and dividends (`Yuma3On = false`). */
import { type Csr, colMaxUpscale, colNormalize, normalizeInPlace, type RowScratch } from '../csr.js';
import { intRatioI32, mulI32 } from '../fast-fixed.js';
import { scratchF64 } from '../scratch.js';
import { fixedBondsAlpha, fixedRateEma } from './ema.js';

export interface LegacyBonds {
  /** `col_max_upscale(EMA)`, the bonds to store */
  bonds: Csr;
  dividends: Float64Array;
}

/**
 * Bonds read as integers (`Bint`, from `readBonds(…, false)`) and column-normalised; `ΔB` from
 * Wb scaled by active stake, column-normalised; the fixed-rate EMA, column-normalised; dividends
 * from it and the incentive; the EMA max-upscaled per column to store. Column-normalises `Bint`
 * in place.
 */
export function legacyBonds(
  Wb: Csr,
  Bint: Csr,
  incentive: Float64Array,
  activeStake: Float64Array,
  bondsMovingAverage: bigint,
  scratch: RowScratch,
): LegacyBonds {
  const n = activeStake.length;
  // integer values: fx(b) / fx(colsum) is the integer ratio
  const colSum = new Float64Array(n);
  for (let p = 0; p < Bint.col.length; p++) {
    const j = Bint.col[p] as number;
    colSum[j] = (colSum[j] as number) + (Bint.val[p] as number);
  }
  for (let p = 0; p < Bint.col.length; p++) {
    Bint.val[p] = intRatioI32(Bint.val[p] as number, colSum[Bint.col[p] as number] as number);
  }
  const delta: Csr = { ptr: Wb.ptr, col: Wb.col, val: scratchF64('delta.val', Wb.val.length) };
  for (let i = 0; i < n; i++) {
    const s = activeStake[i] as number;
    for (let p = Wb.ptr[i] as number; p < (Wb.ptr[i + 1] as number); p++) delta.val[p] = mulI32(Wb.val[p] as number, s);
  }
  colNormalize(delta, n);
  const ema = fixedRateEma(delta, Bint, fixedBondsAlpha(bondsMovingAverage), scratch);
  colNormalize(ema, n);
  const dividends = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let p = ema.ptr[i] as number; p < (ema.ptr[i + 1] as number); p++) {
      d += mulI32(incentive[ema.col[p] as number] as number, ema.val[p] as number);
    }
    dividends[i] = d;
  }
  normalizeInPlace(dividends);
  colMaxUpscale(ema, n);
  return { bonds: ema, dividends };
}
