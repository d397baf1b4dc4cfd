import { badInput } from '../model-errors.js';
import type { Transformers } from '../transformers-env.js';
import type { ImageInput, ImageToImageHandle, ImageToImageOptions, RawImageData } from '../types.js';
import { type RawImage, toPng, toRawData, toRgbImage } from './images.js';
import { type ModelSlotApi, pipelineOptions, type TaskDriver, throwIfAborted } from './task-driver.js';

/** The loaded image-to-image pipeline. */
export interface ImageToImageModel {
  t: Transformers;
  pipe: ((images: RawImage[]) => Promise<RawImage[]>) & { dispose(): Promise<void> };
  upscale: number;
}

/** A validated image-to-image request. */
export interface ImageToImageRequest {
  image: RawImage;
  output: 'png' | 'raw';
}

/** transformers.js glue for `image-to-image` (e.g. Swin2SR super-resolution). */
export const imageToImageDriver: TaskDriver<ImageToImageModel, ImageToImageRequest, Uint8Array | RawImageData> = {
  async load(spec) {
    const pipe = (await spec.t.pipeline('image-to-image', spec.source, pipelineOptions(spec))) as unknown as {
      model: { config: Record<string, unknown> };
    } & ImageToImageModel['pipe'];
    const up = pipe.model.config.upscale;
    return { t: spec.t, pipe, upscale: typeof up === 'number' && up > 0 ? up : 1 };
  },
  meta: (m) => ({ upscale: m.upscale }),
  // One forward pass needs equal tensor shapes, so only same-sized images share a batch.
  batchKey: (r) => `${r.image.width}x${r.image.height}`,
  async run(m, batch, signal) {
    throwIfAborted(signal);
    const out = await m.pipe(batch.map((r) => r.image));
    return Promise.all(
      out.map(async (img, i) => {
        const req = batch[i] as ImageToImageRequest;
        // The processor pads inputs to a multiple of its pad size; cut the padding's share back off.
        const w = req.image.width * m.upscale;
        const h = req.image.height * m.upscale;
        const exact = img.width > w || img.height > h ? await img.crop([0, 0, w - 1, h - 1]) : img;
        return req.output === 'raw' ? toRawData(exact) : toPng(exact);
      }),
    );
  },
  warmup: (m) => ({ image: new m.t.RawImage(new Uint8ClampedArray(16 * 16 * 3).fill(128), 16, 16, 3), output: 'raw' }),
  dispose: (m) => m.pipe.dispose(),
};

/** Builds `ctx.models.<name>` for an image-to-image model. */
export function createImageToImageHandle(
  slot: ModelSlotApi<ImageToImageModel, ImageToImageRequest, Uint8Array | RawImageData>,
): ImageToImageHandle {
  const call = async (image: ImageInput, options: ImageToImageOptions = {}) => {
    const m = await slot.loaded();
    const output = options.output ?? 'png';
    if (output !== 'png' && output !== 'raw') {
      throw badInput(slot.model, `output must be 'png' or 'raw', got ${String(output)}.`);
    }
    const rgb = await toRgbImage(m.t, slot.model, image, slot.limits.maxPixels);
    return slot.submit({ image: rgb, output }, options);
  };
  return Object.assign(call, { info: () => slot.info() }) as ImageToImageHandle;
}
