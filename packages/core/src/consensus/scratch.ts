/**
 * Reusable buffers for the epoch's per-entry arrays. A dense 4096 × 256 epoch needs ~60 MB of
 * them; fresh typed arrays that size cost page faults and kernel zeroing on every epoch (about a
 * quarter of its time), so each slot keeps its largest buffer. Contents are arbitrary on return:
 * callers write before they read (or clear). `runEpoch` is synchronous, so slots are never shared
 * by two epochs at once; nothing handed out here may escape into an epoch's output.
 */

/** Below this many entries a fresh array is as cheap as a pooled one. */
const POOL_MIN = 4096;
const i32 = new Map<string, Int32Array>();
const f64 = new Map<string, Float64Array>();

/** An Int32Array of exactly `size` entries (a view of the slot's buffer), contents arbitrary. */
export function scratchI32(slot: string, size: number): Int32Array {
  if (size < POOL_MIN) return new Int32Array(size);
  let buf = i32.get(slot);
  if (buf === undefined || buf.length < size) {
    buf = new Int32Array(size + (size >> 3));
    i32.set(slot, buf);
  }
  return buf.subarray(0, size);
}

/** A Float64Array of exactly `size` entries (a view of the slot's buffer), contents arbitrary. */
export function scratchF64(slot: string, size: number): Float64Array {
  if (size < POOL_MIN) return new Float64Array(size);
  let buf = f64.get(slot);
  if (buf === undefined || buf.length < size) {
    buf = new Float64Array(size + (size >> 3));
    f64.set(slot, buf);
  }
  return buf.subarray(0, size);
}
