/**
 * Pixel plumbing over sharp: PNG and base64 in and out, resizes, and the cheap PNG header read the
 * wire schemas use before anything is decoded.
 */
import sharp from 'sharp';

/** 8-bit RGB pixels, row-major, interleaved (3 bytes a pixel). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Resampling kernels this subnet uses (sharp's names). */
export type ResizeKernel = 'nearest' | 'linear' | 'cubic' | 'lanczos3';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// "IHDR" must be the first chunk; its width and height sit right after the chunk type.
const IHDR = [0x49, 0x48, 0x44, 0x52];

/** Width and height from a PNG's IHDR chunk, or null when the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24) return null;
  if (PNG_SIGNATURE.some((b, i) => bytes[i] !== b) || IHDR.some((b, i) => bytes[12 + i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Width and height of a base64 PNG, read from its first 32 characters only (no full decode). */
export function base64PngSize(b64: string): { width: number; height: number } | null {
  // 32 base64 characters are 24 bytes: signature, IHDR length and type, width, height.
  const head = Buffer.from(b64.slice(0, 32), 'base64');
  return pngSize(new Uint8Array(head.buffer, head.byteOffset, head.byteLength));
}

/** Standard base64 of some bytes. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Bytes of a standard base64 string. */
export function fromBase64(b64: string): Uint8Array {
  const buf = Buffer.from(b64, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function asBytes(buf: Buffer): Uint8Array {
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Decodes any image sharp reads (PNG, JPEG…) to 8-bit RGB, flattening alpha onto black.
 * `maxPixels` refuses decompression bombs before decoding.
 */
export async function decodeImage(bytes: Uint8Array, maxPixels = 4096 * 4096): Promise<RgbImage> {
  const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels })
    .flatten({ background: '#000000' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
  return { data: asBytes(data), width: info.width, height: info.height };
}

/** Encodes RGB pixels as a PNG (fast zlib level: these images live for one round). */
export async function encodePng(img: RgbImage): Promise<Uint8Array> {
  const buf = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
  return asBytes(buf);
}

/** Resizes RGB pixels to exactly `width`×`height` with the given kernel. */
export async function resizeRgb(img: RgbImage, width: number, height: number, kernel: ResizeKernel): Promise<RgbImage> {
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize(width, height, { kernel, fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: asBytes(data), width: info.width, height: info.height };
}

/** The top-left `width`×`height` corner of an image (drops a model's padding). */
export function cropTopLeft(img: RgbImage, width: number, height: number): RgbImage {
  if (width > img.width || height > img.height) {
    throw new RangeError(`cannot crop ${img.width}×${img.height} to ${width}×${height}`);
  }
  if (width === img.width && height === img.height) return img;
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    out.set(img.data.subarray(y * img.width * 3, (y * img.width + width) * 3), y * width * 3);
  }
  return { data: out, width, height };
}
