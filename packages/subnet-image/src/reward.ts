/**
 * Fidelity of an upscaled image to the hidden original: PSNR (RGB) and SSIM (luma), mapped to
 * [0, 1] relative to what plain bicubic resizing achieves on the same challenge, times a latency
 * factor. Pure functions except `scoreUpscale`, which decodes the PNG first.
 */
import { decodeImage, fromBase64, type RgbImage } from './image.js';

/** PSNR and SSIM of one image against the original. */
export interface Quality {
  /** Peak signal-to-noise ratio in dB over the RGB channels (Infinity when identical). */
  psnr: number;
  /** Mean structural similarity of the luma channel, in [-1, 1]. */
  ssim: number;
}

/** Knobs of the mapping from quality to score. */
export interface ScoreParams {
  /** The score of an answer exactly as good as bicubic resizing: "just resize it" earns this. */
  baselineCredit: number;
  /** dB above bicubic at which the PSNR half of the score is full. */
  maxGainDb: number;
  /** dB below bicubic at which the PSNR half reaches 0. */
  psnrDropDb: number;
  /** SSIM below bicubic at which the SSIM half reaches 0. */
  ssimDrop: number;
  /** Largest share of the score a slow answer loses. */
  latencyWeight: number;
  /** Fraction of the timeout an answer may use without any penalty. */
  latencyGrace: number;
  /** dB above the best cheap baseline that earns the full score (the reward when the truth names it). */
  gainOverBestDb: number;
  /** SSIM below the best baseline's at which the score reaches 0. */
  ssimSlack: number;
}

/** Defaults: bicubic earns 0.1, +3 dB over bicubic earns the full PSNR half. */
export const DEFAULT_SCORE_PARAMS: Readonly<ScoreParams> = Object.freeze({
  baselineCredit: 0.1,
  maxGainDb: 3,
  psnrDropDb: 3,
  ssimDrop: 0.1,
  latencyWeight: 0.3,
  latencyGrace: 0.25,
  gainOverBestDb: 1,
  ssimSlack: 0.05,
});

const clamp01 = (x: number): number => (Number.isNaN(x) ? 0 : Math.min(1, Math.max(0, x)));

