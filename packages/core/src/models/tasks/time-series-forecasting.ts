import { SubnetkitError } from '../../errors/subnetkit-error.js';
import { badInput } from '../model-errors.js';
import type { Transformers } from '../transformers-env.js';
import type { ModelCallOptions, TimeSeriesForecastHandle } from '../types.js';
import type { LoadSpec, ModelSlotApi, TaskDriver, TensorLike } from './task-driver.js';
import { throwIfAborted } from './task-driver.js';

interface ForecastModel {
  (inputs: { past_values: unknown }): Promise<Record<string, TensorLike>>;
  dispose(): Promise<void>;
}

/** The loaded forecaster (transformers.js has no time-series pipeline: model classes only). */
export interface TimeSeriesModel {
  t: Transformers;
  model: ForecastModel;
  contextLength: number;
  predictionLength: number;
  channels: number;
}

/** A validated forecast request: the last `contextLength` rows, flattened time-major. */
export interface TimeSeriesRequest {
  values: Float32Array;
}

const CLASSES = { patchtst: 'PatchTSTForPrediction', patchtsmixer: 'PatchTSMixerForPrediction' } as const;

function positiveInt(config: Record<string, unknown>, key: string, source: string): number {
  const v = config[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new SubnetkitError('SK_MODEL_LOAD_FAILED', `${source}: config.json lacks a positive integer "${key}".`, {
      key,
    });
  }
  return v;
}

/** transformers.js glue for time-series forecasting (PatchTST, PatchTSMixer). */
export const timeSeriesDriver: TaskDriver<TimeSeriesModel, TimeSeriesRequest, number[][]> = {
  async load(spec: LoadSpec) {
    const opts: Record<string, unknown> = { local_files_only: spec.localOnly };
    if (spec.revision) opts.revision = spec.revision;
    if (spec.progress) opts.progress_callback = spec.progress;
    const config = (await spec.t.AutoConfig.from_pretrained(spec.source, opts)) as unknown as Record<string, unknown>;
    const type = config.model_type as string;
    const className = CLASSES[type as keyof typeof CLASSES];
    if (!className) {
      throw new SubnetkitError(
        'SK_MODEL_LOAD_FAILED',
        `${spec.model}: model_type "${type}" is not a supported forecaster (use ${Object.keys(CLASSES).join(' or ')}).`,
        { modelType: type },
      );
    }
    const contextLength = positiveInt(config, 'context_length', spec.model);
    const predictionLength = positiveInt(config, 'prediction_length', spec.model);
    const channels = positiveInt(config, 'num_input_channels', spec.model);
    const loadOpts: Record<string, unknown> = { ...opts, device: spec.device };
    if (spec.dtype) loadOpts.dtype = spec.dtype;
    if (spec.modelFileName) loadOpts.model_file_name = spec.modelFileName;
    const model = (await spec.t[className].from_pretrained(spec.source, loadOpts)) as unknown as ForecastModel;
    return { t: spec.t, model, contextLength, predictionLength, channels };
  },
  meta: (m) => ({ contextLength: m.contextLength, predictionLength: m.predictionLength, channels: m.channels }),
  batchKey: () => '',
  async run(m, batch, signal) {
    throwIfAborted(signal);
    const per = m.contextLength * m.channels;
    const flat = new Float32Array(batch.length * per);
    batch.forEach((r, i) => {
      flat.set(r.values, i * per);
    });
    const input = new m.t.Tensor('float32', flat, [batch.length, m.contextLength, m.channels]);
    const out = await m.model({ past_values: input });
    const pred = out.prediction_outputs;
    if (!pred) throw new Error('the model returned no prediction_outputs');
    const rows = pred.tolist() as number[][][];
    for (const t of Object.values(out)) t.dispose?.();
    input.dispose();
    return rows;
  },
  warmup: (m) => ({ values: new Float32Array(m.contextLength * m.channels) }),
  dispose: (m) => m.model.dispose(),
};

/** Checks a `[time][channel]` context table; throws SK_MODEL_BAD_INPUT. */
export function toTimeSeriesRequest(
  slot: Pick<ModelSlotApi<unknown, unknown, unknown>, 'model' | 'limits'>,
  m: Pick<TimeSeriesModel, 'contextLength' | 'channels'>,
  context: unknown,
): TimeSeriesRequest {
  const { model, limits } = slot;
  if (!Array.isArray(context)) throw badInput(model, 'the context must be an array of rows ([time][channel]).');
  if (context.length < m.contextLength) {
    throw badInput(model, `the context has ${context.length} rows; the model needs at least ${m.contextLength}.`, {
      rows: context.length,
      contextLength: m.contextLength,
    });
  }
  if (context.length > limits.maxContextRows) {
    throw badInput(model, `the context has ${context.length} rows; the limit is ${limits.maxContextRows}.`);
  }
  const start = context.length - m.contextLength;
  const values = new Float32Array(m.contextLength * m.channels);
  for (let t = start; t < context.length; t++) {
    const row: unknown = context[t];
    if (!Array.isArray(row) || row.length !== m.channels) {
      throw badInput(model, `row ${t} must be an array of ${m.channels} numbers.`, { row: t });
    }
    for (let c = 0; c < m.channels; c++) {
      const v: unknown = row[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw badInput(model, `row ${t}, channel ${c} is not a finite number.`, { row: t, channel: c });
      }
      values[(t - start) * m.channels + c] = v;
    }
  }
  return { values };
}

/** Builds `ctx.models.<name>` for a forecaster. */
export function createTimeSeriesForecastHandle(
  slot: ModelSlotApi<TimeSeriesModel, TimeSeriesRequest, number[][]>,
): TimeSeriesForecastHandle {
  const call = async (context: readonly (readonly number[])[], options: ModelCallOptions = {}) => {
    const m = await slot.loaded();
    return slot.submit(toTimeSeriesRequest(slot, m, context), options);
  };
  return Object.assign(call, { info: () => slot.info() });
}
