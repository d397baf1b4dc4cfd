import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { isSubnetkitError, SubnetkitError } from '../errors/subnetkit-error.js';
import type { Logger } from '../log/logger.js';
import { type Clock, systemClock } from '../util/clock.js';
import { CallStats } from './call-stats.js';
import { probeWebGpu } from './devices.js';
import { MicroBatcher } from './micro-batcher.js';
import { toLoadError, toRunError } from './model-errors.js';
import { resolveModelSource } from './model-store.js';
import { SERVER_TASKS, ServerModelSlot } from './providers/openai-compatible.js';
import { createFeatureExtractionHandle, featureExtractionDriver } from './tasks/feature-extraction.js';
import { createImageToImageHandle, imageToImageDriver } from './tasks/image-to-image.js';
import type { ModelSlotApi, ResolvedLimits, TaskDriver } from './tasks/task-driver.js';
import { createTextGenerationHandle, textGenerationDriver } from './tasks/text-generation.js';
import { createTimeSeriesForecastHandle, timeSeriesDriver } from './tasks/time-series-forecasting.js';
import { createZeroShotImageClassificationHandle, zeroShotDriver } from './tasks/zero-shot-image-classification.js';
import { configureTransformers, type Transformers } from './transformers-env.js';
import type {
  BatchOptions,
  DownloadProgress,
  ModelCallOptions,
  ModelDeclaration,
  ModelDeclarations,
  ModelDevice,
  ModelDtype,
  ModelHandles,
  ModelInfo,
  ModelLimits,
  ModelMetrics,
  ModelSource,
  ModelTask,
  ResolvedDevice,
} from './types.js';

/** How the host configures the model runtime (once per process). */
export interface ModelRuntimeOptions {
  logger: Logger;
  clock?: Clock;
  /** Default device for models that do not name one (default `cpu`). */
  device?: ModelDevice;
  /** Default dtype for models that do not name one (default: the model's own config, else fp32). */
  dtype?: ModelDtype;
  /** Local model store: `<modelsDir>/<hub id>/`; downloads land here (default `~/.cache/subnetkit/models`). */
  modelsDir?: string;
  /** Operator overrides: hub id → local model folder. */
  paths?: Record<string, string>;
  /** Load each declaration's tiny `fixture` instead of its real model (tests, offline localnet). */
  useFixtures?: boolean;
  /** Extra folders searched for fixture names before the bundled ones. */
  fixturesDirs?: string[];
  /** Allow downloading missing models from the hub (default false: never touches the network). */
  allowRemote?: boolean;
  /** Hub mirror URL. */
  remoteHost?: string;
  /** Per-request network timeout while downloading (until headers, and between chunks). */
  fetchTimeoutMs?: number;
  /** Default batching for every model. */
  batch?: BatchOptions;
  /** Default input limits for every model. */
  limits?: ModelLimits;
  /** Run one small request right after loading (default true). */
  warmup?: boolean;
  /** Time allowed for `auto` to check that WebGPU works. */
  deviceProbeTimeoutMs?: number;
  /** Download progress of remote models (also logged, at most once a second). */
  onProgress?: (progress: DownloadProgress) => void;
}

/** Loads declared models once per process and serves them through typed, batched handles. */
export interface ModelRuntime {
  /** Typed handles for a subnet's declarations; models load on first call. Throws SK_PLUGIN_INVALID for bad declarations. */
  handles<const D extends ModelDeclarations>(declarations: D): ModelHandles<D>;
  /** Like `handles`, but loads and warms every model first; rejects with the first load error. */
  load<const D extends ModelDeclarations>(declarations: D): Promise<ModelHandles<D>>;
  /** Counters and latency percentiles per loaded model. */
  metrics(): ModelMetrics[];
  /** Fails queued calls with SK_MODEL_DISPOSED, waits for running batches, and frees every model. */
  dispose(): Promise<void>;
}

const batchSchema = z
  .object({
    maxBatchSize: z.number().int().min(1).max(4096),
    maxWaitMs: z.number().min(0).max(60_000),
    maxConcurrency: z.number().int().min(1).max(64),
    maxQueue: z.number().int().min(1).max(1_000_000),
  })
  .partial()
  .strict();

