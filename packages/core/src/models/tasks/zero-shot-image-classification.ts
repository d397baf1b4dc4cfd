import { badInput } from '../model-errors.js';
import type { Transformers } from '../transformers-env.js';
import type {
  ImageInput,
  LabelScore,
  ZeroShotImageClassificationHandle,
  ZeroShotImageClassificationOptions,
} from '../types.js';
import { type RawImage, toRgbImage } from './images.js';
import {
  contextSize,
  type ModelSlotApi,
  pipelineOptions,
  type TaskDriver,
  type TokenizerLike,
  throwIfAborted,
} from './task-driver.js';

/** The loaded zero-shot image classification pipeline (CLIP-style). */
export interface ZeroShotModel {
  t: Transformers;
  pipe: ((images: RawImage[], labels: string[], options: Record<string, unknown>) => Promise<LabelScore[][]>) & {
    dispose(): Promise<void>;
  };
  tokenizer: TokenizerLike;
  contextTokens: number | undefined;
}

/** A validated zero-shot request. */
export interface ZeroShotRequest {
  image: RawImage;
  labels: string[];
  template: string;
}

/** The pipeline's own default, so results match transformers.js examples. */
const DEFAULT_TEMPLATE = 'This is a photo of {}';

/** transformers.js glue for `zero-shot-image-classification`. */
export const zeroShotDriver: TaskDriver<ZeroShotModel, ZeroShotRequest, LabelScore[]> = {
  async load(spec) {
    const pipe = (await spec.t.pipeline(
      'zero-shot-image-classification',
      spec.source,
      pipelineOptions(spec),
    )) as unknown as { tokenizer: TokenizerLike; model: { config: Record<string, unknown> } } & ZeroShotModel['pipe'];
    const textConfig = (pipe.model.config.text_config ?? {}) as Record<string, unknown>;
    return { t: spec.t, pipe, tokenizer: pipe.tokenizer, contextTokens: contextSize(textConfig, pipe.tokenizer) };
  },
  meta: (m): Record<string, number> => (m.contextTokens === undefined ? {} : { contextTokens: m.contextTokens }),
  batchKey: (r) => JSON.stringify([r.template, r.labels]),
  async run(m, batch, signal) {
    throwIfAborted(signal);
    const first = batch[0] as ZeroShotRequest;
    const out = await m.pipe(
      batch.map((r) => r.image),
      first.labels,
      { hypothesis_template: first.template },
    );
    return out.map((scores) => scores.map((s) => ({ label: s.label, score: s.score })));
  },
  warmup: (m) => ({
    image: new m.t.RawImage(new Uint8ClampedArray(32 * 32 * 3).fill(128), 32, 32, 3),
    labels: ['a cat', 'a dog'],
    template: DEFAULT_TEMPLATE,
  }),
  dispose: (m) => m.pipe.dispose(),
};

/** Checks labels and template; throws SK_MODEL_BAD_INPUT. */
export function checkZeroShotLabels(
  slot: Pick<ModelSlotApi<unknown, unknown, unknown>, 'model' | 'limits'>,
  m: Pick<ZeroShotModel, 'tokenizer' | 'contextTokens'>,
  labels: unknown,
  template: unknown,
): { labels: string[]; template: string } {
  const { model, limits } = slot;
  if (!Array.isArray(labels)) throw badInput(model, 'labels must be an array of strings.');
  if (labels.length === 0) throw badInput(model, 'no candidate labels.');
  if (labels.length > limits.maxItems) {
    throw badInput(model, `${labels.length} labels; the limit is ${limits.maxItems}.`, { limit: limits.maxItems });
  }
  if (typeof template !== 'string' || !template.includes('{}')) {
    throw badInput(model, 'hypothesisTemplate must be a string containing {} where the label goes.');
  }
  const seen = new Set<string>();
  labels.forEach((l: unknown, i) => {
    if (typeof l !== 'string' || l.trim().length === 0) throw badInput(model, `label ${i} must be a non-empty string.`);
    if (seen.has(l)) throw badInput(model, `label "${l}" appears twice.`);
    seen.add(l);
    if (l.length > limits.maxInputChars)
      throw badInput(model, `label ${i} is over ${limits.maxInputChars} characters.`);
    // CLIP truncates by slicing after special tokens are added, which silently drops the label
    // and the end token: refuse instead of returning meaningless uniform scores.
    const max = limits.maxInputTokens ?? m.contextTokens;
    const n = m.tokenizer.encode(template.replace('{}', l)).length;
    if (max !== undefined && n > max) {
      throw badInput(model, `label ${i} in its template is ${n} tokens; the limit is ${max}.`, {
        tokens: n,
        limit: max,
      });
    }
  });
  return { labels: [...(labels as string[])], template };
}

/** Builds `ctx.models.<name>` for a zero-shot image classification model. */
export function createZeroShotImageClassificationHandle(
  slot: ModelSlotApi<ZeroShotModel, ZeroShotRequest, LabelScore[]>,
): ZeroShotImageClassificationHandle {
  const call = async (
    image: ImageInput,
    labels: readonly string[],
    options: ZeroShotImageClassificationOptions = {},
  ): Promise<LabelScore[]> => {
    const m = await slot.loaded();
    const checked = checkZeroShotLabels(slot, m, labels, options.hypothesisTemplate ?? DEFAULT_TEMPLATE);
    const rgb = await toRgbImage(m.t, slot.model, image, slot.limits.maxPixels);
    return slot.submit({ image: rgb, ...checked }, options);
  };
  return Object.assign(call, { info: () => slot.info() });
}
