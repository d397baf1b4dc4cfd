/** The fixed-rate bonds EMA shared by §4.11 (Yuma3) and §4.12 (legacy). */
import { type Csr, CsrBuilder, isAscending, type RowScratch } from '../csr.js';
import { mulI32, ONE_N } from '../fast-fixed.js';
import { I32F32, I64F64, i64f64ToI32f32 } from '../fixed.js';

/** `α = 1 − BondsMovingAverage / 10^6` (I64F64 ratio floored to I32F32), as a number raw. */
export function fixedBondsAlpha(bondsMovingAverage: bigint): number {
  const bma64 = I64F64.div(I64F64.fromInt(bondsMovingAverage), I64F64.fromInt(1_000_000n));
  return Number(I32F32.sub(1n << 32n, i64f64ToI32f32(bma64)));
}

/** Per row `α·new + (1 − α)·old`, dense over columns < n, ascending, positive values only. */
export function fixedRateEma(newM: Csr, oldM: Csr, alpha: number, scratch: RowScratch): Csr {
  const n = newM.ptr.length - 1;
  const oneMinusAlpha = ONE_N - alpha;
  const eb = new CsrBuilder(n, newM.col.length + oldM.col.length, 'ema');
  for (let i = 0; i < n; i++) {
    const p0 = newM.ptr[i] as number;
    const p1 = newM.ptr[i + 1] as number;
    const q0 = oldM.ptr[i] as number;
    const q1 = oldM.ptr[i + 1] as number;
    if (isAscending(newM.col, p0, p1, n) && isAscending(oldM.col, q0, q1, n)) {
      // common case: both rows sorted, so a linear merge gives the ascending dense order
      eb.mergeRow(newM, p0, p1, alpha, oldM, q0, q1, oneMinusAlpha);
    } else if (p0 !== p1 || q0 !== q1) {
      for (let p = p0; p < p1; p++) {
        const j = newM.col[p] as number;
        if (j >= n) continue;
        scratch.touch(j);
        scratch.a[j] = (scratch.a[j] as number) + mulI32(alpha, newM.val[p] as number);
      }
      for (let q = q0; q < q1; q++) {
        const j = oldM.col[q] as number;
        if (j >= n) continue;
        scratch.touch(j);
        scratch.a[j] = (scratch.a[j] as number) + mulI32(oneMinusAlpha, oldM.val[q] as number);
      }
      for (const j of scratch.sorted()) {
        const v = scratch.a[j] as number;
        if (v > 0) eb.push(j, v);
      }
      scratch.reset();
    }
    eb.endRow();
  }
  return eb.finish();
}
