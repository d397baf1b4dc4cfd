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

/** True where a Uint16Array reads bytes little-endian (every platform Node ships for, in practice). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Stored rows (one per uid, undefined for none) as one packed matrix, without tuples: every
 * string row is base64-decoded straight into one buffer of (uid, value) pairs, then split.
 */
export function packStoredBondRows(rows: readonly (StoredBondRow | undefined)[]): PackedRowsU16 {
  const offsets = new Uint32Array(rows.length + 1);
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (typeof r === 'string') total += Buffer.byteLength(r, 'base64') >>> 2;
    else if (r !== undefined) total += r.length;
    offsets[i + 1] = total;
  }
  const uids = new Uint16Array(total);
  const values = new Uint16Array(total);
  // Buffer.alloc never hands out a pooled slice, so the buffer starts at offset 0 (aligned for u16)
  const bytes = Buffer.alloc(total * 4);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const a = offsets[i] as number;
    if (typeof r === 'string') bytes.write(r, a * 4, (offsets[i + 1] as number) * 4 - a * 4, 'base64');
    else if (r !== undefined) {
      for (let t = 0; t < r.length; t++) {
        const e = r[t] as [number, number];
        uids[a + t] = e[0];
        values[a + t] = e[1];
      }
    }
  }
  const pairs = LITTLE_ENDIAN ? new Uint16Array(bytes.buffer, bytes.byteOffset, total * 2) : undefined;
  for (let i = 0; i < rows.length; i++) {
    if (typeof rows[i] !== 'string') continue;
    const end = offsets[i + 1] as number;
    if (pairs !== undefined) {
      for (let t = offsets[i] as number; t < end; t++) {
        uids[t] = pairs[2 * t] as number;
        values[t] = pairs[2 * t + 1] as number;
      }
    } else {
      for (let t = offsets[i] as number; t < end; t++) {
        uids[t] = (bytes[4 * t] as number) | ((bytes[4 * t + 1] as number) << 8);
        values[t] = (bytes[4 * t + 2] as number) | ((bytes[4 * t + 3] as number) << 8);
      }
    }
  }
  return { offsets, uids, values };
}
