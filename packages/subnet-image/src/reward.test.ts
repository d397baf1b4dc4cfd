import { createRandom } from '@subnetkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bicubicUpscale, downscale, proceduralImage } from './challenges.js';
import { encodePng, type RgbImage, resizeRgb, toBase64 } from './image.js';
import {
  DEFAULT_SCORE_PARAMS,
  fidelityScore,
  gaussianKernel,
  latencyFactor,
  luma,
  measure,
  psnr,
  type SrTruth,
  scoreUpscale,
  ssim,
  ssimChannel,
} from './reward.js';

function noise(width: number, height: number, seed: number): RgbImage {
  const r = createRandom(seed);
  return { data: Uint8Array.from({ length: width * height * 3 }, () => r.int(0, 255)), width, height };
}

/** SSIM straight from the definition, one window at a time: the reference for the fast version. */
function naiveSsim(a: Float64Array, b: Float64Array, w: number, h: number): number {
  const size = 11;
  const k1 = gaussianKernel(size, 1.5);
  let total = 0;
  let count = 0;
  for (let y0 = 0; y0 + size <= h; y0++) {
    for (let x0 = 0; x0 + size <= w; x0++) {
      let ma = 0;
      let mb = 0;
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const wt = (k1[y] as number) * (k1[x] as number);
          ma += wt * (a[(y0 + y) * w + x0 + x] as number);
          mb += wt * (b[(y0 + y) * w + x0 + x] as number);
        }
      let va = 0;
      let vb = 0;
      let cov = 0;
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const wt = (k1[y] as number) * (k1[x] as number);
          const da = (a[(y0 + y) * w + x0 + x] as number) - ma;
          const db = (b[(y0 + y) * w + x0 + x] as number) - mb;
          va += wt * da * da;
          vb += wt * db * db;
          cov += wt * da * db;
        }
      const c1 = (0.01 * 255) ** 2;
      const c2 = (0.03 * 255) ** 2;
      total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      count++;
    }
  }
  return total / count;
}

const scene = (seed: number, w = 64, h = 48): RgbImage => proceduralImage(createRandom(seed), w, h);

describe('psnr', () => {
  it('is infinite for identical images and matches 10·log10(255²/MSE) otherwise', () => {
    const a = scene(1);
    expect(psnr(a, a)).toBe(Number.POSITIVE_INFINITY);
    const b = { ...a, data: a.data.map((v) => (v >= 250 ? v - 5 : v + 5)) };
    expect(psnr(a, b)).toBeCloseTo(10 * Math.log10((255 * 255) / 25), 10);
  });

  it('rejects images of different sizes', () => {
    expect(() => psnr(scene(1, 16, 16), scene(1, 16, 24))).toThrow(RangeError);
  });
});

describe('ssim', () => {
  it('is 1 for identical images and symmetric', () => {
    const a = scene(2);
    const b = scene(3);
    expect(ssim(a, a)).toBeCloseTo(1, 12);
    expect(ssim(a, b)).toBeCloseTo(ssim(b, a), 12);
    expect(ssim(a, b)).toBeLessThan(0.9);
  });

  it('matches a window-by-window evaluation of the definition', () => {
    const a = scene(4, 40, 30);
    const b = scene(5, 40, 30);
    const la = luma(a);
    const lb = luma(b);
    expect(ssimChannel(la, lb, 40, 30)).toBeCloseTo(naiveSsim(la, lb, 40, 30), 10);
    const blurred = downscale(a);
    const back = bicubicUpscale(blurred);
    const lc = luma(back);
    expect(ssimChannel(la, lc, 40, 30)).toBeCloseTo(naiveSsim(la, lc, 40, 30), 10);
  });

  it('is about 0 for independent noise and stays in [-1, 1]', () => {
    const s = ssim(noise(64, 64, 1), noise(64, 64, 2));
    expect(Math.abs(s)).toBeLessThan(0.05);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (x, y) => {
        const v = ssim(noise(12, 12, x), noise(12, 12, y));
        return v >= -1 && v <= 1;
      }),
      { numRuns: 30 },
    );
  });

  it('handles images smaller than the 11×11 window', () => {
    const a = scene(6, 8, 8);
    expect(ssim(a, a)).toBeCloseTo(1, 12);
  });
});

describe('fidelityScore', () => {
  const baseline = { psnr: 28, ssim: 0.85 };

  it('gives the original 1, the baseline the credit and noise 0', () => {
    expect(fidelityScore({ psnr: Number.POSITIVE_INFINITY, ssim: 1 }, baseline)).toBe(1);
    expect(fidelityScore(baseline, baseline)).toBeCloseTo(DEFAULT_SCORE_PARAMS.baselineCredit, 12);
    expect(fidelityScore({ psnr: 9, ssim: 0.01 }, baseline)).toBe(0);
  });

  it('rises with PSNR and SSIM and stays in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 80, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (p, dp, s) => {
          const lo = fidelityScore({ psnr: p, ssim: s }, baseline);
          const hi = fidelityScore({ psnr: p + dp, ssim: s }, baseline);
          return lo >= 0 && hi <= 1 && hi >= lo;
        },
      ),
    );
  });
});

describe('latencyFactor', () => {
  it('is 1 within the grace share of the timeout and 1 - weight at the timeout', () => {
    expect(latencyFactor(0, 10_000)).toBe(1);
    expect(latencyFactor(2_500, 10_000)).toBe(1);
    expect(latencyFactor(10_000, 10_000)).toBeCloseTo(1 - DEFAULT_SCORE_PARAMS.latencyWeight, 12);
    expect(latencyFactor(20_000, 10_000)).toBeCloseTo(1 - DEFAULT_SCORE_PARAMS.latencyWeight, 12);
    expect(latencyFactor(6_000, 10_000)).toBeLessThan(1);
    expect(latencyFactor(6_000, 10_000)).toBeGreaterThan(latencyFactor(8_000, 10_000));
  });
});

describe('scoreUpscale', () => {
  async function challenge(seed: number): Promise<{ truth: SrTruth; original: RgbImage; low: RgbImage }> {
    const original = scene(seed, 96, 80);
    const low = downscale(original);
    const truth: SrTruth = {
      original: toBase64(await encodePng(original)),
      width: original.width,
      height: original.height,
      baseline: measure(bicubicUpscale(low), original),
    };
    return { truth, original, low };
  }
  const score = async (img: RgbImage, c: Awaited<ReturnType<typeof challenge>>) =>
    (await scoreUpscale(toBase64(await encodePng(img)), c.truth, c.original)).score;

  it('scores the hidden original 1', async () => {
    const c = await challenge(10);
    expect(await score(c.original, c)).toBe(1);
  });

  it('scores resizing the input low: nearest below the credit, bicubic exactly the credit', async () => {
    const c = await challenge(11);
    const nearest = await score(await resizeRgb(c.low, 96, 80, 'nearest'), c);
    const bicubic = await score(bicubicUpscale(c.low), c);
    expect(nearest).toBeLessThan(DEFAULT_SCORE_PARAMS.baselineCredit);
    expect(bicubic).toBeCloseTo(DEFAULT_SCORE_PARAMS.baselineCredit, 12);
  });

  it('scores noise about 0', async () => {
    const c = await challenge(12);
    expect(await score(noise(96, 80, 3), c)).toBeLessThan(0.01);
  });

  it('scores a wrong size or an undecodable answer 0', async () => {
    const c = await challenge(13);
    expect(await score(scene(13, 96, 88), c)).toBe(0);
    expect((await scoreUpscale(toBase64(new Uint8Array([1, 2, 3, 4])), c.truth, c.original)).score).toBe(0);
  });
});
