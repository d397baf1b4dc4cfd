/**
 * Random appearance transforms of a ground-truth image: quarter turns, a channel order, gamma,
 * saturation and a little noise. Each draw is continuous, so even the same crop of the same photo
 * never repeats as a challenge, and an answer key built from the photos matches nothing.
 */
import type { Random } from '@subnetkit/core';
import type { RgbImage } from './image.js';

/** Ranges of the transforms (gamma and saturation are factors; noise is a standard deviation in 8-bit levels). */
export const TRANSFORM_RANGES = {
  gamma: [0.75, 1.35],
  saturation: [0.6, 1.3],
  noise: [0, 2],
  /** Share of images that get noise at all. */
  noiseShare: 0.3,
} as const;

const CHANNEL_ORDERS = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
] as const;

/** Rotates by `quarters` × 90° clockwise. */
export function rotateQuarter(img: RgbImage, quarters: number): RgbImage {
  const q = ((quarters % 4) + 4) % 4;
  if (q === 0) return img;
  const { width: w, height: h } = img;
  const ow = q === 2 ? w : h;
  const oh = q === 2 ? h : w;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [ox, oy] = q === 1 ? [h - 1 - y, x] : q === 2 ? [w - 1 - x, h - 1 - y] : [y, w - 1 - x];
      const s = (y * w + x) * 3;
      const d = (oy * ow + ox) * 3;
      out[d] = img.data[s] as number;
      out[d + 1] = img.data[s + 1] as number;
      out[d + 2] = img.data[s + 2] as number;
    }
  }
  return { data: out, width: ow, height: oh };
}

const between = (random: Random, [lo, hi]: readonly [number, number]): number => lo + (hi - lo) * random.next();

/** Applies a random quarter turn, channel order, gamma, saturation and (sometimes) Gaussian noise. */
export function randomAppearance(img: RgbImage, random: Random): RgbImage {
  const turned = rotateQuarter(img, random.int(0, 3));
  const order = random.pick(CHANNEL_ORDERS);
  const gamma = between(random, TRANSFORM_RANGES.gamma);
  const saturation = between(random, TRANSFORM_RANGES.saturation);
  const sigma = random.next() < TRANSFORM_RANGES.noiseShare ? between(random, TRANSFORM_RANGES.noise) : 0;
  const curve = Array.from({ length: 256 }, (_, v) => 255 * (v / 255) ** gamma);
  const out = new Uint8Array(turned.data.length);
  for (let i = 0; i < out.length; i += 3) {
    const rgb = [
      curve[turned.data[i] as number],
      curve[turned.data[i + 1] as number],
      curve[turned.data[i + 2] as number],
    ];
    const r = rgb[order[0]] as number;
    const g = rgb[order[1]] as number;
    const b = rgb[order[2]] as number;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    for (const [k, v] of [r, g, b].entries()) {
      const noise =
        sigma > 0 ? sigma * Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next()) : 0;
      const value = y + (v - y) * saturation + noise;
      out[i + k] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
    }
  }
  return { data: out, width: turned.width, height: turned.height };
}
