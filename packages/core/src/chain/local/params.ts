import type { Rao } from '../types.js';
import { DEFAULT_BURN_INCREASE_MULT } from './math.js';

const TAO = 1_000_000_000n;

/** Chain-wide parameters (subtensor globals). Rate limits that only matter over days are small locally. */
export interface ChainParams {
  existentialDeposit: Rao;
  /** DefaultMinStake (rao of TAO value). */
  minStake: Rao;
  /** Swap FeeRate (u16 fraction of 65535). */
  swapFeeRate: number;
  /** Output reserves never go below this (MinimumReserve). */
  minimumReserve: Rao;
  subnetOwnerCut: number;
  defaultTake: number;
  /** TaoWeight, fraction of 2^64 − 1. */
  taoWeight: bigint;
  stakeThreshold: Rao;
  networkMinLockCost: Rao;
  networkLockReductionInterval: number;
  /** Blocks between two subnet registrations chain-wide (mainnet 28,800; fast builds small). */
  networkRateLimit: number;
  subnetLimit: number;
  maxEpochsPerBlock: number;
  /** Owner hyperparameter rate limit, in tempos (chain: 2). */
  ownerHyperparamRateLimit: number;
  /** Blocks before an epoch in which owner setters are refused (chain: 10). */
  adminFreezeWindow: number;
  /** Max unrevealed hash commits per hotkey (and timelocked commits per hotkey per epoch). */
  maxCommits: number;
  /**
   * Seconds of beacon time per block: the local drand stand-in publishes a round every 3 s of
   * this block clock (chain default 12 s → 4 rounds per block), whatever the wall-clock block
   * time, so manual and timed chains reveal at the same blocks.
   */
  beaconSecondsPerBlock: number;
  /**
   * Legacy registration rules (before 2026): per-block and per-interval caps
   * (`TooManyRegistrationsThisBlock` / `…ThisInterval`) and the burn retarget every
   * AdjustmentInterval blocks, instead of the current per-block decay. Default false.
   */
  legacyRegistration: boolean;
  /** The sudo (root) key for AdminUtils root-only setters, or null for none. */
  sudo: string | null;
  /** Blocks from `set_children` until an epoch may apply it (PendingChildKeyCooldown; fast builds 15). */
  pendingChildkeyCooldown: number;
  /** Blocks between two `set_children` of one hotkey on one subnet (chain: 150). */
  setChildrenRateLimit: number;
  /** Blocks between two childkey take increases of one hotkey (TxChildkeyTakeRateLimit). */
  childkeyTakeRateLimit: number;
  /** Childkey take bounds, u16 fractions of 65535 (MinChildkeyTake 0, MaxChildkeyTake 11796 ≈ 18 %). */
  minChildkeyTake: number;
  maxChildkeyTake: number;
}

/** Defaults: subtensor's values except the day-scale rate limits, which are fast-runtime sized. */
export const DEFAULT_CHAIN_PARAMS: ChainParams = {
  existentialDeposit: 500n,
  minStake: 2_000_000n,
  swapFeeRate: 33,
  minimumReserve: 1_000_000n,
  subnetOwnerCut: 11796,
  defaultTake: 11796,
  taoWeight: 971_718_665_099_567_868n,
  stakeThreshold: 0n,
  networkMinLockCost: 1000n * TAO,
  networkLockReductionInterval: 100_800,
  networkRateLimit: 1,
  subnetLimit: 128,
  maxEpochsPerBlock: 2,
  ownerHyperparamRateLimit: 0,
  adminFreezeWindow: 0,
  maxCommits: 10,
  beaconSecondsPerBlock: 12,
  legacyRegistration: false,
  sudo: null,
  pendingChildkeyCooldown: 15,
  setChildrenRateLimit: 150,
  childkeyTakeRateLimit: 0,
  minChildkeyTake: 0,
  maxChildkeyTake: 11796,
};