const limitsSchema = z
  .object({
    maxInputChars: z.number().int().positive(),
    maxInputTokens: z.number().int().positive(),
    maxNewTokens: z.number().int().positive(),
    maxItems: z.number().int().positive(),
    maxPixels: z.number().int().positive(),
    maxContextRows: z.number().int().positive(),
  })
  .partial()
  .strict();

const TASKS = [
  'text-generation',
  'feature-extraction',
  'image-to-image',
  'zero-shot-image-classification',
  'time-series-forecasting',
] as const satisfies readonly ModelTask[];
const DTYPES = ['fp32', 'fp16', 'q8', 'q4'] as const satisfies readonly ModelDtype[];
const DEVICES = ['cpu', 'webgpu', 'auto'] as const satisfies readonly ModelDevice[];

const declarationSchema = z
  .object({
    task: z.enum(TASKS),
    model: z.string().min(1),
    fixture: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    dtype: z.enum(DTYPES).optional(),
    device: z.enum(DEVICES).optional(),
    revision: z.string().min(1).optional(),
    modelFileName: z.string().min(1).optional(),
    batch: batchSchema.optional(),
    limits: limitsSchema.optional(),
    provider: z.enum(['local', 'openai-compatible']).optional(),
    baseURL: z.url({ protocol: /^https?$/ }).optional(),
    // an environment variable's name, so the key itself never sits in a declaration or a log
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name')
      .optional(),
    timeoutMs: z.number().int().positive().max(3_600_000).optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.provider !== 'openai-compatible') return;
    if (!d.baseURL) ctx.addIssue({ code: 'custom', path: ['baseURL'], message: 'openai-compatible needs a baseURL' });
    if (!(SERVER_TASKS as readonly string[]).includes(d.task)) {
      ctx.addIssue({
        code: 'custom',
        path: ['task'],
        message: `an OpenAI-compatible server serves ${SERVER_TASKS.join(' and ')}, not ${d.task}`,
      });
    }
  });

const optionsSchema = z.object({
  device: z.enum(DEVICES).optional(),
  dtype: z.enum(DTYPES).optional(),
  modelsDir: z.string().min(1).optional(),
  paths: z.record(z.string(), z.string().min(1)).optional(),
  useFixtures: z.boolean().optional(),
  fixturesDirs: z.array(z.string().min(1)).optional(),
  allowRemote: z.boolean().optional(),
  remoteHost: z.url().optional(),
  fetchTimeoutMs: z.number().int().positive().optional(),
  batch: batchSchema.optional(),
  limits: limitsSchema.optional(),
  warmup: z.boolean().optional(),
  deviceProbeTimeoutMs: z.number().int().positive().optional(),
});

const DEFAULT_BATCH: Required<BatchOptions> = { maxBatchSize: 16, maxWaitMs: 5, maxConcurrency: 1, maxQueue: 1024 };
const DEFAULT_LIMITS: ResolvedLimits = {
  maxInputChars: 32_768,
  maxInputTokens: undefined,
  maxNewTokens: 1024,
  maxItems: 256,
  maxPixels: 1024 * 1024,
  maxContextRows: 1_000_000,
};

type AnyDriver = TaskDriver<unknown, unknown, unknown>;
const DRIVERS: Record<ModelTask, AnyDriver> = {
  'text-generation': textGenerationDriver as unknown as AnyDriver,
  'feature-extraction': featureExtractionDriver as unknown as AnyDriver,
  'image-to-image': imageToImageDriver as unknown as AnyDriver,
  'zero-shot-image-classification': zeroShotDriver as unknown as AnyDriver,
  'time-series-forecasting': timeSeriesDriver as unknown as AnyDriver,
};

// biome-ignore lint/suspicious/noExplicitAny: each task's handle factory takes its own slot type
type HandleFactory = (slot: any) => unknown;
const HANDLES: Record<ModelTask, HandleFactory> = {
  'text-generation': createTextGenerationHandle,
  'feature-extraction': createFeatureExtractionHandle,
  'image-to-image': createImageToImageHandle,
  'zero-shot-image-classification': createZeroShotImageClassificationHandle,
  'time-series-forecasting': createTimeSeriesForecastHandle,
};

