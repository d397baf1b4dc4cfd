/**
 * Public types of the model runtime: what a subnet declares and the typed handles it calls.
 * Type-only, so plugins can lean on it without loading transformers.js.
 */

/** The model tasks the runtime serves. */
export type ModelTask =
  | 'text-generation'
  | 'feature-extraction'
  | 'image-to-image'
  | 'zero-shot-image-classification'
  | 'time-series-forecasting';

/** Weight precision; picks the ONNX file (`model.onnx`, `model_fp16.onnx`, `model_quantized.onnx`, `model_q4.onnx`). */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4';

/** Where a model runs. `auto` tries WebGPU and falls back to the CPU. */
export type ModelDevice = 'cpu' | 'webgpu' | 'auto';

/** The device a model actually runs on once loaded. */
export type ResolvedDevice = 'cpu' | 'webgpu';

/** Micro-batching knobs for one model. */
export interface BatchOptions {
  /** Most requests run together in one forward pass. */
  maxBatchSize?: number;
  /** How long the first queued request waits for company before its batch runs. */
  maxWaitMs?: number;
  /** Batches of one model that may run at the same time. */
  maxConcurrency?: number;
  /** Queued (not yet running) requests beyond which calls fail with SK_MODEL_OVERLOADED. */
  maxQueue?: number;
}

/** Input limits; over them a call fails with SK_MODEL_BAD_INPUT instead of running. */
export interface ModelLimits {
  /** Characters in one text input (checked before tokenising). */
  maxInputChars?: number;
  /** Tokens in one text input (defaults to the model's context size). */
  maxInputTokens?: number;
  /** Upper bound for `maxNewTokens` in text generation. */
  maxNewTokens?: number;
  /** Texts in one embedding call, labels in one zero-shot call. */
  maxItems?: number;
  /** Pixels (width × height) of one input image. */
  maxPixels?: number;
  /** Rows of one time-series context. */
  maxContextRows?: number;
}

/** One model a subnet declares. `model` is the hub id used in production. */
export interface ModelDeclaration<T extends ModelTask = ModelTask> {
  task: T;
  /** Hugging Face hub id, e.g. `Xenova/all-MiniLM-L6-v2`. */
  model: string;
  /** Tiny stand-in used when the runtime runs with `useFixtures`: a fixture name or an absolute folder path. */
  fixture?: string;
  /** Absolute path of a local copy of `model` (e.g. weights shipped inside the subnet package). */
  path?: string;
  dtype?: ModelDtype;
  device?: ModelDevice;
  /** Hub revision (branch, tag or commit) when downloading. */
  revision?: string;
  /** ONNX base file name when it is not `model` (e.g. `decoder_model_merged` for v3-layout repos). */
  modelFileName?: string;
  batch?: BatchOptions;
  limits?: ModelLimits;
  /**
   * `local` (default): transformers.js loads the weights. `openai-compatible`: an inference server
   * (vLLM, TGI, Ollama, llama.cpp…) at `baseURL` serves `model`; text-generation and
   * feature-extraction only, and `logProbs` stays local.
   */
  provider?: 'local' | 'openai-compatible';
  /** The server's API base URL including its prefix, e.g. `http://127.0.0.1:8000/v1` (provider `openai-compatible`). */
  baseURL?: string;
  /** Name of the environment variable holding the server's API key (never the key itself). */
  apiKeyEnv?: string;
  /** Per-call limit for server calls, ms (default 60 000); over it a call fails with SK_MODEL_TIMEOUT. */
  timeoutMs?: number;
}

/** A subnet's model declarations, by the name the plugin uses (`ctx.models.<name>`). */
export type ModelDeclarations = Record<string, ModelDeclaration>;

/** Options every handle call accepts. */
export interface ModelCallOptions {
  /** Aborts the call: it rejects with SK_MODEL_CANCELLED and its result is discarded. */
  signal?: AbortSignal;
  /** Receives this call's timing once it settles successfully. */
  onTiming?: (timing: CallTiming) => void;
}

/** How long one call spent queued and running, and how many requests shared its batch. */
export interface CallTiming {
  queuedMs: number;
  runMs: number;
  totalMs: number;
  batchSize: number;
}

export interface TextGenerationOptions extends ModelCallOptions {
  /** Tokens to generate at most (default 32). */
  maxNewTokens?: number;
  /** Tokens to generate at least (end-of-sequence is masked until then). */
  minNewTokens?: number;
  /** Sample instead of greedy decoding. */
  doSample?: boolean;
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Called with each new piece of text as it is generated (the call then runs alone, unbatched). */
  onToken?: (text: string) => void;
}

/** Options of teacher-forced scoring. */
export interface LogProbOptions {
  /** Score at most this many continuation tokens. */
  maxTokens?: number;
  signal?: AbortSignal;
}

