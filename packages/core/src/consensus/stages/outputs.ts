/** §4.14 Outputs: what storage keeps, as u16. */
import type { Csr } from '../csr.js';
import { ONE_N, proportionToU16N } from '../fast-fixed.js';
import type { SparseRowU16 } from '../types.js';

/** `pu16` of every element. */
export function toU16(v: Float64Array): number[] {
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = proportionToU16N(v[i] as number);
  return out;
}

/** Bond rows to store: `pu16` of each entry in order for uids with the new permit, else empty. */
export function storedBonds(bonds: Csr, permitNew: readonly boolean[]): SparseRowU16[] {
  const n = permitNew.length;
  const out: SparseRowU16[] = new Array(n);
  const { ptr, col, val } = bonds;
  for (let i = 0; i < n; i++) {
    if (!permitNew[i]) {
      out[i] = [];
      continue;
    }
    const p0 = ptr[i] as number;
    const row: SparseRowU16 = new Array((ptr[i + 1] as number) - p0);
    for (let t = 0; t < row.length; t++) {
      const x = val[p0 + t] as number;
      // proportionToU16N, inline: this loop makes one tuple per stored bond
      const u = x <= 0 ? 0 : x > 17179869184 ? 65535 : Math.min(Math.floor((x * 65535) / ONE_N), 65535);
      row[t] = [col[p0 + t] as number, u];
    }
    out[i] = row;
  }
  return out;
}
