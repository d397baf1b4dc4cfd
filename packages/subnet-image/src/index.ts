/**
 * subnet-image: ×2 image super-resolution. Validators cut a ground-truth image (photo crop or
 * procedural, then random turns, colours and noise), send miners a bicubic-downscaled copy and pay
 * only the PSNR gain over the best cheap baseline (bicubic, iterative back-projection) on it.
 */
import { fileURLToPath } from 'node:url';
import { defineModels, defineSubnet } from '@subnetkit/core';
import { z } from 'zod';
import { bicubicUpscale, downscale, groundTruth } from './challenges.js';
import { decodeImage, encodePng, fromBase64, type RgbImage, resizeRgb, toBase64 } from './image.js';
import { memoByPixels } from './pixel-memo.js';
import { backProject2x } from './resample.js';
import {
  DEFAULT_SCORE_PARAMS,
  latencyFactor,
  measure,
  type PreparedOriginal,
  prepareOriginal,
  type Quality,
  type SrTruth,
  scoreUpscale,
} from './reward.js';
import { imageRequest, imageResponse, MAX_INPUT_SIDE, UPSCALE } from './schema.js';
import { randomAppearance } from './transforms.js';

/** The tiny trained ×2 model committed with this package (offline localnet and tests). */
export const TINY_SR_MODEL_DIR: string = fileURLToPath(new URL('../models/tiny-sr-x2/', import.meta.url));

/** The one model miners run: a real Swin2SR ×2 from the hub, or the tiny trained fixture offline. */
export const models = defineModels({
  upscaler: {
    task: 'image-to-image',
    model: 'Xenova/swin2SR-classical-sr-x2-64',
    fixture: TINY_SR_MODEL_DIR,
    limits: { maxPixels: MAX_INPUT_SIDE * MAX_INPUT_SIDE },
  },
});

const options = z
  .object({
    /** Low-resolution challenge sides are multiples of 8 in [minSide, maxSide]: small keeps rounds fast. */
    minSide: z.int().min(8).max(MAX_INPUT_SIDE).default(32),
    maxSide: z.int().min(8).max(MAX_INPUT_SIDE).default(64),
    /** Share of challenges cut from photographs; the rest are procedural. */
    photoShare: z.number().min(0).max(1).default(0.75),
    /** Score of an answer exactly as good as bicubic resizing. */
    baselineCredit: z.number().min(0).max(1).default(DEFAULT_SCORE_PARAMS.baselineCredit),
    /** dB above bicubic that earns the full PSNR half of the score. */
    maxGainDb: z.number().positive().max(20).default(DEFAULT_SCORE_PARAMS.maxGainDb),
    /** dB above the best cheap baseline that earns the full score. */
    gainOverBestDb: z.number().positive().max(20).default(DEFAULT_SCORE_PARAMS.gainOverBestDb),
  })
  .refine((o) => o.minSide <= o.maxSide, { message: 'minSide must not exceed maxSide', path: ['minSide'] });

/** Noise PNG of the given size, from a seeded source. */
async function noisePng(width: number, height: number, next: () => number): Promise<string> {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(next() * 256);
  return toBase64(await encodePng({ data, width, height }));
}

async function answer(img: RgbImage): Promise<z.input<typeof imageResponse>> {
  return { output: toBase64(await encodePng(img)), outputWidth: img.width, outputHeight: img.height };
}

/** Back-projection rounds of the validator's baseline: past about 8 it no longer improves. */
export const BACK_PROJECTION_ITERATIONS = 10;

/** The cheap upscales the reward must not pay for: no model, a few resamples each. */
export const BASELINE_UPSCALES: Readonly<Record<string, (low: RgbImage) => Promise<RgbImage> | RgbImage>> =
  Object.freeze({
    bicubic: (low) => bicubicUpscale(low),
    // the costliest baseline (~20 resamples), and deterministic: once per image on a shared host
    'back-projection': memoByPixels((low) => backProject2x(low, BACK_PROJECTION_ITERATIONS)),
    lanczos: (low) => resizeRgb(low, low.width * UPSCALE, low.height * UPSCALE, 'lanczos3'),
  });

/** The quality of each cheap baseline on this challenge, keyed like `BASELINE_UPSCALES`. */
async function baselineQualities(low: RgbImage, original: PreparedOriginal): Promise<Record<string, Quality>> {
  const entries = Object.entries(BASELINE_UPSCALES);
  const qs = await Promise.all(entries.map(async ([, f]) => measure(await f(low), original)));
  return Object.fromEntries(entries.map(([name], i) => [name, qs[i] as Quality]));
}

