import { SubnetkitError } from '../../errors/subnetkit-error.js';
import type { Logger } from '../../log/logger.js';
import type { Clock } from '../../util/clock.js';
import { CallStats } from '../call-stats.js';
import { MicroBatcher } from '../micro-batcher.js';
import { toRunError } from '../model-errors.js';
import type { FeatureExtractionRequest } from '../tasks/feature-extraction.js';
import type { ModelSlotApi, ResolvedLimits, TokenizerLike } from '../tasks/task-driver.js';
import type { TextGenerationRequest } from '../tasks/text-generation.js';
import type { BatchOptions, ModelCallOptions, ModelDeclaration, ModelInfo, ModelMetrics } from '../types.js';
import { callServer, listModels, type OpenAIEndpoint } from './openai-http.js';

/** The tasks an OpenAI-compatible server serves: `/completions` and `/embeddings`. */
export const SERVER_TASKS = ['text-generation', 'feature-extraction'] as const;

const DEFAULT_TIMEOUT_MS = 60_000;

/** What the task handles see as the "loaded model" of a server-backed slot. */
interface ServerModel {
  tokenizer: TokenizerLike;
  contextTokens: undefined;
  dimensions: undefined;
  forward(): never;
}

/**
 * A model served by an OpenAI-compatible inference server (vLLM, TGI, Ollama, llama.cpp…). It
 * plugs into the same task handles as a local model: requests are validated the same way, go
 * through the same micro-batcher (a batch is one server call with a list of prompts or inputs),
 * honour AbortSignal, and report the same metrics and `onTiming`. The server enforces its own
 * context size; teacher-forced `logProbs` needs the weights, so it is refused with a coded error
 * (a validator keeps its reference model local).
 */
export class ServerModelSlot implements ModelSlotApi<ServerModel, unknown, unknown> {
  readonly key: string;
  readonly model: string;
  readonly task: ModelDeclaration['task'];
  readonly limits: ResolvedLimits;
  readonly #ep: OpenAIEndpoint;
  readonly #log: Logger;
  readonly #batcher: MicroBatcher<unknown, unknown>;
  readonly #loadedModel: ServerModel;
  readonly #calls = new CallStats();
  #state: ModelMetrics['state'] = 'idle';
  #checking: Promise<ServerModel> | null = null;
  #info: ModelInfo | null = null;
  #disposed = false;
  readonly #clock: Clock;

