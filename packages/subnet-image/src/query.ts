/**
 * Application helpers for `subnetkit query image in.png -o out.png`: image file bytes in, a
 * request out; a response in, PNG bytes out.
 */
import { SubnetkitError } from '@subnetkit/core';
import { decodeImage, encodePng, fromBase64, toBase64 } from './image.js';
import { type ImageRequest, imageRequest, imageResponse, MAX_INPUT_SIDE, MIN_INPUT_SIDE } from './schema.js';

/**
 * Turns an image file (PNG, JPEG, WebP… anything sharp reads) into a request. Throws
 * SK_PROTOCOL_BAD_REQUEST when it cannot be decoded or is outside 8…256 px a side.
 *
 * @example
 * const req = await toRequest(readFileSync('in.png'));
 * const res = await client.query('image', req);
 * writeFileSync('out.png', fromResponse(res));
 */
export async function toRequest(bytes: Uint8Array): Promise<ImageRequest> {
  let img: Awaited<ReturnType<typeof decodeImage>>;
  try {
    // a generous decode limit: the real size check below gives the better message
    img = await decodeImage(bytes, 8192 * 8192);
  } catch (err) {
    throw new SubnetkitError(
      'SK_PROTOCOL_BAD_REQUEST',
      'The input is not an image sharp can decode; pass a PNG or JPEG file.',
      {},
      { cause: err },
    );
  }
  const { width, height } = img;
  if (width > MAX_INPUT_SIDE || height > MAX_INPUT_SIDE || width < MIN_INPUT_SIDE || height < MIN_INPUT_SIDE) {
    throw new SubnetkitError(
      'SK_PROTOCOL_BAD_REQUEST',
      `The image is ${width}×${height}; the image subnet takes ${MIN_INPUT_SIDE} to ${MAX_INPUT_SIDE} pixels a side. Crop or shrink it first.`,
      { width, height, maxSide: MAX_INPUT_SIDE, minSide: MIN_INPUT_SIDE },
    );
  }
  const request = { image: toBase64(await encodePng(img)), width, height, scale: 2 as const };
  imageRequest.parse(request); // our own output must meet the schema; a failure here is a bug
  return request;
}

/** The PNG bytes of a response. Throws SK_PROTOCOL_BAD_RESPONSE when it breaks the schema. */
export function fromResponse(response: unknown): Uint8Array {
  const parsed = imageResponse.safeParse(response);
  if (!parsed.success) {
    throw new SubnetkitError(
      'SK_PROTOCOL_BAD_RESPONSE',
      `The miner's answer is not a valid image response: ${parsed.error.issues[0]?.message ?? 'invalid'}.`,
      {
        issues: parsed.error.issues.length,
      },
    );
  }
  return fromBase64(parsed.data.output);
}
