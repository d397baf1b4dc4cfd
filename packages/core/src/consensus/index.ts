/** Yuma Consensus: the epoch, its fixed-point arithmetic, weight helpers and the scenario runner. */
export { activityCutoff, fixedBondsAlpha, lastTempo, type RunEpochOptions, runEpoch } from './epoch.js';
export {
  alphaFromDiff,
  alphaSigmoid,
  exp as fixedExp,
  expSafe as fixedExpSafe,
  type FixedType,
  I32F32,
  I64F64,
  I96F32,
  i64f64ToI32f32,
  ONE as I32F32_ONE,
  proportionToU16,
  U64F64,
  U96F32,
  u16ToProportion,
} from './fixed.js';
export { isPacked, packRows, unpackRows } from './packed.js';
export {
  type EpochRecord,
  type JsonInt,
  parseScenario,
  runScenario,
  type Scenario,
  type ScenarioResult,
  toJsonInt,
} from './scenario.js';
export { type ChildLink, inheritStake, stakeWeights, taoWeightFactor } from './stake.js';
export {
  type AnyEpochInput,
  DEFAULT_EPOCH_HYPERPARAMETERS,
  type EpochHyperparameters,
  type EpochInput,
  type EpochIntermediates,
  type EpochOutput,
  type PackedRowsU16,
  type SparseRowU16,
} from './types.js';
export { maxUpscaleToU16, maxUpscaleU16 } from './weights.js';
