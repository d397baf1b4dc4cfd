import { describe, expect, it } from 'vitest';
import type { RgbImage } from './image.js';
import { memoByPixels } from './pixel-memo.js';

const image = (fill: number, width = 4, height = 2): RgbImage => ({
  data: new Uint8Array(width * height * 3).fill(fill),
  width,
  height,
});

describe('memoByPixels', () => {
  it('computes once per distinct image, recognising equal pixels in another buffer', () => {
    const seen: number[] = [];
    const f = memoByPixels((img) => {
      seen.push(img.data[0] as number);
      return { sum: img.data.reduce((a, b) => a + b, 0) };
    });
    const first = f(image(1));
    expect(f(image(1))).toBe(first);
    expect(f(image(2)).sum).toBe(2 * 24);
    // same bytes, other shape: a different image
    expect(f(image(1, 2, 4))).not.toBe(first);
    expect(seen).toEqual([1, 2, 1]);
  });

  it('keeps only the most recently used images', () => {
    let calls = 0;
    const f = memoByPixels(() => ++calls, 2);
    f(image(1));
    f(image(2));
    f(image(1)); // 1 is now the most recent: 2 is dropped next
    f(image(3));
    expect(calls).toBe(3);
    f(image(1));
    expect(calls).toBe(3);
    f(image(2));
    expect(calls).toBe(4);
  });
});