  constructor(
    decl: ModelDeclaration,
    host: { clock: Clock; log: Logger; batch: Required<BatchOptions>; limits: ResolvedLimits },
  ) {
    const baseURL = decl.baseURL as string;
    this.#ep = {
      baseURL,
      model: decl.model,
      ...(decl.apiKeyEnv ? { apiKeyEnv: decl.apiKeyEnv } : {}),
      timeoutMs: decl.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    };
    this.key = ['openai-compatible', decl.task, baseURL, decl.model, decl.apiKeyEnv ?? '', this.#ep.timeoutMs].join(
      '|',
    );
    this.model = decl.model;
    this.task = decl.task;
    this.#clock = host.clock;
    this.#log = host.log;
    // the server knows its context; a local token count would need the tokenizer we do not have
    this.limits = { ...host.limits, maxInputTokens: undefined };
    const unsupported = (what: string) => () => {
      throw new SubnetkitError(
        'SK_MODEL_BAD_INPUT',
        `${decl.model} is served by ${baseURL}: ${what} needs the model's weights; declare a local model for it (a validator's reference model stays local).`,
        { model: decl.model, baseURL },
      );
    };
    this.#loadedModel = {
      tokenizer: { encode: unsupported('tokenising (logProbs)'), decode: unsupported('decoding') },
      contextTokens: undefined,
      dimensions: undefined,
      forward: unsupported('teacher-forced scoring (logProbs)') as () => never,
    };
    this.#batcher = new MicroBatcher(
      async (items, signal) => {
        try {
          return await this.#run(items, signal);
        } catch (err) {
          throw signal.aborted ? err : toRunError(err, decl);
        }
      },
      (item) => batchKey(this.task, item),
      host.batch,
      host.clock,
    );
  }

  /** Checks once that the server lists the model (fails fast at load time). */
  loaded(): Promise<ServerModel> {
    if (this.#disposed) return Promise.reject(disposed());
    this.#checking ??= (async () => {
      this.#state = 'loading';
      const t0 = this.#clock.now();
      try {
        const served = await listModels(this.#ep, new AbortController().signal);
        if (!served.includes(this.model)) {
          throw new SubnetkitError(
            'SK_MODEL_NOT_FOUND',
            `${this.#ep.baseURL} does not serve model '${this.model}' (it lists ${served.slice(0, 10).join(', ') || 'none'}).`,
            { model: this.model, baseURL: this.#ep.baseURL },
          );
        }
      } catch (err) {
        this.#state = 'failed';
        this.#checking = null; // a server that comes up later is picked up by the next call
        throw err;
      }
      this.#info = {
        task: this.task,
        model: this.model,
        source: { kind: 'server', baseURL: this.#ep.baseURL },
        device: 'server',
        dtype: 'default',
        loadMs: this.#clock.now() - t0,
        warmupMs: null,
        meta: { provider: 'openai-compatible', baseURL: this.#ep.baseURL },
      };
      this.#state = 'ready';
      this.#log.info(
        { event: 'model.loaded', model: this.model, task: this.task, baseURL: this.#ep.baseURL },
        `model ${this.model} served by ${this.#ep.baseURL}`,
      );
      return this.#loadedModel;
    })();
    return this.#checking;
  }

  async submit(request: unknown, options: ModelCallOptions | undefined): Promise<unknown> {
    if (this.#disposed) throw disposed();
    return this.#calls.submit(this.#batcher, request, options);
  }

  async info(): Promise<ModelInfo> {
    await this.loaded();
    return this.#info as ModelInfo;
  }

  metrics(): ModelMetrics {
    return {
      key: this.key,
      task: this.task,
      model: this.model,
      device: 'server',
      state: this.#state,
      ...this.#calls.fields(this.#batcher),
      loadMs: this.#info?.loadMs ?? null,
      warmupMs: null,
    };
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#state = 'disposed';
    await this.#batcher.close(disposed());
  }

  async #run(items: unknown[], signal: AbortSignal): Promise<unknown[]> {
    if (this.task === 'text-generation') return this.#complete(items as TextGenerationRequest[], signal);
    return this.#embed(items as FeatureExtractionRequest[], signal);
  }

  async #complete(batch: TextGenerationRequest[], signal: AbortSignal): Promise<string[]> {
    const first = batch[0] as TextGenerationRequest;
    const body: Record<string, unknown> = {
      model: this.model,
      max_tokens: first.maxNewTokens,
      // greedy unless sampling was asked for, as the local runtime decodes
      temperature: first.doSample ? (first.temperature ?? 1) : 0,
    };
    if (first.minNewTokens > 0) body.min_tokens = first.minNewTokens;
    if (first.doSample && first.topP !== undefined) body.top_p = first.topP;
    if (first.doSample && first.topK !== undefined) body.top_k = first.topK;
    if (first.onToken) {
      // a streaming request always runs alone (its batch key is unique)
      const onToken = first.onToken;
      const pieces: string[] = [];
      await callServer(this.#ep, '/completions', { ...body, prompt: first.prompt, stream: true }, signal, (data) => {
        const text = (data as { choices?: { text?: unknown }[] }).choices?.[0]?.text;
        if (typeof text === 'string' && text.length > 0) {
          pieces.push(text);
          onToken(text);
        }
      });
      return [pieces.join('')];
    }
    const json = (await callServer(
      this.#ep,
      '/completions',
      { ...body, prompt: batch.map((r) => r.prompt) },
      signal,
    )) as { choices?: { index?: number; text?: unknown }[] };
    return byIndex<{ index?: number; text?: unknown }, string>(
      json.choices,
      batch.length,
      (c) => c.text,
      'string',
      this.model,
    );
  }

  async #embed(batch: FeatureExtractionRequest[], signal: AbortSignal): Promise<number[][][]> {
    const texts = batch.flatMap((r) => r.texts);
    const json = (await callServer(this.#ep, '/embeddings', { model: this.model, input: texts }, signal)) as {
      data?: { index?: number; embedding?: unknown }[];
    };
    const vectors = byIndex<{ index?: number; embedding?: unknown }, number[]>(
      json.data,
      texts.length,
      (d) => d.embedding,
      'vector',
      this.model,
    );
    const out: number[][][] = [];
    let at = 0;
    for (const r of batch) {
      const mine = vectors.slice(at, at + r.texts.length);
      at += r.texts.length;
      out.push(r.normalize ? mine.map(l2normalize) : mine);
    }
    return out;
  }
}

function batchKey(task: ModelDeclaration['task'], item: unknown): string {
  if (task === 'feature-extraction') {
    const r = item as FeatureExtractionRequest;
    return `${r.pooling}:${r.normalize}:${r.truncate}`;
  }
  const r = item as TextGenerationRequest;
  return r.streamId === undefined
    ? JSON.stringify([r.maxNewTokens, r.minNewTokens, r.doSample, r.temperature, r.topK, r.topP])
    : `stream:${r.streamId}`;
}

/** Orders the server's `choices`/`data` by their `index`; a missing or malformed entry is a server fault. */
function byIndex<E extends { index?: number }, T>(
  entries: E[] | undefined,
  n: number,
  pick: (e: E) => unknown,
  kind: 'string' | 'vector',
  model: string,
): T[] {
  const out = new Array<T>(n);
  let filled = 0;
  for (const [i, e] of (entries ?? []).entries()) {
    const at = typeof e.index === 'number' ? e.index : i;
    const v = pick(e);
    const ok = kind === 'string' ? typeof v === 'string' : Array.isArray(v) && v.every((x) => typeof x === 'number');
    if (ok && at >= 0 && at < n && out[at] === undefined) {
      out[at] = v as T;
      filled++;
    }
  }
  if (filled !== n) {
    throw new SubnetkitError(
      'SK_MODEL_INFERENCE_FAILED',
      `${model}: the server answered ${filled} of ${n} ${kind === 'string' ? 'completions' : 'embeddings'}.`,
      { model, expected: n, got: filled },
    );
  }
  return out;
}

function l2normalize(v: number[]): number[] {
  const norm = Math.hypot(...v);
  return norm > 0 ? v.map((x) => x / norm) : v;
}

function disposed(): SubnetkitError {
  return new SubnetkitError('SK_MODEL_DISPOSED', 'The model runtime was shut down; no more model calls are served.');
}
