import { isSubnetkitError, SubnetkitError } from '../errors/subnetkit-error.js';
import type { ModelSource, ModelTask } from './types.js';

/** What a failure is about, for the message. */
export interface ModelErrorContext {
  task: ModelTask;
  model: string;
  source: ModelSource;
  device: string;
}

function where(source: ModelSource): string {
  return source.kind === 'remote' ? `${source.id} (hub, cache ${source.cacheDir})` : source.path;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Makes a typed error out of whatever transformers.js or onnxruntime threw while loading. */
export function toLoadError(err: unknown, ctx: ModelErrorContext): SubnetkitError {
  if (isSubnetkitError(err)) return err;
  const msg = messageOf(err);
  const details = { model: ctx.model, task: ctx.task, source: ctx.source, device: ctx.device };
  const name = err instanceof Error ? err.name : '';
  if (name === 'ModelFileNotFoundError' || /file was not found locally|Could not locate file/i.test(msg)) {
    return new SubnetkitError(
      'SK_MODEL_NOT_FOUND',
      `Model ${ctx.model} is incomplete at ${where(ctx.source)}: ${msg} ` +
        'Check the dtype (fp16/q8/q4 need model_fp16/_quantized/_q4.onnx) and the onnx/ file names, ' +
        'or download the model again.',
      details,
      { cause: err },
    );
  }
  if (ctx.source.kind === 'remote' && (name === 'TypeError' || name === 'TimeoutError' || name === 'AbortError')) {
    return new SubnetkitError(
      'SK_MODEL_NOT_FOUND',
      `Model ${ctx.model} could not be downloaded: ${msg}. Check the network or mirror, or copy the model into ` +
        `${ctx.source.cacheDir}/${ctx.model}/.`,
      details,
      { cause: err },
    );
  }
  if (/webgpu|adapter|vulkan|cuda/i.test(msg)) {
    return new SubnetkitError(
      'SK_MODEL_DEVICE',
      `Device ${ctx.device} could not run ${ctx.model}: ${msg}. WebGPU on Linux needs libvulkan1 and a Vulkan ` +
        'driver Dawn accepts (NVIDIA: the driver ICD, and NVIDIA_DRIVER_CAPABILITIES including graphics in ' +
        "containers); use device 'cpu' otherwise.",
      details,
      { cause: err },
    );
  }
  return new SubnetkitError(
    'SK_MODEL_LOAD_FAILED',
    `Model ${ctx.model} at ${where(ctx.source)} could not be loaded: ${msg}. The files may be corrupt or ` +
      'in a layout transformers.js does not support; download or regenerate them.',
    details,
    { cause: err },
  );
}

/** Makes a typed error out of a failure while running an already-validated request. */
export function toRunError(err: unknown, ctx: Pick<ModelErrorContext, 'model' | 'task'>): SubnetkitError {
  if (isSubnetkitError(err)) return err;
  return new SubnetkitError(
    'SK_MODEL_INFERENCE_FAILED',
    `Model ${ctx.model} (${ctx.task}) failed on this input: ${messageOf(err)}`,
    { model: ctx.model, task: ctx.task },
    { cause: err },
  );
}

/** A SK_MODEL_BAD_INPUT error. */
export function badInput(model: string, message: string, details: Record<string, unknown> = {}): SubnetkitError {
  return new SubnetkitError('SK_MODEL_BAD_INPUT', `${model}: ${message}`, { model, ...details });
}
