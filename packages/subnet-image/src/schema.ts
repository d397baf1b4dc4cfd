/**
 * Wire schemas: images travel as base64 PNG strings next to their declared size. The size limits
 * and the PNG header (signature, IHDR width and height) are checked by the schema itself, so a
 * host rejects oversized or mislabelled images before any pixel is decoded.
 */
import { z } from 'zod';
import { base64PngSize } from './image.js';

/** Largest low-resolution side a miner accepts. */
export const MAX_INPUT_SIDE = 256;
/** Smallest side: below one 8×8 window, upscaling is not worth a round trip. */
export const MIN_INPUT_SIDE = 8;
/** Upscaling factor of the task. */
export const UPSCALE = 2;
/** Largest answer side. */
export const MAX_OUTPUT_SIDE = MAX_INPUT_SIDE * UPSCALE;

// Base64 of a PNG can exceed the raw pixels only by filter bytes and zlib framing: allow RGBA plus 10%.
const maxBase64 = (side: number): number => Math.ceil(((side * side * 4 * 1.1) / 3) * 4);
/** Longest base64 string a request may carry. */
export const MAX_INPUT_BASE64 = maxBase64(MAX_INPUT_SIDE);
/** Longest base64 string a response may carry. */
export const MAX_OUTPUT_BASE64 = maxBase64(MAX_OUTPUT_SIDE);

const pngFields = (maxSide: number, maxChars: number) => ({
  /** The image as a base64 PNG. */
  image: z.base64().min(32).max(maxChars),
  width: z.int().min(MIN_INPUT_SIDE).max(maxSide),
  height: z.int().min(MIN_INPUT_SIDE).max(maxSide),
});

/** The PNG header must name the same size as the fields. */
function checkHeader(value: { image: string; width: number; height: number }, ctx: z.RefinementCtx): void {
  const size = base64PngSize(value.image);
  if (!size) {
    ctx.addIssue({ code: 'custom', message: 'image is not a PNG', path: ['image'] });
  } else if (size.width !== value.width || size.height !== value.height) {
    ctx.addIssue({
      code: 'custom',
      message: `the PNG is ${size.width}×${size.height} but the fields say ${value.width}×${value.height}`,
      path: ['image'],
    });
  }
}

/** A low-resolution image to upscale ×2. */
export const imageRequest = z
  .object({
    ...pngFields(MAX_INPUT_SIDE, MAX_INPUT_BASE64),
    scale: z.literal(UPSCALE).default(UPSCALE),
  })
  .superRefine(checkHeader);

/** The upscaled image: the validator also checks it is exactly `scale`× the request's size. */
export const imageResponse = z
  .object(pngFields(MAX_OUTPUT_SIDE, MAX_OUTPUT_BASE64))
  .superRefine(checkHeader);

export type ImageRequest = z.input<typeof imageRequest>;
export type ImageResponse = z.output<typeof imageResponse>;