/** Runtime internals a slot needs. */
interface Host {
  readonly opts: ModelRuntimeOptions;
  readonly clock: Clock;
  readonly log: Logger;
  readonly disposed: boolean;
  transformers(): Promise<Transformers>;
  pickDevice(requested: ModelDevice): Promise<ResolvedDevice>;
}

/** One loaded model, shared by every declaration that resolves to the same files, device and dtype. */
class ModelSlot implements ModelSlotApi<unknown, unknown, unknown> {
  readonly key: string;
  readonly model: string;
  readonly task: ModelTask;
  readonly limits: ResolvedLimits;
  readonly #host: Host;
  readonly #decl: ModelDeclaration;
  readonly #source: ModelSource | SubnetkitError;
  readonly #driver: AnyDriver;
  readonly #batch: Required<BatchOptions>;
  #loading: Promise<unknown> | null = null;
  #loaded: unknown = null;
  #batcher: MicroBatcher<unknown, unknown> | null = null;
  #state: ModelMetrics['state'] = 'idle';
  #info: ModelInfo | null = null;
  #device: ResolvedDevice | null = null;
  readonly #calls = new CallStats();

  constructor(host: Host, key: string, decl: ModelDeclaration, source: ModelSource | SubnetkitError) {
    this.#host = host;
    this.key = key;
    this.#decl = decl;
    this.model = decl.model;
    this.task = decl.task;
    this.#source = source;
    this.#driver = DRIVERS[decl.task];
    this.#batch = { ...DEFAULT_BATCH, ...host.opts.batch, ...decl.batch };
    this.limits = { ...DEFAULT_LIMITS, ...host.opts.limits, ...decl.limits };
  }