function assertSameSize(a: RgbImage, b: RgbImage): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`images differ in size: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  }
}

/** PSNR in dB of `a` against `b` over all RGB samples (peak 255); Infinity when identical. */
export function psnr(a: RgbImage, b: RgbImage): number {
  assertSameSize(a, b);
  let sum = 0;
  const n = a.width * a.height * 3;
  for (let i = 0; i < n; i++) {
    const d = (a.data[i] as number) - (b.data[i] as number);
    sum += d * d;
  }
  const mse = sum / n;
  return mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse);
}

/** ITU-R BT.601 luma as floats (the channel SR papers measure SSIM on). */
export function luma(img: RgbImage): Float64Array {
  const out = new Float64Array(img.width * img.height);
  for (let i = 0, j = 0; i < out.length; i++, j += 3) {
    out[i] =
      0.299 * (img.data[j] as number) + 0.587 * (img.data[j + 1] as number) + 0.114 * (img.data[j + 2] as number);
  }
  return out;
}

/** Normalised 1-D Gaussian taps. */
export function gaussianKernel(size: number, sigma: number): Float64Array {
  const k = new Float64Array(size);
  const mid = (size - 1) / 2;
  let total = 0;
  for (let i = 0; i < size; i++) {
    k[i] = Math.exp(-((i - mid) ** 2) / (2 * sigma * sigma));
    total += k[i] as number;
  }
  for (let i = 0; i < size; i++) k[i] = (k[i] as number) / total;
  return k;
}

/** 'Valid' separable filtering: output is (w-size+1)×(h-size+1). */
function filterValid(src: Float64Array, w: number, h: number, k: Float64Array): Float64Array {
  const size = k.length;
  const ow = w - size + 1;
  const oh = h - size + 1;
  const rows = new Float64Array(ow * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let t = 0; t < size; t++) s += (k[t] as number) * (src[y * w + x + t] as number);
      rows[y * ow + x] = s;
    }
  }
  const out = new Float64Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (let t = 0; t < size; t++) s += (k[t] as number) * (rows[(y + t) * ow + x] as number);
      out[y * ow + x] = s;
    }
  }
  return out;
}

const SSIM_C1 = (0.01 * 255) ** 2;
const SSIM_C2 = (0.03 * 255) ** 2;

/**
 * Mean SSIM of two equally sized single-channel images (Wang et al. 2004: 11×11 Gaussian window,
 * σ = 1.5, K1 = 0.01, K2 = 0.03, L = 255), over every window that fits inside the image.
 * Images smaller than the window shrink the window to fit.
 */
export function ssimChannel(a: Float64Array, b: Float64Array, width: number, height: number): number {
  if (a.length !== width * height || b.length !== width * height) throw new RangeError('channel size mismatch');
  return ssimWithReference(a, channelReference(b, width, height));
}

/** The original's half of SSIM (its channel, windowed mean and mean square): the same for every answer. */
interface ChannelReference {
  channel: Float64Array;
  width: number;
  height: number;
  kernel: Float64Array;
  mu: Float64Array;
  meanSquare: Float64Array;
}

function channelReference(b: Float64Array, width: number, height: number): ChannelReference {
  const size = Math.max(1, Math.min(11, width, height));
  const kernel = gaussianKernel(size, 1.5);
  const bb = new Float64Array(b.length);
  for (let i = 0; i < b.length; i++) bb[i] = (b[i] as number) * (b[i] as number);
  return {
    channel: b,
    width,
    height,
    kernel,
    mu: filterValid(b, width, height, kernel),
    meanSquare: filterValid(bb, width, height, kernel),
  };
}

function ssimWithReference(a: Float64Array, ref: ChannelReference): number {
  const { channel: b, width, height, kernel: k, mu: muB, meanSquare: eBB } = ref;
  const n = a.length;
  const aa = new Float64Array(n);
  const ab = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    aa[i] = x * x;
    ab[i] = x * (b[i] as number);
  }
  const muA = filterValid(a, width, height, k);
  const eAA = filterValid(aa, width, height, k);
  const eAB = filterValid(ab, width, height, k);
  let total = 0;
  for (let i = 0; i < muA.length; i++) {
    const ma = muA[i] as number;
    const mb = muB[i] as number;
    const va = (eAA[i] as number) - ma * ma;
    const vb = (eBB[i] as number) - mb * mb;
    const cov = (eAB[i] as number) - ma * mb;
    total += ((2 * ma * mb + SSIM_C1) * (2 * cov + SSIM_C2)) / ((ma * ma + mb * mb + SSIM_C1) * (va + vb + SSIM_C2));
  }
  return total / muA.length;
}

/**
 * An original prepared for measuring many candidates against it (the baselines of a challenge,
 * every miner's answer): its SSIM half is computed once. Results equal `measure` on the image.
 */
export interface PreparedOriginal {
  image: RgbImage;
  ssim: ChannelReference;
}

/** Prepares `original` for repeated `measure` calls. */
export function prepareOriginal(original: RgbImage): PreparedOriginal {
  return { image: original, ssim: channelReference(luma(original), original.width, original.height) };
}

const imageOf = (o: RgbImage | PreparedOriginal): RgbImage => ('image' in o ? o.image : o);

/** Mean SSIM of the luma of two equally sized RGB images (`b` may be prepared). */
export function ssim(a: RgbImage, b: RgbImage | PreparedOriginal): number {
  const original = imageOf(b);
  assertSameSize(a, original);
  const ref = 'image' in b ? b.ssim : channelReference(luma(original), original.width, original.height);
  return ssimWithReference(luma(a), ref);
}

/** PSNR and SSIM of `candidate` against `original` (an image, or one prepared with `prepareOriginal`). */
export function measure(candidate: RgbImage, original: RgbImage | PreparedOriginal): Quality {
  return { psnr: psnr(candidate, imageOf(original)), ssim: ssim(candidate, original) };
}

/**
 * Maps quality to [0, 1] relative to the bicubic baseline: each metric gives `baselineCredit` at
 * the baseline, rises linearly to 1 (PSNR at +maxGainDb, SSIM at 1) and falls linearly to 0 below
 * it; the two halves are averaged. The original itself scores 1; noise scores 0.
 */
export function fidelityScore(q: Quality, baseline: Quality, params: ScoreParams = DEFAULT_SCORE_PARAMS): number {
  const credit = params.baselineCredit;
  const psnrPart =
    q.psnr >= baseline.psnr
      ? credit + (1 - credit) * clamp01((q.psnr - baseline.psnr) / params.maxGainDb)
      : credit * clamp01(1 + (q.psnr - baseline.psnr) / params.psnrDropDb);
  const ssimPart =
    q.ssim >= baseline.ssim
      ? baseline.ssim >= 1
        ? 1
        : credit + (1 - credit) * clamp01((q.ssim - baseline.ssim) / (1 - baseline.ssim))
      : credit * clamp01(1 + (q.ssim - baseline.ssim) / params.ssimDrop);
  return clamp01((psnrPart + ssimPart) / 2);
}

/** 1 up to `latencyGrace` of the timeout, then linearly down to `1 - latencyWeight` at the timeout. */
export function latencyFactor(
  latencyMs: number,
  timeoutMs: number,
  params: ScoreParams = DEFAULT_SCORE_PARAMS,
): number {
  if (!(timeoutMs > 0)) return 1;
  const used = clamp01(latencyMs / timeoutMs);
  const over = params.latencyGrace >= 1 ? 0 : clamp01((used - params.latencyGrace) / (1 - params.latencyGrace));
  return 1 - params.latencyWeight * over;
}

/** What the validator keeps per challenge (JSON-safe): the original and the bicubic baseline. */
export interface SrTruth {
  /** The full-resolution original, base64 PNG (never sent to miners). */
  original: string;
  width: number;
  height: number;
  /** Quality of bicubic resizing of the low-resolution input. */
  baseline: Quality;
  /**
   * The best quality any cheap baseline reaches (bicubic, iterative back-projection): PSNR and
   * SSIM each the best of them. When present, only the gain over it is paid.
   */
  best?: Quality | undefined;
}

/**
 * The reward over cheap baselines: the PSNR gain over the best baseline, full at `gainOverBestDb`
 * and 0 at or below it, times an SSIM factor that falls from 1 to 0 as SSIM drops `ssimSlack`
 * below the best baseline's. Every baseline scores 0 by construction.
 */
export function scoreOverBaselines(q: Quality, best: Quality, params: ScoreParams = DEFAULT_SCORE_PARAMS): number {
  const gain = q.psnr === Number.POSITIVE_INFINITY ? 1 : clamp01((q.psnr - best.psnr) / params.gainOverBestDb);
  const structure = q.ssim >= best.ssim ? 1 : clamp01(1 + (q.ssim - best.ssim) / params.ssimSlack);
  return clamp01(gain * structure);
}

/**
 * Scores one answer (base64 PNG) against the truth: 0 when it does not decode or has the wrong
 * size, else the fidelity score. Latency is applied by the caller.
 */
export async function scoreUpscale(
  answer: string,
  truth: SrTruth,
  original: RgbImage | PreparedOriginal,
  params: ScoreParams = DEFAULT_SCORE_PARAMS,
): Promise<{ score: number; quality: Quality | null }> {
  let img: RgbImage;
  try {
    img = await decodeImage(fromBase64(answer), truth.width * truth.height);
  } catch {
    return { score: 0, quality: null };
  }
  if (img.width !== truth.width || img.height !== truth.height) return { score: 0, quality: null };
  const quality = measure(img, original);
  const score = truth.best
    ? scoreOverBaselines(quality, truth.best, params)
    : fidelityScore(quality, truth.baseline, params);
  return { score, quality };
}