function bestOf(qs: readonly Quality[]): Quality {
  return { psnr: Math.max(...qs.map((q) => q.psnr)), ssim: Math.max(...qs.map((q) => q.ssim)) };
}

/** PSNR and SSIM, each the best any cheap baseline reaches on this challenge. */
export async function bestBaseline(low: RgbImage, original: RgbImage): Promise<Quality> {
  return bestOf(Object.values(await baselineQualities(low, prepareOriginal(original))));
}

export default defineSubnet({
  apiVersion: 1,
  name: 'image',
  description: 'Image super-resolution ×2, scored by PSNR/SSIM against a hidden original.',
  version: 1,
  task: { request: imageRequest, response: imageResponse, timeoutMs: 10_000 },
  options,
  models,
  miner: {
    async handle(req, ctx) {
      // the runtime crops the model's padding, so the answer is exactly 2× the input
      const png = await ctx.models.upscaler(fromBase64(req.image), { signal: ctx.signal });
      return { output: toBase64(png), outputWidth: req.width * UPSCALE, outputHeight: req.height * UPSCALE };
    },
  },
  validator: {
    async challenge(ctx) {
      const original = randomAppearance(await groundTruth(ctx.random, ctx.options), ctx.random);
      const low = downscale(original);
      // the original's SSIM half and the bicubic upscale are shared by the baseline and the best
      const qualities = await baselineQualities(low, prepareOriginal(original));
      const truth: SrTruth = {
        original: toBase64(await encodePng(original)),
        width: original.width,
        height: original.height,
        baseline: qualities.bicubic as Quality,
        best: bestOf(Object.values(qualities)),
      };
      return { request: { image: toBase64(await encodePng(low)), width: low.width, height: low.height }, truth };
    },
    async reward(responses, truth: SrTruth, ctx) {
      // decoded and prepared once: every answer is measured against the same original
      const original = prepareOriginal(await decodeImage(fromBase64(truth.original)));
      const params = {
        ...DEFAULT_SCORE_PARAMS,
        baselineCredit: ctx.options.baselineCredit,
        maxGainDb: ctx.options.maxGainDb,
        gainOverBestDb: ctx.options.gainOverBestDb,
      };
      const scores: number[] = [];
      // the same PNG scores the same: identical answers (honest miners running one model, resized
      // baselines) are decoded and measured once
      const byOutput = new Map<string, number>();
      // one at a time: each decode and SSIM is small, and the host's event loop stays responsive
      for (const [i, res] of responses.entries()) {
        let score = byOutput.get(res.output);
        if (score === undefined) {
          score = (await scoreUpscale(res.output, truth, original, params)).score;
          byOutput.set(res.output, score);
        }
        const info = ctx.answers[i];
        scores.push(info ? score * latencyFactor(info.latencyMs, info.timeoutMs, params) : score);
      }
      return scores;
    },
  },
  adversaries: {
    // the declared cheap baselines, each as a miner would send it
    baselines: Object.fromEntries(
      Object.entries(BASELINE_UPSCALES).map(([name, f]) => [
        name,
        async (req: z.output<typeof imageRequest>) => answer(await f(await decodeImage(fromBase64(req.image)))),
      ]),
    ),
    // "just resize it": bicubic, the very baseline, so it earns nothing
    async lazy(req) {
      const low = await decodeImage(fromBase64(req.image));
      return answer(bicubicUpscale(low));
    },
    random: (req, ctx) => {
      const width = req.width * UPSCALE;
      const height = req.height * UPSCALE;
      return noisePng(width, height, () => ctx.random.next()).then((output) => ({
        output,
        outputWidth: width,
        outputHeight: height,
      }));
    },
  },
});

export { bicubicUpscale, cropPhoto, downscale, groundTruth, PHOTO_PACKAGES, proceduralImage } from './challenges.js';
export { decodeImage, encodePng, type RgbImage, resizeRgb } from './image.js';
export { fromResponse, toRequest } from './query.js';
export { backProject2x } from './resample.js';
export {
  DEFAULT_SCORE_PARAMS,
  fidelityScore,
  latencyFactor,
  measure,
  type PreparedOriginal,
  prepareOriginal,
  psnr,
  type Quality,
  type ScoreParams,
  type SrTruth,
  scoreOverBaselines,
  ssim,
} from './reward.js';
export {
  type ImageRequest,
  type ImageResponse,
  imageRequest,
  imageResponse,
  MAX_INPUT_SIDE,
  UPSCALE,
} from './schema.js';
export { randomAppearance, rotateQuarter, TRANSFORM_RANGES } from './transforms.js';
