import { createLogger, createModelRuntime, createRandom } from '@subnetkit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { bicubicUpscale, cropPhoto, downscale, loadPhoto, PHOTO_PACKAGES, proceduralImage } from './challenges.js';
import { decodeImage, encodePng, type RgbImage, resizeRgb } from './image.js';
import { models as declarations } from './index.js';
import { psnr } from './reward.js';

// The photos challenges use were held out of training (scripts/train.sh trains on other stdlib photos),
// and these procedural seeds are not the training data's.
async function heldOut(): Promise<RgbImage[]> {
  const images: RgbImage[] = [];
  for (const [i, pkg] of PHOTO_PACKAGES.entries()) {
    for (let k = 0; k < 3; k++)
      images.push(await cropPhoto(loadPhoto(pkg), createRandom(`held-out/${i}/${k}`), 96, 80));
  }
  for (let k = 0; k < 4; k++) images.push(proceduralImage(createRandom(`held-out/procedural/${k}`), 80, 64));
  return images;
}

describe('the committed tiny SR model', () => {
  const runtime = createModelRuntime({
    logger: createLogger({ level: 'silent' }),
    useFixtures: true,
    allowRemote: false,
  });
  afterAll(() => runtime.dispose());

  it('upscales held-out images better than bilinear and bicubic resizing, through the model runtime', {
    tags: ['slow'],
  }, async () => {
    const models = runtime.handles(declarations);
    const gains: { bicubic: number; bilinear: number }[] = [];
    for (const original of await heldOut()) {
      const low = downscale(original);
      const out = await decodeImage(await models.upscaler(await encodePng(low)));
      expect([out.width, out.height]).toEqual([original.width, original.height]);
      const model = psnr(out, original);
      gains.push({
        bicubic: model - psnr(bicubicUpscale(low), original),
        bilinear: model - psnr(await resizeRgb(low, original.width, original.height, 'linear'), original),
      });
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(gains.map((g) => g.bilinear))).toBeGreaterThan(1);
    expect(mean(gains.map((g) => g.bicubic))).toBeGreaterThan(0.3);
    expect(gains.filter((g) => g.bicubic > 0).length).toBeGreaterThanOrEqual(Math.ceil(gains.length * 0.8));
    const info = await models.upscaler.info();
    expect(info.source.kind).toBe('fixture');
  });

  it('answers a real challenge with exactly 2× the input size, cropping the model padding', {
    tags: ['slow'],
  }, async () => {
    const models = runtime.handles(declarations);
    const low = downscale(proceduralImage(createRandom('odd'), 84, 50)); // 42×25: not multiples of 8
    const out = await decodeImage(await models.upscaler(await encodePng(low)));
    expect([out.width, out.height]).toEqual([84, 50]);
  });
});
