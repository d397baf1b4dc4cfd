import type { Transformers } from '../transformers-env.js';
import type { ModelCallOptions, ModelDtype, ModelInfo, ModelLimits, ModelTask, ResolvedDevice } from '../types.js';

/** Everything a driver needs to load one model. */
export interface LoadSpec {
  t: Transformers;
  task: ModelTask;
  model: string;
  /** Absolute folder path, or a hub id when downloading. */
  source: string;
  device: ResolvedDevice;
  dtype: ModelDtype | undefined;
  revision: string | undefined;
  modelFileName: string | undefined;
  localOnly: boolean;
  progress: ((info: unknown) => void) | undefined;
}

/** Input limits with every default filled in. */
export type ResolvedLimits = Required<Omit<ModelLimits, 'maxInputTokens'>> & { maxInputTokens: number | undefined };

/**
 * One task's glue to transformers.js: load, batch and run. `R` is a validated request, `O` one output.
 * `run` gets requests that share a batch key and returns one output per request, in order.
 */
export interface TaskDriver<L, R, O> {
  load(spec: LoadSpec): Promise<L>;
  meta(loaded: L): Record<string, number | string>;
  batchKey(request: R): string;
  run(loaded: L, batch: R[], signal: AbortSignal): Promise<O[]>;
  /** A small valid request run once after loading (compiles kernels, touches weights). */
  warmup(loaded: L): Promise<R> | R;
  dispose(loaded: L): Promise<void>;
}

/** What a handle sees of its shared model. */
export interface ModelSlotApi<L, R, O> {
  readonly model: string;
  readonly task: ModelTask;
  readonly limits: ResolvedLimits;
  /** Loads (once) and resolves with the loaded model; rejects with the typed load error. */
  loaded(): Promise<L>;
  /** Queues a validated request. */
  submit(request: R, options: ModelCallOptions | undefined): Promise<O>;
  info(): Promise<ModelInfo>;
}

/** Minimal structural view of a transformers.js Tensor (its own typings are wide). */
export interface TensorLike {
  dims: number[];
  data: ArrayLike<number>;
  tolist(): unknown;
  dispose?(): void;
}

/** Minimal view of a transformers.js tokenizer. */
export interface TokenizerLike {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  decode(ids: ArrayLike<number | bigint>, options?: { skip_special_tokens?: boolean }): string;
  model_max_length?: number;
}

/** Throws the signal's reason when it was aborted before a long step. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

/** Picks the model's context size from its config, if it states one. */
export function contextSize(config: Record<string, unknown>, tokenizer?: TokenizerLike): number | undefined {
  for (const k of ['n_positions', 'max_position_embeddings', 'n_ctx']) {
    const v = config[k];
    if (typeof v === 'number' && v > 0) return v;
  }
  const m = tokenizer?.model_max_length;
  // Tokenizers without a limit report a huge sentinel (1e30).
  return typeof m === 'number' && m > 0 && m < 1e9 ? m : undefined;
}

/** pipeline() options common to every pipeline-backed task. */
export function pipelineOptions(spec: LoadSpec): Record<string, unknown> {
  const o: Record<string, unknown> = { device: spec.device, local_files_only: spec.localOnly };
  if (spec.dtype) o.dtype = spec.dtype;
  if (spec.revision) o.revision = spec.revision;
  if (spec.modelFileName) o.model_file_name = spec.modelFileName;
  if (spec.progress) o.progress_callback = spec.progress;
  return o;
}

/**
 * True when `text` surely fits in `limit` tokens without tokenising it: no common tokenizer makes
 * more tokens than UTF-8 bytes, plus a few special tokens. Saves a second tokenisation per request.
 */
export function surelyFits(text: string, limit: number): boolean {
  return Buffer.byteLength(text, 'utf8') + 8 <= limit;
}
