/**
 * Sparse u16 rows packed into one CSR of typed arrays (`PackedRowsU16`), the epoch's fast form of
 * weights and bonds: a dense 4096 × 256 epoch has a million entries, and as `[uid, u16]` tuples
 * building and collecting them cost about as much as the epoch's arithmetic.
 */
import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { PackedRowsU16, SparseRowU16 } from './types.js';

/** True for the packed form (a tuple-row array has no `offsets`). */
export function isPacked(rows: readonly SparseRowU16[] | PackedRowsU16): rows is PackedRowsU16 {
  return !Array.isArray(rows);
}

/** Number of rows a packed matrix holds. */
export function packedRowCount(p: PackedRowsU16): number {
  return Math.max(0, p.offsets.length - 1);
}

/**
 * Packs tuple rows, in their order. Every uid and value must be a u16 integer (as in subtensor's
 * storage); anything else is a malformed input and throws `SK_CONSENSUS_BAD_SCENARIO`.
 */
export function packRows(rows: readonly SparseRowU16[], what = 'rows'): PackedRowsU16 {
  let total = 0;
  for (const row of rows) total += row.length;
  const offsets = new Uint32Array(rows.length + 1);
  const uids = new Uint16Array(total);
  const values = new Uint16Array(total);
  let len = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as SparseRowU16;
    for (let t = 0; t < row.length; t++) {
      const e = row[t] as [number, number];
      const j = e[0];
      const v = e[1];
      // (x & 0xffff) === x holds exactly for the integers 0 … 65535
      if ((j & 0xffff) !== j || (v & 0xffff) !== v) {
        throw new SubnetkitError(
          'SK_CONSENSUS_BAD_SCENARIO',
          `${what}[${i}][${t}] is not a (u16 uid, u16 value) pair: [${String(j)}, ${String(v)}]`,
        );
      }
      uids[len] = j;
      values[len++] = v;
    }
    offsets[i + 1] = len;
  }
  return { offsets, uids, values };
}

/** Tuple rows of a packed matrix, `n` of them (missing rows read as empty). */
export function unpackRows(p: PackedRowsU16, n = packedRowCount(p)): SparseRowU16[] {
  const out: SparseRowU16[] = new Array(n);
  const rows = packedRowCount(p);
  const { offsets, uids, values } = p;
  for (let i = 0; i < n; i++) {
    if (i >= rows) {
      out[i] = [];
      continue;
    }
    const a = offsets[i] as number;
    const row: SparseRowU16 = new Array((offsets[i + 1] as number) - a);
    for (let t = 0; t < row.length; t++) row[t] = [uids[a + t] as number, values[a + t] as number];
    out[i] = row;
  }
  return out;
}
