/**
 * The contract of the Yuma epoch (docs: consensus.md §3, §4.14, §9). The local chain builds an
 * `EpochInput` from its storage, calls `runEpoch`, and writes the storage-visible outputs back.
 * Integers that can exceed 2^53 are bigint; u16 values and booleans are plain numbers/booleans.
 */

/** A sparse row: ordered [uid, u16] pairs, order observable (consensus.md §10). */
export type SparseRowU16 = [number, number][];

/**
 * Sparse u16 rows as one CSR of typed arrays: row i holds the pairs `(uids[k], values[k])` for
 * `offsets[i] ≤ k < offsets[i + 1]`, in order; `offsets` has rows + 1 entries (packed.ts).
 */
export interface PackedRowsU16 {
  offsets: Uint32Array;
  uids: Uint16Array;
  values: Uint16Array;
}

export interface EpochHyperparameters {
  kappa: number;
  /** per million */
  bondsMovingAverage: bigint;
  bondsPenalty: number;
  tempo: number;
  activityCutoffFactorMilli: number;
  /** Test convenience (consensus.md §9.2): replaces the computed cutoff when not null. */
  activityCutoffBlocks: bigint | null;
  maxAllowedValidators: number;
  stakeThreshold: bigint;
  yuma3: boolean;
  liquidAlpha: boolean;
  alphaLow: number;
  alphaHigh: number;
  alphaSigmoidSteepness: number;
  /** fraction of 2^64 − 1 */
  taoWeight: bigint;
  commitReveal: boolean;
  bondsReset: boolean;
  lastMechanismStepBlock: bigint;
}

export interface EpochInput {
  /** SubnetworkN */
  n: number;
  block: bigint;
  /** alpha (rao) to distribute this epoch */
  emission: bigint;
  /** uid of the subnet owner's hotkey if registered, else null */
  ownerUid: number | null;
  hyperparameters: EpochHyperparameters;
  /** Alpha stake per uid after inheritance (u64). Shorter arrays are padded with 0n. */
  stake: bigint[];
  /** Root stake per uid after inheritance (u64). */
  taoStake: bigint[];
  weights: SparseRowU16[];
  bonds: SparseRowU16[];
  validatorPermit: boolean[];
  lastUpdate: bigint[];
  blockAtRegistration: bigint[];
  /** earliest unexpired commit block per uid, or null */
  commitBlock: (bigint | null)[];
}

/**
 * `EpochInput` with weights and bonds in either form: tuple rows or packed (the faster form; the
 * local chain passes it). `runEpoch` takes this.
 */
export interface AnyEpochInput extends Omit<EpochInput, 'weights' | 'bonds'> {
  weights: SparseRowU16[] | PackedRowsU16;
  bonds: SparseRowU16[] | PackedRowsU16;
}

/** Storage-visible outputs (consensus.md §4.14, §9.4). Intermediates are optional extras. */
export interface EpochOutput {
  n: number;
  activityCutoff: bigint;
  lastTempo: bigint;
  active: boolean[];
  stakeRawU64: bigint[];
  stakeWeightU16: number[];
  validatorPermitOld: boolean[];
  validatorPermitNew: boolean[];
  consensusU16: number[];
  validatorTrustU16: number[];
  incentiveU16: number[];
  dividendsU16: number[];
  /**
   * rows written to Bonds (empty row for uids without the new permit). From `runEpoch` this is
   * built from `bondsPacked` on first read, so callers that only need the packed form pay nothing.
   */
  bondsU16: SparseRowU16[];
  /**
   * The same rows packed (n rows). Non-enumerable on `runEpoch`'s result, so spreading, comparing
   * or serialising an output sees the same fields as before.
   */
  bondsPacked?: PackedRowsU16;
  serverEmission: bigint[];
  validatorEmission: bigint[];
  emission: bigint[];
  rankU16: number[];
  trustU16: number[];
  pruningScoreU16: number[];
  /** Intermediate I32F32 raws (for the scenario runner's full records); may be omitted for speed. */
  intermediates?: EpochIntermediates;
}

/** Intermediate values of one epoch (I32F32 raws as exact numbers; consensus.md §9.4). */
export interface EpochIntermediates {
  stakeBits: number[];
  activeStakeBits: number[];
  weightsBits: SparseRowU16[];
  clippedWeightsBits: SparseRowU16[];
  weightsForBondsBits: SparseRowU16[];
  consensusBits: number[];
  validatorTrustBits: number[];
  /** ranks before normalisation */
  rankBits: number[];
  incentiveBits: number[];
  dividendsBits: number[];
  /** bonds before the u16 conversion (EMA, or its column max-upscale on the legacy path) */
  emaBondsBits: SparseRowU16[];
  normalizedServerEmissionBits: number[];
  normalizedValidatorEmissionBits: number[];
  normalizedCombinedEmissionBits: number[];
}

/** The chain's defaults for a new subnet (consensus.md §3.3). */
export const DEFAULT_EPOCH_HYPERPARAMETERS: EpochHyperparameters = {
  kappa: 32767,
  bondsMovingAverage: 900000n,
  bondsPenalty: 65535,
  tempo: 360,
  activityCutoffFactorMilli: 13889,
  activityCutoffBlocks: null,
  maxAllowedValidators: 64,
  stakeThreshold: 0n,
  yuma3: true,
  liquidAlpha: false,
  alphaLow: 45875,
  alphaHigh: 58982,
  alphaSigmoidSteepness: 1000,
  taoWeight: 971718665099567868n,
  commitReveal: false,
  bondsReset: false,
  lastMechanismStepBlock: 0n,
};
