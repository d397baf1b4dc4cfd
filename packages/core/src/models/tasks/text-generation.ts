import { badInput } from '../model-errors.js';
import type { LogProbOptions, TextGenerationHandle, TextGenerationOptions } from '../types.js';
import {
  contextSize,
  type ModelSlotApi,
  pipelineOptions,
  surelyFits,
  type TaskDriver,
  type TokenizerLike,
  throwIfAborted,
} from './task-driver.js';

type GenerationOutput = Array<Array<{ generated_text: string }>>;

/** The loaded text-generation pipeline. */
export interface TextGenerationModel {
  pipe: ((texts: string[], options: Record<string, unknown>) => Promise<GenerationOutput>) & {
    dispose(): Promise<void>;
  };
  tokenizer: TokenizerLike;
  contextTokens: number | undefined;
  stopper: new () => { interrupt(): void };
  /** One forward pass over token ids: logits of shape [1, ids.length, vocab]. */
  forward(ids: readonly number[]): Promise<{ data: ArrayLike<number>; dims: readonly number[] }>;
}

/** A validated generation request. */
export interface TextGenerationRequest {
  prompt: string;
  maxNewTokens: number;
  minNewTokens: number;
  doSample: boolean;
  temperature: number | undefined;
  topK: number | undefined;
  topP: number | undefined;
  onToken: ((text: string) => void) | undefined;
  /** Unique per streaming request, so a stream always runs alone. */
  streamId: number | undefined;
}

let streamIds = 0;

/**
 * Emits each new token's text as soon as it decodes cleanly. transformers.js' TextStreamer
 * flushes only at word boundaries, which is not token streaming.
 */
class TokenStreamer {
  readonly #tokenizer: TokenizerLike;
  readonly #onText: (text: string) => void;
  #promptSeen = false;
  #ids: bigint[] = [];
  #printed = 0;

  constructor(tokenizer: TokenizerLike, onText: (text: string) => void) {
    this.#tokenizer = tokenizer;
    this.#onText = onText;
  }

  put(value: bigint[][]): void {
    if (!this.#promptSeen) {
      this.#promptSeen = true; // the first call carries the prompt
      return;
    }
    this.#ids.push(...(value[0] ?? []));
    this.#flush(false);
  }

  end(): void {
    this.#flush(true);
  }

  #flush(final: boolean): void {
    const text = this.#tokenizer.decode(this.#ids, { skip_special_tokens: true });
    // A multi-byte character split across tokens decodes to U+FFFD until its last byte arrives.
    if (!final && text.endsWith('\uFFFD')) return;
    if (text.length > this.#printed) {
      const piece = text.slice(this.#printed);
      this.#printed = text.length;
      this.#onText(piece);
    }
  }
}

