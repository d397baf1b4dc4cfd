export { announceableIp, dialableIp } from './axon-address.js';
export { MetagraphSync } from './metagraph-sync.js';
export { Miner, type MinerOptions } from './miner.js';
export type { NeuronOptions } from './options.js';
export { AnswerBoard, MINER_PROFILES, type MinerProfile, parseProfiles } from './profiles.js';
export { type ConfirmRegistration, ensureRegistered } from './registration.js';
export { DEFAULT_SCORE_ALPHA, resetChangedHotkeys, type UidScore, updateScores } from './scores.js';
export { type SubnetSynapses, subnetSynapses } from './subnet-synapse.js';
export { MINER_OPTIONS, VALIDATOR_OPTIONS } from './tokens.js';
export { type StepReport, Validator, type ValidatorOptions } from './validator.js';
export {
  initialValidatorState,
  loadValidatorState,
  readValidatorStateJson,
  saveValidatorState,
  type ValidatorState,
} from './validator-state.js';
export { chooseRevealRound, type WeightMode, weightMode } from './weight-mode.js';
export { weightsFromScores } from './weights.js';
