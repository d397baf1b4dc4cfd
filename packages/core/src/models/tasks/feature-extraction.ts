import { badInput } from '../model-errors.js';
import type { FeatureExtractionHandle, FeatureExtractionOptions } from '../types.js';
import {
  contextSize,
  type ModelSlotApi,
  pipelineOptions,
  surelyFits,
  type TaskDriver,
  type TensorLike,
  type TokenizerLike,
  throwIfAborted,
} from './task-driver.js';

/** The loaded feature-extraction pipeline. */
export interface FeatureExtractionModel {
  pipe: ((texts: string[], options: Record<string, unknown>) => Promise<TensorLike>) & { dispose(): Promise<void> };
  tokenizer: TokenizerLike;
  contextTokens: number | undefined;
  dimensions: number | undefined;
}

/** A validated embedding request (one call, possibly many texts). */
export interface FeatureExtractionRequest {
  texts: string[];
  pooling: 'mean' | 'cls';
  normalize: boolean;
  truncate: boolean;
}

/** Texts per forward pass: bounds padding waste and peak memory when many requests merge. */
const MAX_TEXTS_PER_PASS = 64;

/** transformers.js glue for `feature-extraction` (sentence embeddings). */
export const featureExtractionDriver: TaskDriver<FeatureExtractionModel, FeatureExtractionRequest, number[][]> = {
  async load(spec) {
    const pipe = (await spec.t.pipeline('feature-extraction', spec.source, pipelineOptions(spec))) as unknown as {
      tokenizer: TokenizerLike;
      model: { config: Record<string, unknown> };
    } & FeatureExtractionModel['pipe'];
    const hidden = pipe.model.config.hidden_size;
    return {
      pipe,
      tokenizer: pipe.tokenizer,
      contextTokens: contextSize(pipe.model.config, pipe.tokenizer),
      dimensions: typeof hidden === 'number' ? hidden : undefined,
    };
  },
  meta: (m) => ({
    ...(m.contextTokens === undefined ? {} : { contextTokens: m.contextTokens }),
    ...(m.dimensions === undefined ? {} : { dimensions: m.dimensions }),
  }),
  batchKey: (r) => `${r.pooling}:${r.normalize}:${r.truncate}`,
  async run(m, batch, signal) {
    const first = batch[0] as FeatureExtractionRequest;
    const all = batch.flatMap((r) => r.texts);
    const vectors: number[][] = [];
    for (let i = 0; i < all.length; i += MAX_TEXTS_PER_PASS) {
      throwIfAborted(signal);
      const out = await m.pipe(all.slice(i, i + MAX_TEXTS_PER_PASS), {
        pooling: first.pooling,
        normalize: first.normalize,
      });
      vectors.push(...(out.tolist() as number[][]));
      out.dispose?.();
    }
    let at = 0;
    return batch.map((r) => {
      const mine = vectors.slice(at, at + r.texts.length);
      at += r.texts.length;
      return mine;
    });
  },
  warmup: () => ({ texts: ['warm up'], pooling: 'mean', normalize: true, truncate: false }),
  dispose: (m) => m.pipe.dispose(),
};

/** Checks texts and options; throws SK_MODEL_BAD_INPUT. */
export function toFeatureExtractionRequest(
  slot: Pick<ModelSlotApi<unknown, unknown, unknown>, 'model' | 'limits'>,
  m: Pick<FeatureExtractionModel, 'tokenizer' | 'contextTokens'>,
  input: unknown,
  options: FeatureExtractionOptions,
): FeatureExtractionRequest {
  const { model, limits } = slot;
  const texts = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(texts)) throw badInput(model, `expected a string or an array of strings, got ${typeof input}.`);
  if (texts.length === 0) throw badInput(model, 'no texts to embed.');
  if (texts.length > limits.maxItems) {
    throw badInput(model, `${texts.length} texts in one call; the limit is ${limits.maxItems}.`, {
      items: texts.length,
      limit: limits.maxItems,
    });
  }
  const pooling = options.pooling ?? 'mean';
  if (pooling !== 'mean' && pooling !== 'cls') throw badInput(model, `pooling must be 'mean' or 'cls'.`);
  const normalize = options.normalize ?? true;
  const truncate = options.truncate ?? false;
  if (typeof normalize !== 'boolean' || typeof truncate !== 'boolean') {
    throw badInput(model, 'normalize and truncate must be booleans.');
  }
  const maxTokens = limits.maxInputTokens ?? m.contextTokens;
  texts.forEach((t: unknown, i) => {
    if (typeof t !== 'string') throw badInput(model, `text ${i} is ${typeof t}, not a string.`, { index: i });
    if (t.trim().length === 0) throw badInput(model, `text ${i} is empty.`, { index: i });
    if (t.length > limits.maxInputChars) {
      throw badInput(model, `text ${i} has ${t.length} characters; the limit is ${limits.maxInputChars}.`, {
        index: i,
      });
    }
    if (!truncate && maxTokens !== undefined && !surelyFits(t, maxTokens)) {
      const n = m.tokenizer.encode(t).length;
      if (n > maxTokens) {
        throw badInput(model, `text ${i} is ${n} tokens; the limit is ${maxTokens} (pass truncate: true to cut it).`, {
          index: i,
          tokens: n,
          limit: maxTokens,
        });
      }
    }
  });
  return { texts: [...(texts as string[])], pooling, normalize, truncate };
}

/** Builds `ctx.models.<name>` for a feature-extraction model. */
export function createFeatureExtractionHandle(
  slot: ModelSlotApi<FeatureExtractionModel, FeatureExtractionRequest, number[][]>,
): FeatureExtractionHandle {
  const call = async (texts: string | readonly string[], options: FeatureExtractionOptions = {}) => {
    const m = await slot.loaded();
    return slot.submit(toFeatureExtractionRequest(slot, m, texts, options), options);
  };
  return Object.assign(call, { info: () => slot.info() });
}