/** transformers.js glue for `text-generation`. */
export const textGenerationDriver: TaskDriver<TextGenerationModel, TextGenerationRequest, string> = {
  async load(spec) {
    const pipe = (await spec.t.pipeline('text-generation', spec.source, pipelineOptions(spec))) as unknown as {
      tokenizer: TokenizerLike;
      model: ((inputs: Record<string, unknown>) => Promise<{ logits: { data: ArrayLike<number>; dims: number[] } }>) & {
        config: Record<string, unknown>;
      };
    } & TextGenerationModel['pipe'];
    const Tensor = spec.t.Tensor as unknown as new (type: string, data: BigInt64Array, dims: number[]) => unknown;
    return {
      pipe,
      tokenizer: pipe.tokenizer,
      contextTokens: contextSize(pipe.model.config, pipe.tokenizer),
      stopper: spec.t.InterruptableStoppingCriteria,
      async forward(ids) {
        const n = ids.length;
        const input_ids = new Tensor(
          'int64',
          BigInt64Array.from(ids, (i) => BigInt(i)),
          [1, n],
        );
        const attention_mask = new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);
        return (await pipe.model({ input_ids, attention_mask })).logits;
      },
    };
  },
  meta: (m): Record<string, number> => (m.contextTokens === undefined ? {} : { contextTokens: m.contextTokens }),
  batchKey: (r) =>
    r.streamId === undefined
      ? JSON.stringify([r.maxNewTokens, r.minNewTokens, r.doSample, r.temperature, r.topK, r.topP])
      : `stream:${r.streamId}`,
  async run(m, batch, signal) {
    throwIfAborted(signal);
    const first = batch[0] as TextGenerationRequest;
    const stopper = new m.stopper();
    const onAbort = (): void => stopper.interrupt();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const options: Record<string, unknown> = {
        max_new_tokens: first.maxNewTokens,
        min_new_tokens: first.minNewTokens,
        do_sample: first.doSample,
        return_full_text: false,
        stopping_criteria: [stopper],
      };
      if (first.temperature !== undefined) options.temperature = first.temperature;
      if (first.topK !== undefined) options.top_k = first.topK;
      if (first.topP !== undefined) options.top_p = first.topP;
      if (first.onToken) options.streamer = new TokenStreamer(m.tokenizer, first.onToken);
      const out = await m.pipe(
        batch.map((r) => r.prompt),
        options,
      );
      throwIfAborted(signal);
      return out.map((o) => o[0]?.generated_text ?? '');
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  },
  warmup: () => ({
    prompt: 'Hello',
    maxNewTokens: 2,
    minNewTokens: 2,
    doSample: false,
    temperature: undefined,
    topK: undefined,
    topP: undefined,
    onToken: undefined,
    streamId: undefined,
  }),
  dispose: (m) => m.pipe.dispose(),
};

function intIn(model: string, name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw badInput(model, `${name} must be an integer from ${min} to ${max}, got ${String(v)}.`, { option: name });
  }
  return v;
}

/** Checks a prompt and options against the loaded model; throws SK_MODEL_BAD_INPUT. */
export function toTextGenerationRequest(
  slot: Pick<ModelSlotApi<unknown, unknown, unknown>, 'model' | 'limits'>,
  m: Pick<TextGenerationModel, 'tokenizer' | 'contextTokens'>,
  prompt: unknown,
  options: TextGenerationOptions,
): TextGenerationRequest {
  const { model, limits } = slot;
  if (typeof prompt !== 'string') throw badInput(model, `the prompt must be a string, got ${typeof prompt}.`);
  if (prompt.trim().length === 0) throw badInput(model, 'the prompt is empty.');
  if (prompt.length > limits.maxInputChars) {
    throw badInput(model, `the prompt has ${prompt.length} characters; the limit is ${limits.maxInputChars}.`, {
      chars: prompt.length,
      limit: limits.maxInputChars,
    });
  }
  const maxNewTokens = intIn(model, 'maxNewTokens', options.maxNewTokens ?? 32, 1, limits.maxNewTokens);
  const minNewTokens = intIn(model, 'minNewTokens', options.minNewTokens ?? 0, 0, maxNewTokens);
  const { temperature, topK, topP, doSample, onToken } = options;
  if (temperature !== undefined && !(typeof temperature === 'number' && temperature > 0 && temperature <= 100)) {
    throw badInput(model, `temperature must be a number above 0, got ${String(temperature)}.`);
  }
  if (topK !== undefined) intIn(model, 'topK', topK, 0, 1_000_000);
  if (topP !== undefined && !(typeof topP === 'number' && topP > 0 && topP <= 1)) {
    throw badInput(model, `topP must be in (0, 1], got ${String(topP)}.`);
  }
  if (doSample !== undefined && typeof doSample !== 'boolean') throw badInput(model, 'doSample must be a boolean.');
  if (onToken !== undefined && typeof onToken !== 'function') throw badInput(model, 'onToken must be a function.');
  const maxTokens = limits.maxInputTokens ?? m.contextTokens;
  const budget = Math.min(
    maxTokens ?? Number.POSITIVE_INFINITY,
    (m.contextTokens ?? Number.POSITIVE_INFINITY) - maxNewTokens,
  );
  const tokens = surelyFits(prompt, budget) ? 0 : m.tokenizer.encode(prompt).length;
  if (maxTokens !== undefined && tokens > maxTokens) {
    throw badInput(model, `the prompt is ${tokens} tokens; the limit is ${maxTokens}.`, { tokens, limit: maxTokens });
  }
  if (m.contextTokens !== undefined && tokens + maxNewTokens > m.contextTokens) {
    throw badInput(
      model,
      `the prompt (${tokens} tokens) plus maxNewTokens (${maxNewTokens}) exceeds the model's context of ${m.contextTokens} tokens.`,
      { tokens, maxNewTokens, context: m.contextTokens },
    );
  }
  return {
    prompt,
    maxNewTokens,
    minNewTokens,
    doSample: doSample ?? false,
    temperature,
    topK,
    topP,
    onToken,
    streamId: onToken ? ++streamIds : undefined,
  };
}

