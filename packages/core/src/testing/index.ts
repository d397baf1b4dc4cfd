import 'reflect-metadata';

export type { EpochSnapshot, NetworkSummary, NeuronSummary, SubnetSummary } from '../localnet/summary.js';
export { incentiveByProfile } from '../localnet/summary.js';
export { ManualClock } from '../util/clock.js';
export {
  type AnswerFromTruth,
  type AnswerKey,
  answerKeyAdversary,
  baselineAdversary,
  buildAnswerKey,
  type Hits,
  malformedAdversary,
  oversizedAdversary,
  publicStreams,
  replayAdversary,
} from './adversaries.js';
export { type CapturedLogs, captureLogs } from './capture-logs.js';
export { createTestNetwork, type TestNetwork, type TestNetworkOptions } from './create-test-network.js';
export { freePort } from './free-port.js';
export {
  formatGauntletTable,
  type GauntletOptions,
  type GauntletResult,
  runGauntlet,
  standardAdversaries,
} from './gauntlet.js';
export {
  AnswerBoard,
  type CustomProfile,
  MINER_PROFILES,
  type MinerBehaviour,
  type MinerHandler,
  type MinerProfile,
  minerBehaviour,
  type ProfileEnv,
  parseProfiles,
  profileName,
} from './profiles.js';
