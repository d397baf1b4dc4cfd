/** §4.5 Weights and masks (permit, self-weight, outdated, commit-reveal), then row normalisation. */
import type { Csr } from '../csr.js';
import { intRatiosInPlace } from '../fast-fixed.js';
import { scratchF64, scratchI32 } from '../scratch.js';
import type { PackedRowsU16 } from '../types.js';
import type { EpochBlocks } from './activity.js';

/**
 * `W = row_normalize(masked stored rows)`, entries in stored order. Values start as `fx(w)`, and
 * the ratio `fx(w) / fx(row sum)` is taken on the integers directly (the same raw).
 */
export function maskedWeights(
  n: number,
  rows: PackedRowsU16,
  permitOld: readonly boolean[],
  owner: number,
  blocks: EpochBlocks,
  commitReveal: boolean,
): Csr {
  const { offsets, uids, values } = rows;
  const stored = Math.min(n, offsets.length - 1);
  let cap = 0;
  for (let i = 0; i < stored; i++) if (permitOld[i]) cap += (offsets[i + 1] as number) - (offsets[i] as number);
  const ptr = new Int32Array(n + 1);
  const col = scratchI32('w.col', cap);
  const val = scratchF64('w.val', cap);
  const { lastUpdate, registration: bar, commit } = blocks;
  let len = 0;
  for (let i = 0; i < n; i++) {
    if (i < stored && permitOld[i]) {
      const lu = lastUpdate[i] as number;
      const cb = commit[i] as number;
      const start = len;
      let sum = 0;
      for (let t = offsets[i] as number, end = offsets[i + 1] as number; t < end; t++) {
        const j = uids[t] as number;
        if (j >= n) continue;
        if (j === i && i !== owner) continue;
        const reg = bar[j] as number;
        if (lu <= reg) continue;
        if (commitReveal && cb < reg) continue;
        const w = values[t] as number;
        col[len] = j;
        val[len++] = w;
        sum += w;
      }
      if (sum > 0) intRatiosInPlace(val, start, len, sum);
    }
    ptr[i + 1] = len;
  }
  return { ptr, col: col.subarray(0, len), val: val.subarray(0, len) };
}
