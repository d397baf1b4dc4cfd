import { badInput } from '../model-errors.js';
import type { Transformers } from '../transformers-env.js';
import type { ImageInput, RawImageData } from '../types.js';

/** transformers.js' RawImage, as the drivers use it. */
export type RawImage = InstanceType<Transformers['RawImage']>;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG header, read before decoding so a huge image is refused cheaply. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function checkPixels(model: string, width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) {
    throw badInput(model, `the image is ${width}×${height} (${width * height} pixels); the limit is ${maxPixels}.`, {
      width,
      height,
      limit: maxPixels,
    });
  }
}

function isRawImageData(x: unknown): x is RawImageData {
  return typeof x === 'object' && x !== null && 'data' in x && 'width' in x && 'height' in x && 'channels' in x;
}

/**
 * Validates and decodes an image input to an RGB RawImage; throws SK_MODEL_BAD_INPUT for a wrong
 * type, empty or undecodable bytes, inconsistent raw pixels, or more than `maxPixels`.
 */
export async function toRgbImage(
  t: Transformers,
  model: string,
  input: ImageInput,
  maxPixels: number,
): Promise<RawImage> {
  if (input instanceof Uint8Array) {
    if (input.length === 0) throw badInput(model, 'the image is empty (0 bytes).');
    const size = pngSize(input);
    if (size) checkPixels(model, size.width, size.height, maxPixels);
    let img: RawImage;
    try {
      img = await t.RawImage.fromBlob(new Blob([input as Uint8Array<ArrayBuffer>]));
    } catch (err) {
      throw badInput(model, `the image bytes could not be decoded (${err instanceof Error ? err.message : err}).`);
    }
    checkPixels(model, img.width, img.height, maxPixels);
    return img.rgb();
  }
  if (isRawImageData(input)) {
    const { data, width, height, channels } = input;
    if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
      throw badInput(model, 'raw image data must be a Uint8Array or Uint8ClampedArray.');
    }
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw badInput(model, `raw image size must be positive integers, got ${String(width)}×${String(height)}.`);
    }
    if (![1, 2, 3, 4].includes(channels)) throw badInput(model, `raw image channels must be 1 to 4, got ${channels}.`);
    checkPixels(model, width, height, maxPixels);
    if (data.length !== width * height * channels) {
      throw badInput(
        model,
        `raw image data has ${data.length} bytes; ${width}×${height}×${channels} needs ${width * height * channels}.`,
      );
    }
    return new t.RawImage(new Uint8ClampedArray(data), width, height, channels).rgb();
  }
  throw badInput(
    model,
    `expected image bytes (Uint8Array) or raw pixels {data, width, height, channels}, got ${typeof input}.`,
  );
}

/** Encodes a RawImage as PNG bytes. */
export async function toPng(img: RawImage): Promise<Uint8Array> {
  const buf = await img.toSharp().png().toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Copies a RawImage's pixels out as plain RGB data. */
export function toRawData(img: RawImage): RawImageData {
  return {
    data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength).slice(),
    width: img.width,
    height: img.height,
    channels: img.channels as RawImageData['channels'],
  };
}