  loaded(): Promise<unknown> {
    if (this.#host.disposed) return Promise.reject(disposedError());
    this.#loading ??= this.#load();
    return this.#loading;
  }

  async #load(): Promise<unknown> {
    this.#state = 'loading';
    const source = this.#source;
    const decl = this.#decl;
    const log = this.#host.log;
    try {
      if (source instanceof SubnetkitError) throw source;
      const device = await this.#host.pickDevice(decl.device ?? this.#host.opts.device ?? 'cpu');
      this.#device = device;
      const dtype = decl.dtype ?? this.#host.opts.dtype;
      const t = await this.#host.transformers();
      const clock = this.#host.clock;
      const t0 = clock.now();
      let loaded: unknown;
      const ctx = { task: decl.task, model: decl.model, source, device };
      try {
        loaded = await this.#driver.load({
          t,
          task: decl.task,
          model: decl.model,
          source: source.kind === 'remote' ? source.id : source.path,
          device,
          dtype,
          revision: decl.revision,
          modelFileName: decl.modelFileName,
          localOnly: source.kind !== 'remote',
          progress: source.kind === 'remote' ? this.#progressReporter() : undefined,
        });
      } catch (err) {
        throw toLoadError(err, ctx);
      }
      const loadMs = clock.now() - t0;
      let warmupMs: number | null = null;
      if (this.#host.opts.warmup ?? true) {
        const w0 = clock.now();
        try {
          await this.#driver.run(loaded, [await this.#driver.warmup(loaded)], new AbortController().signal);
        } catch (err) {
          await this.#driver.dispose(loaded).catch(() => {});
          // A model that loads but cannot run a trivial input has a broken graph (or device).
          throw toLoadError(err, ctx);
        }
        warmupMs = clock.now() - w0;
      }
      if (this.#host.disposed) {
        await this.#driver.dispose(loaded).catch(() => {});
        throw disposedError();
      }
      this.#loaded = loaded;
      this.#batcher = new MicroBatcher(
        async (items, signal) => {
          try {
            return await this.#driver.run(loaded, items, signal);
          } catch (err) {
            throw toRunError(err, decl);
          }
        },
        (item) => this.#driver.batchKey(item),
        this.#batch,
        clock,
      );
      this.#info = {
        task: decl.task,
        model: decl.model,
        source,
        device,
        dtype: dtype ?? 'default',
        loadMs,
        warmupMs,
        meta: this.#driver.meta(loaded),
      };
      this.#state = 'ready';
      log.info(
        { event: 'model.loaded', model: decl.model, task: decl.task, source, device, dtype, loadMs, warmupMs },
        `model ${decl.model} loaded on ${device}`,
      );
      return loaded;
    } catch (err) {
      this.#state = 'failed';
      const e = isSubnetkitError(err) ? err : toLoadError(err, { ...decl, source: source as ModelSource, device: '?' });
      log.error({ event: 'model.load_failed', model: decl.model, task: decl.task, code: e.code }, e.message);
      throw e;
    }
  }

  #progressReporter(): (info: unknown) => void {
    const files = new Map<string, { loaded: number; total: number }>();
    const clock = this.#host.clock;
    const started = clock.now();
    let lastLog = Number.NEGATIVE_INFINITY;
    return (info) => {
      const i = info as { status?: string; file?: string; loaded?: number; total?: number };
      if (i.status !== 'progress' || typeof i.file !== 'string') return;
      files.set(i.file, { loaded: i.loaded ?? 0, total: i.total ?? 0 });
      let loaded = 0;
      let total = 0;
      for (const f of files.values()) {
        loaded += f.loaded;
        total += f.total;
      }
      const elapsed = clock.now() - started;
      const rate = elapsed > 0 ? loaded / elapsed : 0;
      const p: DownloadProgress = {
        model: this.model,
        loadedBytes: loaded,
        totalBytes: total,
        percent: total > 0 ? Math.min(100, (loaded / total) * 100) : 0,
        etaMs: rate > 0 && total >= loaded ? Math.round((total - loaded) / rate) : null,
      };
      this.#host.opts.onProgress?.(p);
      const now = clock.now();
      if (now - lastLog >= 1000 || (total > 0 && loaded >= total)) {
        lastLog = now;
        this.#host.log.info({ event: 'model.download', ...p }, `downloading ${this.model}: ${p.percent.toFixed(0)}%`);
      }
    };
  }

  async submit(request: unknown, options: ModelCallOptions | undefined): Promise<unknown> {
    if (this.#host.disposed) throw disposedError();
    await this.loaded();
    return this.#calls.submit(this.#batcher as MicroBatcher<unknown, unknown>, request, options);
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
      device: this.#device,
      state: this.#state,
      ...this.#calls.fields(this.#batcher),
      loadMs: this.#info?.loadMs ?? null,
      warmupMs: this.#info?.warmupMs ?? null,
    };
  }

  async dispose(): Promise<void> {
    const loading = this.#loading;
    this.#state = 'disposed';
    if (this.#batcher) await this.#batcher.close(disposedError());
    if (loading) await loading.catch(() => {});
    if (this.#loaded !== null) {
      const loaded = this.#loaded;
      this.#loaded = null;
      await this.#driver.dispose(loaded).catch((err: unknown) => {
        this.#host.log.warn({ event: 'model.dispose_failed', model: this.model, err }, 'model dispose failed');
      });
    }
  }
}

function disposedError(): SubnetkitError {
  return new SubnetkitError('SK_MODEL_DISPOSED', 'The model runtime was shut down; no more model calls are served.');
}

/**
 * Creates the process's model runtime. Models resolve from fixtures (when `useFixtures`), operator
 * paths, the declaration's path and `modelsDir`, then the hub only if `allowRemote`.
 *
 * @example
 * const runtime = createModelRuntime({ logger, device: 'cpu', useFixtures: true });
 * const models = await runtime.load({ embedder: { task: 'feature-extraction', model: 'Xenova/all-MiniLM-L6-v2', fixture: 'tiny-bert' } });
 * const [vector] = await models.embedder('a cat');
 * await runtime.dispose();
 */
