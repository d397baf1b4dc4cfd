/** Scalars of ristretto255 (sr25519): the group order and little-endian conversions. */

/** The group order ℓ of ristretto255. */
export const L = (1n << 252n) + 27742317777372353535851937790883648493n;

/** Little-endian bytes (a multiple of 8 long) as an integer, 64 bits at a time (no hex string). */
export function leToBigint(bytes: Uint8Array): bigint {
  if (bytes.length % 8 !== 0) throw new Error('scalar bytes must be a multiple of 8 long');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let v = 0n;
  for (let i = bytes.length - 8; i >= 0; i -= 8) v = (v << 64n) | view.getBigUint64(i, true);
  return v;
}

/**
 * Writes `v` (< 2^256) as 32 little-endian bytes at `at`: each word cut from `v` with asUintN,
 * not a mask and a shift of the remainder per word (a fraction of the BigInt allocations).
 */
export function writeLe32(view: DataView, at: number, v: bigint): void {
  view.setBigUint64(at, BigInt.asUintN(64, v), true);
  view.setBigUint64(at + 8, BigInt.asUintN(64, v >> 64n), true);
  view.setBigUint64(at + 16, BigInt.asUintN(64, v >> 128n), true);
  view.setBigUint64(at + 24, v >> 192n, true);
}
