/** §4.9 Weights for bonds (bonds penalty). */
import { type Csr, CsrBuilder, type RowScratch } from '../csr.js';
import { mulI32, ONE_N, u16ToProportionN } from '../fast-fixed.js';

/**
 * `Wb`: W at penalty 0, Wc at penalty 65535 (β is exactly ONE), otherwise per row, densely,
 * `W + β·(Wc − W)` over ascending columns, keeping positive values.
 */
export function weightsForBonds(W: Csr, Wc: Csr, bondsPenalty: number, scratch: RowScratch): Csr {
  const beta = u16ToProportionN(bondsPenalty);
  if (beta === 0) return W;
  if (beta === ONE_N) return Wc;
  const n = W.ptr.length - 1;
  const bb = new CsrBuilder(n, W.col.length, 'wb');
  for (let i = 0; i < n; i++) {
    const p0 = W.ptr[i] as number;
    const p1 = W.ptr[i + 1] as number;
    const q0 = Wc.ptr[i] as number;
    const q1 = Wc.ptr[i + 1] as number;
    if (p0 !== p1 || q0 !== q1) {
      for (let p = p0; p < p1; p++) {
        const j = W.col[p] as number;
        scratch.touch(j);
        scratch.a[j] = W.val[p] as number;
      }
      for (let q = q0; q < q1; q++) {
        const j = Wc.col[q] as number;
        scratch.touch(j);
        scratch.b[j] = Wc.val[q] as number;
      }
      for (const j of scratch.sorted()) {
        const v1 = scratch.a[j] as number;
        const x = v1 + mulI32(beta, (scratch.b[j] as number) - v1);
        if (x > 0) bb.push(j, x);
      }
      scratch.reset();
    }
    bb.endRow();
  }
  return bb.finish();
}
