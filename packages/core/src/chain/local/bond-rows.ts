/**
 * How the local chain stores a Bonds row: one base64 string of its (uid, value) pairs as u16
 * little-endian, in order. A dense subnet has a million bonds; as JSON tuple arrays writing them,
 * encoding them for the state hash and reading them back cost more than the epoch itself. Data
 * dirs written before this hold `[uid, value][]` arrays, which every reader here still accepts.
 * (Base64 never starts with "#", so canonical JSON stores the string as is.)
 */
import type { PackedRowsU16, SparseRowU16 } from '../../consensus/types.js';

/** A Bonds value as stored: the packed string, or the older tuple array. */
export type StoredBondRow = string | SparseRowU16;

/** The stored string of row entries `[a, b)` of a packed matrix. */
export function encodeBondRow(p: PackedRowsU16, a: number, b: number): string {
  const bytes = Buffer.allocUnsafe((b - a) * 4);
  const { uids, values } = p;
  for (let t = a, k = 0; t < b; t++, k += 4) {
    const j = uids[t] as number;
    const v = values[t] as number;
    bytes[k] = j & 0xff;
    bytes[k + 1] = j >>> 8;
    bytes[k + 2] = v & 0xff;
    bytes[k + 3] = v >>> 8;
  }
  return bytes.toString('base64');
}

/** A stored row as tuples (for queries; the epoch reads `packStoredBondRows`). */
export function decodeBondRow(row: StoredBondRow | undefined): SparseRowU16 {
  if (row === undefined) return [];
  if (typeof row !== 'string') return row;
  const bytes = Buffer.from(row, 'base64');
  const out: SparseRowU16 = new Array(bytes.length >>> 2);
  for (let t = 0, k = 0; t < out.length; t++, k += 4)
    out[t] = [
      (bytes[k] as number) | ((bytes[k + 1] as number) << 8),
      (bytes[k + 2] as number) | ((bytes[k + 3] as number) << 8),
    ];
  return out;
}

/** Stored rows (one per uid, undefined for none) as one packed matrix, without tuples. */
export function packStoredBondRows(rows: readonly (StoredBondRow | undefined)[]): PackedRowsU16 {
  const decoded: (Buffer | SparseRowU16 | undefined)[] = rows.map((r) =>
    typeof r === 'string' ? Buffer.from(r, 'base64') : r,
  );
  let total = 0;
  for (const r of decoded) if (r !== undefined) total += Array.isArray(r) ? r.length : r.length >>> 2;
  const offsets = new Uint32Array(rows.length + 1);
  const uids = new Uint16Array(total);
  const values = new Uint16Array(total);
  let len = 0;
  for (let i = 0; i < decoded.length; i++) {
    const r = decoded[i];
    if (Array.isArray(r)) {
      for (const [j, v] of r) {
        uids[len] = j;
        values[len++] = v;
      }
    } else if (r !== undefined) {
      const end = r.length & ~3;
      for (let k = 0; k < end; k += 4) {
        uids[len] = (r[k] as number) | ((r[k + 1] as number) << 8);
        values[len++] = (r[k + 2] as number) | ((r[k + 3] as number) << 8);
      }
    }
    offsets[i + 1] = len;
  }
  return { offsets, uids, values };
}
