import { describe, expect, it } from 'vitest';
import type { RgbImage } from './image.js';
import { downscaleBicubic2x, keys, upscaleBicubic2x } from './resample.js';

/** A grey image whose value is f(x, y) on every channel. */
function field(width: number, height: number, f: (x: number, y: number) => number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.fill(f(x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { data, width, height };
}
const at = (img: RgbImage, x: number, y: number): number => img.data[(y * img.width + x) * 3] as number;

describe('keys', () => {
  it('interpolates: 1 at 0, 0 at other integers, and the ×2 phases sum to 1', () => {
    expect(keys(0)).toBe(1);
    expect(keys(1)).toBe(0);
    expect(keys(2)).toBe(0);
    expect(keys(0.25) + keys(0.75) + keys(1.25) + keys(1.75)).toBeCloseTo(1, 15);
  });
});

describe('upscaleBicubic2x', () => {
  it('keeps a flat image flat and doubles the size', () => {
    const up = upscaleBicubic2x(field(5, 3, () => 77));
    expect([up.width, up.height]).toEqual([10, 6]);
    expect(up.data.every((v) => v === 77)).toBe(true);
  });

  it('is pixel-centre aligned: a ramp maps to the ramp at quarter positions', () => {
    // input x sits at output 2x + 0.5, so output u samples the ramp at (u - 0.5) / 2
    const up = upscaleBicubic2x(field(12, 4, (x) => 20 * x));
    for (let u = 4; u < 20; u++) expect(at(up, u, 3)).toBe(Math.round(20 * ((u - 0.5) / 2)));
  });
});

describe('downscaleBicubic2x', () => {
  it('keeps a flat image flat, halves the size and rounds odd sizes down', () => {
    const down = downscaleBicubic2x(field(9, 6, () => 200));
    expect([down.width, down.height]).toEqual([4, 3]);
    expect(down.data.every((v) => v === 200)).toBe(true);
  });

  it('is pixel-centre aligned: a ramp maps to the ramp at the 2×2 block centres', () => {
    const down = downscaleBicubic2x(field(24, 8, (x) => 10 * x));
    for (let k = 2; k < 10; k++) expect(at(down, k, 2)).toBe(Math.round(10 * (2 * k + 0.5)));
  });

  it('refuses an image that cannot be halved', () => {
    expect(() => downscaleBicubic2x(field(1, 4, () => 0))).toThrow(RangeError);
  });
});