export function createModelRuntime(options: ModelRuntimeOptions): ModelRuntime {
  const { logger, clock: _clock, onProgress: _onProgress, ...rest } = options;
  const parsed = optionsSchema.safeParse(rest);
  if (!parsed.success) {
    throw new SubnetkitError(
      'SK_CONFIG_INVALID',
      `Model runtime options are invalid: ${z.prettifyError(parsed.error)}`,
      { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
    );
  }
  const clock = options.clock ?? systemClock;
  const log = logger.child({ component: 'models' });
  const modelsDir = options.modelsDir ?? join(homedir(), '.cache', 'subnetkit', 'models');
  const slots = new Map<string, ModelSlot | ServerModelSlot>();
  let disposed = false;
  let transformers: Promise<Transformers> | null = null;
  let webgpu: Promise<ResolvedDevice> | null = null;

  const host: Host = {
    opts: options,
    clock,
    log,
    get disposed() {
      return disposed;
    },
    transformers() {
      transformers ??= configureTransformers({
        modelsDir,
        allowRemote: options.allowRemote ?? false,
        remoteHost: options.remoteHost,
        fetchTimeoutMs: options.fetchTimeoutMs ?? 15_000,
        clock,
      });
      return transformers;
    },
    async pickDevice(requested) {
      if (requested !== 'auto') return requested;
      webgpu ??= (async () => {
        const t = await host.transformers();
        const reason = await probeWebGpu(t, clock, options.deviceProbeTimeoutMs ?? 60_000);
        if (reason === null) {
          log.info({ event: 'model.device', device: 'webgpu' }, 'device auto: using webgpu');
          return 'webgpu';
        }
        log.warn(
          { event: 'model.device', device: 'cpu', reason },
          `device auto: webgpu unusable (${reason}); using cpu`,
        );
        return 'cpu';
      })();
      return webgpu;
    },
  };

  const slotFor = (decl: ModelDeclaration): ModelSlot | ServerModelSlot => {
    if (decl.provider === 'openai-compatible') {
      const server = new ServerModelSlot(decl, {
        clock,
        log,
        batch: { ...DEFAULT_BATCH, ...options.batch, ...decl.batch },
        limits: { ...DEFAULT_LIMITS, ...options.limits, ...decl.limits },
      });
      const existing = slots.get(server.key);
      if (existing) return existing;
      slots.set(server.key, server);
      return server;
    }
    let source: ModelSource | SubnetkitError;
    try {
      source = resolveModelSource(decl, {
        modelsDir,
        paths: options.paths,
        useFixtures: options.useFixtures,
        fixturesDirs: options.fixturesDirs,
        allowRemote: options.allowRemote,
        remoteHost: options.remoteHost,
      });
    } catch (err) {
      if (!isSubnetkitError(err)) throw err;
      source = err;
    }
    const where = source instanceof SubnetkitError ? `missing:${decl.model}` : JSON.stringify(source);
    const key = [
      decl.task,
      where,
      decl.device ?? options.device ?? 'cpu',
      decl.dtype ?? options.dtype ?? 'default',
      decl.modelFileName ?? '',
      decl.revision ?? '',
    ].join('|');
    let slot = slots.get(key);
    if (!slot) {
      slot = new ModelSlot(host, key, decl, source);
      slots.set(key, slot);
    }
    return slot;
  };

  const handles = <const D extends ModelDeclarations>(declarations: D): ModelHandles<D> => {
    if (disposed) throw disposedError();
    if (typeof declarations !== 'object' || declarations === null) {
      throw new SubnetkitError('SK_PLUGIN_INVALID', 'models must be an object of model declarations.');
    }
    const entries = Object.entries(declarations).map(([name, d]) => {
      const r = declarationSchema.safeParse(d);
      if (!r.success) {
        throw new SubnetkitError(
          'SK_PLUGIN_INVALID',
          `Model declaration "${name}" is invalid: ${z.prettifyError(r.error)}`,
          { model: name, issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        );
      }
      return [name, r.data as ModelDeclaration] as const;
    });
    const out: Record<string, unknown> = {};
    for (const [name, decl] of entries) out[name] = HANDLES[decl.task](slotFor(decl));
    return Object.freeze(out) as ModelHandles<D>;
  };

  return {
    handles,
    async load(declarations) {
      const h = handles(declarations);
      const keys = new Set<string>();
      for (const d of Object.values(declarations)) keys.add(slotFor(d).key);
      // One at a time: loads are CPU- and memory-heavy, and the first failure should surface as is.
      for (const k of keys) await slots.get(k)?.loaded();
      return h;
    },
    metrics: () => [...slots.values()].map((s) => s.metrics()),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all([...slots.values()].map((s) => s.dispose()));
      log.info({ event: 'model.runtime_disposed', models: slots.size }, 'model runtime disposed');
    },
  };
}
