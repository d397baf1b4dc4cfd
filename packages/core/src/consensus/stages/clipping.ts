/** §4.7 Clipping and validator trust. */
import type { Csr } from '../csr.js';
import { scratchF64, scratchI32 } from '../scratch.js';

export interface Clipped {
  /** W with each weight above consensus lowered to it (dropped where consensus is 0) */
  Wc: Csr;
  validatorTrust: Float64Array;
}

/** `Wc` in W's order and `validator_trust_i = sum(Wc row i)`. */
export function clipWeights(W: Csr, consensus: Float64Array): Clipped {
  const n = consensus.length;
  const { ptr: wPtr, col: wCol, val: wVal } = W;
  const ptr = new Int32Array(n + 1);
  const col = scratchI32('c.col', wCol.length);
  const val = scratchF64('c.val', wCol.length);
  const validatorTrust = new Float64Array(n);
  let len = 0;
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let p = wPtr[i] as number; p < (wPtr[i + 1] as number); p++) {
      const j = wCol[p] as number;
      const w = wVal[p] as number;
      const c = consensus[j] as number;
      if (c < w) {
        if (!(c > 0)) continue; // a weight clipped to a zero consensus leaves the row
        col[len] = j;
        val[len++] = c;
        t += c;
      } else {
        col[len] = j;
        val[len++] = w;
        t += w;
      }
    }
    validatorTrust[i] = t;
    ptr[i + 1] = len;
  }
  return { Wc: { ptr, col: col.subarray(0, len), val: val.subarray(0, len) }, validatorTrust };
}
