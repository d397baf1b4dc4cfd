/**
 * A small memo for deterministic image functions, keyed by the input's pixels. On a localnet or
 * test network the validator and the baseline cheaters share one process and resample the same
 * low-resolution image; remembering the last few results does that work once. The results are
 * shared: callers must treat them as read-only.
 */
import { createHash } from 'node:crypto';
import type { RgbImage } from './image.js';

/** Wraps `f` so the last `size` distinct inputs (by width, height and pixels) reuse their result. */
export function memoByPixels<T>(f: (img: RgbImage) => T, size = 8): (img: RgbImage) => T {
  const recent = new Map<string, T>();
  return (img) => {
    const key = createHash('sha256').update(`${img.width}x${img.height}:`).update(img.data).digest('base64');
    if (recent.has(key)) {
      const hit = recent.get(key) as T;
      // most recently used last, so the oldest is the one dropped
      recent.delete(key);
      recent.set(key, hit);
      return hit;
    }
    const result = f(img);
    recent.set(key, result);
    if (recent.size > size) recent.delete(recent.keys().next().value as string);
    return result;
  };
}
