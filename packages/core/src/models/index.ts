export { FIXTURE_MODELS_DIR } from './fixtures.js';
export { type BatchTiming, MicroBatcher, type MicroBatcherOptions } from './micro-batcher.js';
export { createModelRuntime, type ModelRuntime, type ModelRuntimeOptions } from './model-runtime.js';
export { type ModelStoreOptions, resolveModelSource } from './model-store.js';
export { applyModelOverrides, type ModelOverride } from './providers/overrides.js';
// ModelDeclaration and ModelHandles reach the package root through plugin/types.ts (same types).
export type {
  BatchOptions,
  CallTiming,
  DownloadProgress,
  FeatureExtractionHandle,
  FeatureExtractionOptions,
  ImageInput,
  ImageToImageHandle,
  ImageToImageOptions,
  LabelScore,
  LogProbOptions,
  ModelCallOptions,
  ModelDeclarations,
  ModelDevice,
  ModelDtype,
  ModelHandleByTask,
  ModelInfo,
  ModelLimits,
  ModelMetrics,
  ModelSource,
  ModelTask,
  RawImageData,
  ResolvedDevice,
  TextGenerationHandle,
  TextGenerationOptions,
  TimeSeriesForecastHandle,
  ZeroShotImageClassificationHandle,
  ZeroShotImageClassificationOptions,
} from './types.js';

import type { ModelDeclarations } from './types.js';

/** Typed identity for model declarations: keeps each `task` literal so handles are typed. */
export function defineModels<const D extends ModelDeclarations>(declarations: D): D {
  return declarations;
}
