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

// Request and response become one synapse, so their field names must differ.
const imageField = (maxChars: number) => z.base64().min(32).max(maxChars);
const side = (max: number) => z.int().min(MIN_INPUT_SIDE).max(max);

/** The PNG header must name the same size as the fields. */
function headerCheck(image: string, width: number, height: number, field: string, ctx: z.RefinementCtx): void {
  const size = base64PngSize(image);
  if (!size) {
    ctx.addIssue({ code: 'custom', message: `${field} is not a PNG`, path: [field] });
  } else if (size.width !== width || size.height !== height) {
    ctx.addIssue({
      code: 'custom',
      message: `the PNG is ${size.width}×${size.height} but the fields say ${width}×${height}`,
      path: [field],
    });
  }
}

/** A low-resolution image to upscale ×2. */
export const imageRequest = z
  .object({
    /** The low-resolution image, base64 PNG. */
    image: imageField(MAX_INPUT_BASE64),
    width: side(MAX_INPUT_SIDE),
    height: side(MAX_INPUT_SIDE),
    scale: z.literal(UPSCALE).default(UPSCALE),
  })
  .superRefine((v, ctx) => headerCheck(v.image, v.width, v.height, 'image', ctx));

/** The upscaled image: the validator also checks it is exactly `scale`× the request's size. */
export const imageResponse = z
  .object({
    /** The upscaled image, base64 PNG. */
    output: imageField(MAX_OUTPUT_BASE64),
    outputWidth: side(MAX_OUTPUT_SIDE),
    outputHeight: side(MAX_OUTPUT_SIDE),
  })
  .superRefine((v, ctx) => headerCheck(v.output, v.outputWidth, v.outputHeight, 'output', ctx));

export type ImageRequest = z.input<typeof imageRequest>;
export type ImageResponse = z.output<typeof imageResponse>;
