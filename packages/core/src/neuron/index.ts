export { announceableIp, dialableIp } from './axon-address.js';
export { composeMiner, composeValidator } from './compose.js';
export { MetagraphSync } from './metagraph-sync.js';
export { Miner, type MinerOptions, type MinerSettings } from './miner.js';
export type { MinerBehaviourOverride, MinerHandler } from './miner-behaviour.js';
export type { NeuronOptions, NeuronSeat } from './options.js';
export { type ConfirmRegistration, ensureRegistered } from './registration.js';
export { DEFAULT_SCORE_ALPHA, resetChangedHotkeys, type UidScore, updateScores } from './scores.js';
export { type SubnetSynapses, subnetSynapses } from './subnet-synapse.js';
export { MINER_SETTINGS, SEAT, VALIDATOR_SETTINGS } from './tokens.js';
export { type StepReport, Validator, type ValidatorOptions, type ValidatorSettings } from './validator.js';
export {
  initialValidatorState,
  loadValidatorState,
  readValidatorStateJson,
  saveValidatorState,
  type ValidatorState,
} from './validator-state.js';
export { chooseRevealRound, type WeightMode, weightMode } from './weight-mode.js';
export { weightsFromScores } from './weights.js';
