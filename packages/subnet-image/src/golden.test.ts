import { createHash } from 'node:crypto';
import { createRandom } from '@subnetkit/core';
import { describe, expect, it } from 'vitest';
import { downscale, proceduralImage } from './challenges.js';
import type { RgbImage } from './image.js';
import { backProject2x, upscaleBicubic2x } from './resample.js';
import { measure, prepareOriginal } from './reward.js';

// The pixel and score paths were rewritten for speed (typed-array loops, tabulated taps, the
// original's SSIM half prepared once). Every value below was produced by the code before that
// rewrite (commit 2959fbe), so any drift in challenges, baselines or scores fails here.
const digest = (img: RgbImage): string =>
  createHash('sha256')
    .update(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength))
    .update(`${img.width}x${img.height}`)
    .digest('hex')
    .slice(0, 16);

describe('pixels and scores match the pre-optimisation code', () => {
  const original = proceduralImage(createRandom('golden').fork(5), 48, 32);
  const low = downscale(original);

  it('procedural image, downscale, bicubic and back-projection', () => {
    expect(digest(original)).toBe('a0286b2753f20e06');
    expect(digest(low)).toBe('aa57bcd1e29a8710');
    expect(digest(upscaleBicubic2x(low))).toBe('6eb3dbfe2f87af7a');
    expect(digest(backProject2x(low, 10))).toBe('1639435241fc1366');
  });

  it('PSNR and SSIM, from the image and from the prepared original alike', () => {
    const candidate = backProject2x(low, 10);
    const expected = { psnr: 30.688196440024655, ssim: 0.9892234088737513 };
    expect(measure(candidate, original)).toEqual(expected);
    expect(measure(candidate, prepareOriginal(original))).toEqual(expected);
  });
});
