/**
 * The exact ×2 resampling the scores rest on, written out rather than delegated: MATLAB-style
 * `imresize` bicubic (Keys a = -0.5, pixel-centre aligned, antialiased when shrinking, edges
 * replicated), the degradation SR benchmarks and models such as Swin2SR assume. libvips (sharp)
 * upsamples with a half-pixel shift, which would make its bicubic an unfairly weak baseline.
 */
import type { RgbImage } from './image.js';

/** Keys' cubic convolution kernel with a = -0.5. */
export function keys(x: number): number {
  const t = Math.abs(x);
  if (t <= 1) return 1.5 * t ** 3 - 2.5 * t ** 2 + 1;
  if (t < 2) return -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2;
  return 0;
}

// Upscaling ×2: output 2k sits at input k - 0.25, output 2k+1 at k + 0.25.
// Taps for output 2k over inputs k-2, k-1, k, k+1; output 2k+1 mirrors them over k-1..k+2.
const UP_EVEN = [keys(1.75), keys(0.75), keys(0.25), keys(1.25)];
const UP_ODD = [keys(1.25), keys(0.25), keys(0.75), keys(1.75)];
// Shrinking ×1/2 with antialiasing stretches the kernel ×2: output k sits at input 2k + 0.5,
// covering inputs 2k-3 … 2k+4 at distances 3.5 … 0.5 … 3.5, weighted keys(d / 2) / 2.
const DOWN = [3.5, 2.5, 1.5, 0.5, 0.5, 1.5, 2.5, 3.5].map((d) => keys(d / 2) / 2);

const clampIndex = (i: number, n: number): number => (i < 0 ? 0 : i >= n ? n - 1 : i);
const toByte = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/**
 * Resamples rows (`axis` 0) or columns (1) of a float RGB plane with a per-output tap rule. The
 * clamped source offsets and weights are tabulated once per pass; every output is still the sum
 * over its taps in tap order from 0, so the doubles match a direct evaluation bit for bit.
 */
function pass(
  src: Float64Array,
  w: number,
  h: number,
  axis: 0 | 1,
  outLen: number,
  taps: (o: number) => { start: number; weights: readonly number[] },
): { data: Float64Array; w: number; h: number } {
  const ow = axis === 0 ? outLen : w;
  const oh = axis === 0 ? h : outLen;
  const inLen = axis === 0 ? w : h;
  const n = taps(0).weights.length;
  // per output and tap: the weight, and the source offset of channel 0 along the resampled axis
  const weight = new Float64Array(outLen * n);
  const offset = new Int32Array(outLen * n);
  const along = axis === 0 ? 3 : w * 3;
  for (let o = 0; o < outLen; o++) {
    const { start, weights } = taps(o);
    for (let t = 0; t < n; t++) {
      weight[o * n + t] = weights[t] as number;
      offset[o * n + t] = clampIndex(start + t, inLen) * along;
    }
  }
  const out = new Float64Array(ow * oh * 3);
  const lines = axis === 0 ? h : w;
  // the fixed coordinate: a row (axis 0) or a column (axis 1), in source and output
  const lineIn = axis === 0 ? w * 3 : 3;
  const lineOut = axis === 0 ? ow * 3 : 3;
  const outAlong = axis === 0 ? 3 : ow * 3;
  for (let line = 0; line < lines; line++) {
    const base = line * lineIn;
    for (let o = 0; o < outLen; o++) {
      const k = o * n;
      const oidx = line * lineOut + o * outAlong;
      // the three channels side by side, each summed in tap order
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let t = k; t < k + n; t++) {
        const wt = weight[t] as number;
        const i = base + (offset[t] as number);
        s0 += wt * (src[i] as number);
        s1 += wt * (src[i + 1] as number);
        s2 += wt * (src[i + 2] as number);
      }
      out[oidx] = s0;
      out[oidx + 1] = s1;
      out[oidx + 2] = s2;
    }
  }
  return { data: out, w: ow, h: oh };
}

function toFloat(img: RgbImage): Float64Array {
  return Float64Array.from(img.data);
}

function toImage(plane: { data: Float64Array; w: number; h: number }): RgbImage {
  const data = new Uint8Array(plane.data.length);
  for (let i = 0; i < data.length; i++) data[i] = toByte(plane.data[i] as number);
  return { data, width: plane.w, height: plane.h };
}

const upTaps = (o: number) => {
  const k = o >> 1;
  return o % 2 === 0 ? { start: k - 2, weights: UP_EVEN } : { start: k - 1, weights: UP_ODD };
};
const downTaps = (o: number) => ({ start: 2 * o - 3, weights: DOWN });

/** Bicubic ×2 upscale (the baseline every answer is compared with). */
export function upscaleBicubic2x(img: RgbImage): RgbImage {
  const rows = pass(toFloat(img), img.width, img.height, 0, img.width * 2, upTaps);
  return toImage(pass(rows.data, rows.w, rows.h, 1, img.height * 2, upTaps));
}

/** Antialiased bicubic ×1/2 downscale (the validator's degradation); odd sizes round down. */
export function downscaleBicubic2x(img: RgbImage): RgbImage {
  const w = Math.floor(img.width / 2);
  const h = Math.floor(img.height / 2);
  if (w < 1 || h < 1) throw new RangeError(`cannot halve a ${img.width}×${img.height} image`);
  const rows = pass(toFloat(img), img.width, img.height, 0, w, downTaps);
  return toImage(pass(rows.data, rows.w, rows.h, 1, h, downTaps));
}

/**
 * Iterative back-projection (Irani & Peleg): start from bicubic, then repeatedly add back the
 * upscaled difference between the input and the current estimate's downscale, so the answer
 * downscales to (nearly) the input. A few resamples, no model: a cheap baseline the reward must
 * not pay for. Works in floats; rounds once at the end.
 */
export function backProject2x(img: RgbImage, iterations = 6): RgbImage {
  const low = toFloat(img);
  const up = (p: { data: Float64Array; w: number; h: number }) => {
    const rows = pass(p.data, p.w, p.h, 0, p.w * 2, upTaps);
    return pass(rows.data, rows.w, rows.h, 1, p.h * 2, upTaps);
  };
  const down = (p: { data: Float64Array; w: number; h: number }) => {
    const rows = pass(p.data, p.w, p.h, 0, Math.floor(p.w / 2), downTaps);
    return pass(rows.data, rows.w, rows.h, 1, Math.floor(p.h / 2), downTaps);
  };
  let x = up({ data: low, w: img.width, h: img.height });
  for (let i = 0; i < iterations; i++) {
    const d = down(x);
    const err = new Float64Array(low.length);
    for (let j = 0; j < err.length; j++) err[j] = (low[j] as number) - (d.data[j] as number);
    const back = up({ data: err, w: img.width, h: img.height });
    const next = new Float64Array(x.data.length);
    for (let j = 0; j < next.length; j++) next[j] = (x.data[j] as number) + (back.data[j] as number);
    x = { data: next, w: x.w, h: x.h };
  }
  return toImage(x);
}