/** Builds `ctx.models.<name>` for a text-generation model. */
export function createTextGenerationHandle(
  slot: ModelSlotApi<TextGenerationModel, TextGenerationRequest, string>,
): TextGenerationHandle {
  const call = async (prompt: string, options: TextGenerationOptions = {}): Promise<string> => {
    const m = await slot.loaded();
    return slot.submit(toTextGenerationRequest(slot, m, prompt, options), options);
  };
  async function* stream(prompt: string, options: Omit<TextGenerationOptions, 'onToken'> = {}): AsyncIterable<string> {
    const controller = new AbortController();
    const outer = options.signal;
    const onOuter = (): void => controller.abort(outer?.reason);
    if (outer?.aborted) onOuter();
    outer?.addEventListener('abort', onOuter, { once: true });
    const pieces: string[] = [];
    let wake: (() => void) | null = null;
    let done = false;
    let failure: unknown = null;
    const running = call(prompt, {
      ...options,
      signal: controller.signal,
      onToken: (t) => {
        pieces.push(t);
        wake?.();
      },
    }).then(
      () => {
        done = true;
        wake?.();
      },
      (err: unknown) => {
        failure = err;
        done = true;
        wake?.();
      },
    );
    try {
      for (;;) {
        const next = pieces.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (done) {
          if (failure) throw failure;
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    } finally {
      // Leaving the loop early (break, throw) stops the generation.
      if (!done) controller.abort();
      outer?.removeEventListener('abort', onOuter);
      await running;
    }
  }
  const logProbs = async (prompt: string, continuation: string, options: LogProbOptions = {}): Promise<number[]> => {
    const m = await slot.loaded();
    throwIfAborted(options.signal);
    if (typeof prompt !== 'string' || prompt.trim().length === 0) throw badInput(slot.model, 'the prompt is empty.');
    if (typeof continuation !== 'string') throw badInput(slot.model, 'the continuation must be a string.');
    const head = m.tokenizer.encode(prompt);
    const room = (m.contextTokens ?? Number.POSITIVE_INFINITY) - head.length;
    if (room < 1)
      throw badInput(slot.model, `the prompt (${head.length} tokens) leaves no room to score in the context.`);
    const tail = m.tokenizer
      .encode(continuation, { add_special_tokens: false })
      .slice(0, Math.min(room, options.maxTokens ?? room));
    if (tail.length === 0) return [];
    const ids = [...head, ...tail];
    const logits = await m.forward(ids);
    throwIfAborted(options.signal);
    const vocab = logits.dims[2] as number;
    // read the getter once: `Tensor.data` is an accessor, and calling it per element took most of this loop's CPU
    const data = logits.data;
    // position i's logits predict token i + 1: log-softmax at each continuation token
    return tail.map((id, k) => {
      const row = (head.length + k - 1) * vocab;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < vocab; j++) max = Math.max(max, data[row + j] as number);
      let sum = 0;
      for (let j = 0; j < vocab; j++) sum += Math.exp((data[row + j] as number) - max);
      return (data[row + id] as number) - max - Math.log(sum);
    });
  };
  return Object.assign(call, { stream, logProbs, info: () => slot.info() });
}
