import { describe, expectTypeOf, it } from 'vitest';
import { defineModels } from './index.js';
import type {
  FeatureExtractionHandle,
  ImageToImageHandle,
  LabelScore,
  ModelHandles,
  RawImageData,
  TextGenerationHandle,
  TimeSeriesForecastHandle,
  ZeroShotImageClassificationHandle,
} from './types.js';

const models = defineModels({
  generator: { task: 'text-generation', model: 'Xenova/gpt2', fixture: 'tiny-gpt2' },
  embedder: { task: 'feature-extraction', model: 'Xenova/all-MiniLM-L6-v2', fixture: 'tiny-bert' },
  upscaler: { task: 'image-to-image', model: 'caidas/swin2SR-classical-sr-x2-64', fixture: 'tiny-swin2sr' },
  clip: { task: 'zero-shot-image-classification', model: 'Xenova/clip-vit-base-patch32', fixture: 'tiny-clip' },
  forecaster: { task: 'time-series-forecasting', model: 'ibm/patchtst', fixture: 'tiny-patchtst' },
});
type H = ModelHandles<typeof models>;

describe('ModelHandles', () => {
  it('maps each declaration to the handle of its task', () => {
    expectTypeOf<H['generator']>().toEqualTypeOf<TextGenerationHandle>();
    expectTypeOf<H['embedder']>().toEqualTypeOf<FeatureExtractionHandle>();
    expectTypeOf<H['upscaler']>().toEqualTypeOf<ImageToImageHandle>();
    expectTypeOf<H['clip']>().toEqualTypeOf<ZeroShotImageClassificationHandle>();
    expectTypeOf<H['forecaster']>().toEqualTypeOf<TimeSeriesForecastHandle>();
  });

  it('types call results per task and output format', () => {
    const h = {} as H;
    expectTypeOf(h.generator('hi')).resolves.toEqualTypeOf<string>();
    expectTypeOf(h.generator.stream('hi')).toEqualTypeOf<AsyncIterable<string>>();
    expectTypeOf(h.embedder(['a', 'b'])).resolves.toEqualTypeOf<number[][]>();
    expectTypeOf(h.upscaler(new Uint8Array())).resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf(h.upscaler(new Uint8Array(), { output: 'raw' })).resolves.toEqualTypeOf<RawImageData>();
    expectTypeOf(h.clip(new Uint8Array(), ['cat'])).resolves.toEqualTypeOf<LabelScore[]>();
    expectTypeOf(h.forecaster([[1, 2, 3]])).resolves.toEqualTypeOf<number[][]>();
    // @ts-expect-error: a model name that was not declared
    h.missing;
    // @ts-expect-error: embeddings take text, not numbers
    void h.embedder(42);
  });
});