/** Per-subnet hyperparameters as stored (subtensor names, camelCased). */
export interface Hyper {
  tempo: number;
  rho: number;
  kappa: number;
  immunityPeriod: number;
  minAllowedWeights: number;
  maxWeightsLimit: number;
  maxAllowedUids: number;
  minAllowedUids: number;
  maxAllowedValidators: number;
  weightsVersion: bigint;
  weightsRateLimit: number;
  activityCutoffFactorMilli: number;
  registrationAllowed: boolean;
  targetRegistrationsPerInterval: number;
  maxRegistrationsPerBlock: number;
  adjustmentInterval: number;
  adjustmentAlpha: bigint;
  minBurn: bigint;
  maxBurn: bigint;
  burnHalfLife: number;
  /** U64F64 raw bits. */
  burnIncreaseMult: bigint;
  bondsMovingAvg: bigint;
  bondsPenalty: number;
  commitRevealWeightsEnabled: boolean;
  commitRevealPeriod: number;
  /**
   * CommitRevealWeightsVersion: 4 = drand-timelocked commits (chain default), lower = hash
   * commits only. Chain-wide on subtensor; per subnet here so one local chain can run both.
   */
  commitRevealVersion: number;
  liquidAlphaEnabled: boolean;
  alphaHigh: number;
  alphaLow: number;
  alphaSigmoidSteepness: number;
  yuma3Enabled: boolean;
  bondsResetEnabled: boolean;
  servingRateLimit: number;
  transfersEnabled: boolean;
  ownerCutEnabled: boolean;
  immuneOwnerUidsLimit: number;
  minNonImmuneUids: number;
  subnetEmissionEnabled: boolean;
}

/**
 * Defaults for a new subnet (chain.md §10). Commit-reveal is on with version 4 as on the chain:
 * weights arrive as drand-timelocked commits, which the local chain opens with its own beacon.
 * One deliberate local difference: subnet emission is enabled (the chain creates new subnets
 * with it off since June 2026).
 */
export const DEFAULT_HYPERPARAMETERS: Hyper = {
  tempo: 360,
  rho: 10,
  kappa: 32767,
  immunityPeriod: 5000,
  minAllowedWeights: 1,
  maxWeightsLimit: 65535,
  maxAllowedUids: 256,
  minAllowedUids: 64,
  maxAllowedValidators: 64,
  weightsVersion: 0n,
  weightsRateLimit: 100,
  activityCutoffFactorMilli: 13889,
  registrationAllowed: true,
  targetRegistrationsPerInterval: 2,
  maxRegistrationsPerBlock: 1,
  adjustmentInterval: 100,
  adjustmentAlpha: 0n,
  minBurn: 500_000n,
  maxBurn: 100n * TAO,
  burnHalfLife: 360,
  burnIncreaseMult: DEFAULT_BURN_INCREASE_MULT,
  bondsMovingAvg: 900_000n,
  bondsPenalty: 65535,
  commitRevealWeightsEnabled: true,
  commitRevealPeriod: 1,
  commitRevealVersion: 4,
  liquidAlphaEnabled: false,
  alphaHigh: 58982,
  alphaLow: 45875,
  alphaSigmoidSteepness: 1000,
  yuma3Enabled: true,
  bondsResetEnabled: false,
  servingRateLimit: 50,
  transfersEnabled: true,
  ownerCutEnabled: true,
  immuneOwnerUidsLimit: 1,
  minNonImmuneUids: 10,
  subnetEmissionEnabled: true,
};

/** Hyperparameters close to subtensor's fast-runtime build, for development networks. */
export const FAST_HYPERPARAMETERS: Partial<Hyper> = {
  tempo: 10,
  weightsRateLimit: 1,
  immunityPeriod: 100,
  servingRateLimit: 1,
  activityCutoffFactorMilli: 50000,
};

/** Effective activity cutoff in blocks: max(1, floor(factor · tempo / 1000)). */
export function activityCutoffBlocks(h: Pick<Hyper, 'activityCutoffFactorMilli' | 'tempo'>): number {
  return Math.max(1, Math.floor((h.activityCutoffFactorMilli * h.tempo) / 1000));
}