/** Generates a continuation of `prompt` (the prompt itself is not repeated). */
export interface TextGenerationHandle {
  (prompt: string, options?: TextGenerationOptions): Promise<string>;
  /** Streams the continuation piece by piece; breaking out of the loop cancels generation. */
  stream(prompt: string, options?: Omit<TextGenerationOptions, 'onToken'>): AsyncIterable<string>;
  /**
   * Teacher-forced scoring: the natural-log probability of each token of `continuation` given
   * `prompt` and the tokens before it, from one forward pass (no generation). At most `maxTokens`
   * continuation tokens are scored (default: all that fit the context).
   */
  logProbs(prompt: string, continuation: string, options?: LogProbOptions): Promise<number[]>;
  /** Loads the model if needed and describes it. */
  info(): Promise<ModelInfo>;
}

export interface FeatureExtractionOptions extends ModelCallOptions {
  /** `mean` (default) averages token vectors; `cls` takes the first token. */
  pooling?: 'mean' | 'cls';
  /** L2-normalise each vector (default true). */
  normalize?: boolean;
  /** Cut texts longer than the model's context instead of rejecting them (default false). */
  truncate?: boolean;
}

/** Embeds one or more texts: one vector per text, in order. */
export interface FeatureExtractionHandle {
  (texts: string | readonly string[], options?: FeatureExtractionOptions): Promise<number[][]>;
  info(): Promise<ModelInfo>;
}

/** Decoded pixels, row-major, interleaved channels. */
export interface RawImageData {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** An encoded image (PNG, JPEG, WebP…) or decoded pixels. */
export type ImageInput = Uint8Array | RawImageData;

export interface ImageToImageOptions extends ModelCallOptions {
  /** `png` (default) returns PNG bytes; `raw` returns RGB pixels. */
  output?: 'png' | 'raw';
}

/** Transforms an image (e.g. ×2 super-resolution). */
export interface ImageToImageHandle {
  (image: ImageInput, options?: ImageToImageOptions & { output?: 'png' }): Promise<Uint8Array>;
  (image: ImageInput, options: ImageToImageOptions & { output: 'raw' }): Promise<RawImageData>;
  info(): Promise<ModelInfo>;
}

export interface ZeroShotImageClassificationOptions extends ModelCallOptions {
  /** Sentence each label is put into; `{}` marks the label (default `This is a photo of {}.`). */
  hypothesisTemplate?: string;
}

/** One label's probability. */
export interface LabelScore {
  label: string;
  score: number;
}

/** Scores `labels` for `image`: sorted by score, highest first; scores sum to 1. */
export interface ZeroShotImageClassificationHandle {
  (image: ImageInput, labels: readonly string[], options?: ZeroShotImageClassificationOptions): Promise<LabelScore[]>;
  info(): Promise<ModelInfo>;
}

/**
 * Forecasts the next `predictionLength` rows from `context`, a time-major table
 * `[time][channel]` with at least `contextLength` rows (only the last `contextLength` are used).
 * Returns `[predictionLength][channel]`. `info().meta` has contextLength, predictionLength and channels.
 */
export interface TimeSeriesForecastHandle {
  (context: readonly (readonly number[])[], options?: ModelCallOptions): Promise<number[][]>;
  info(): Promise<ModelInfo>;
}

/** The handle type for each task. */
export interface ModelHandleByTask {
  'text-generation': TextGenerationHandle;
  'feature-extraction': FeatureExtractionHandle;
  'image-to-image': ImageToImageHandle;
  'zero-shot-image-classification': ZeroShotImageClassificationHandle;
  'time-series-forecasting': TimeSeriesForecastHandle;
}

/** Typed handles for a set of declarations: `ctx.models.<name>` gets the handle of its task. */
export type ModelHandles<D extends ModelDeclarations> = {
  readonly [K in keyof D]: ModelHandleByTask[D[K]['task']];
};

/** Where a model was loaded from. */
export type ModelSource =
  | { kind: 'fixture'; path: string }
  | { kind: 'local'; path: string }
  | { kind: 'remote'; id: string; cacheDir: string };

/** A loaded model, as `handle.info()` describes it. */
export interface ModelInfo {
  task: ModelTask;
  model: string;
  /** `server`: an OpenAI-compatible inference server at `baseURL` runs it. */
  source: ModelSource | { kind: 'server'; baseURL: string };
  device: ResolvedDevice | 'server';
  dtype: ModelDtype | 'default';
  loadMs: number;
  warmupMs: number | null;
  /** Task facts: contextTokens, contextLength, predictionLength, channels, dimensions… */
  meta: Readonly<Record<string, number | string>>;
}

/** Counters and latency percentiles of one loaded model. */
export interface ModelMetrics {
  key: string;
  task: ModelTask;
  model: string;
  device: ResolvedDevice | 'server' | null;
  state: 'idle' | 'loading' | 'ready' | 'failed' | 'disposed';
  requests: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  batches: number;
  meanBatchSize: number;
  queued: number;
  running: number;
  loadMs: number | null;
  warmupMs: number | null;
  /** Over the most recent calls (a bounded window). */
  latencyMs: { p50: number; p99: number; max: number } | null;
  queuedMs: { p50: number; p99: number } | null;
}

/** Download progress of a remote model (aggregated over its files). */
export interface DownloadProgress {
  model: string;
  loadedBytes: number;
  totalBytes: number;
  percent: number;
  /** Estimated time left, null until the rate is known. */
  etaMs: number | null;
}
