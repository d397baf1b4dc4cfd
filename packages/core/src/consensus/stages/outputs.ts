/** §4.14 Outputs: what storage keeps, as u16. */
import type { Csr } from '../csr.js';
import { ONE_N, proportionToU16N } from '../fast-fixed.js';
import type { PackedRowsU16 } from '../types.js';

/** `pu16` of every element. */
export function toU16(v: Float64Array): number[] {
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = proportionToU16N(v[i] as number);
  return out;
}

/** Bond rows to store, packed: `pu16` of each entry in order for uids with the new permit, else empty. */
export function storedBonds(bonds: Csr, permitNew: readonly boolean[]): PackedRowsU16 {
  const n = permitNew.length;
  const { ptr, col, val } = bonds;
  let total = 0;
  for (let i = 0; i < n; i++) if (permitNew[i]) total += (ptr[i + 1] as number) - (ptr[i] as number);
  // fresh arrays: they leave the epoch in its output (never pooled scratch)
  const offsets = new Uint32Array(n + 1);
  const uids = new Uint16Array(total);
  const values = new Uint16Array(total);
  let len = 0;
  for (let i = 0; i < n; i++) {
    if (permitNew[i]) {
      for (let p = ptr[i] as number, end = ptr[i + 1] as number; p < end; p++) {
        const x = val[p] as number;
        // proportionToU16N, inline: one call per stored bond
        uids[len] = col[p] as number;
        values[len++] = x <= 0 ? 0 : x > 17179869184 ? 65535 : Math.min(Math.floor((x * 65535) / ONE_N), 65535);
      }
    }
    offsets[i + 1] = len;
  }
  return { offsets, uids, values };
}
