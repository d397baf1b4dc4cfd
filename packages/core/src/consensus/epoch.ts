/**
 * The Yuma Consensus epoch (consensus.md §4), bit-exact with subtensor's `epoch_mechanism`, as a
 * composition of one stage function per section (`stages/`). Matrices are CSR (csr.ts) with entries
 * in the order each step defines; I32F32 values are number raws (see `fast-fixed.ts` for why that
 * is exact); u64/I64F64 quantities (stake, blocks, rao) stay `bigint` and cost O(n), not O(weights).
 */

import { csrToRows, RowScratch } from './csr.js';
import { isPacked, packRows, unpackRows } from './packed.js';
import { activeMask, activityCutoff, epochBlocks } from './stages/activity.js';
import { weightsForBonds } from './stages/bonds-penalty.js';
import { clipWeights } from './stages/clipping.js';
import { consensus as columnConsensus } from './stages/consensus.js';
import { emissionVectors } from './stages/emission.js';
import { incentive as incentiveOf, ranks } from './stages/incentive.js';
import { legacyBonds } from './stages/legacy.js';
import { storedBonds, toU16 } from './stages/outputs.js';
import { activeStake as activeStakeOf, newPermits, oldPermits } from './stages/permits.js';
import { stakeVector } from './stages/stake-vector.js';
import { lastTempo, readBonds } from './stages/stale-bonds.js';
import { maskedWeights } from './stages/weights.js';
import { yuma3Bonds, yuma3Dividends } from './stages/yuma3.js';
import type { AnyEpochInput, EpochOutput, PackedRowsU16, SparseRowU16 } from './types.js';

export { activityCutoff } from './stages/activity.js';
export { fixedBondsAlpha } from './stages/ema.js';
export { lastTempo } from './stages/stale-bonds.js';

/** Options of `runEpoch`. */
export interface RunEpochOptions {
  /** Also return the intermediate vectors and matrices (slower; for debugging and records). */
  intermediates?: boolean;
}

/**
 * Runs one Yuma Consensus epoch over a subnet's state and returns what the chain stores and pays.
 * Weights and bonds may come as tuple rows or packed (`PackedRowsU16`, the faster form); the
 * bonds to store come back in both (`bondsPacked`, and `bondsU16` built from it when first read).
 *
 * @example
 * const out = runEpoch({ n: 2, block: 1000n, emission: 10n ** 9n, ownerUid: null,
 *   hyperparameters: DEFAULT_EPOCH_HYPERPARAMETERS, stake: [10n ** 9n, 0n], taoStake: [],
 *   weights: [[[1, 65535]], []], bonds: [], validatorPermit: [true, false], lastUpdate: [999n, 999n],
 *   blockAtRegistration: [1n, 1n], commitBlock: [] });
 */
export function runEpoch(input: AnyEpochInput, options: RunEpochOptions = {}): EpochOutput {
  const { n, block, hyperparameters: hp } = input;
  const owner = input.ownerUid !== null && input.ownerUid < n ? input.ownerUid : -1;
  const cutoff = activityCutoff(hp);
  const lt = lastTempo(hp, block);
  const blocks = epochBlocks(n, input.lastUpdate, input.blockAtRegistration, input.commitBlock, lt);

  const active = activeMask(n, input.lastUpdate, cutoff, block); // §4.1
  const { stakeRawU64, stake } = stakeVector(n, input.stake, input.taoStake, hp.taoWeight, hp.stakeThreshold, owner); // §4.2
  const permitOld = oldPermits(n, input.validatorPermit, owner); // §4.3
  const permitNew = newPermits(stake, hp.maxAllowedValidators, owner);
  const activeStake = activeStakeOf(stake, active, permitOld); // §4.4
  const weightsIn = isPacked(input.weights) ? input.weights : packRows(input.weights, 'weights');
  const bondsIn = isPacked(input.bonds) ? input.bonds : packRows(input.bonds, 'bonds');
  const W = maskedWeights(n, weightsIn, permitOld, owner, blocks, hp.commitReveal); // §4.5
  const consensus = columnConsensus(W, activeStake, hp.kappa); // §4.6
  const { Wc, validatorTrust } = clipWeights(W, consensus); // §4.7
  const rank = ranks(Wc, activeStake); // §4.8
  const incentive = incentiveOf(rank);
  const scratch = new RowScratch(n);
  const Wb = weightsForBonds(W, Wc, hp.bondsPenalty, scratch); // §4.9
  let bondsOut: ReturnType<typeof readBonds>;
  let dividends: Float64Array;
  if (hp.yuma3) {
    const B = readBonds(n, bondsIn, blocks, lt, true); // §4.10
    bondsOut = yuma3Bonds(Wb, B, consensus, hp, scratch); // §4.11
    dividends = yuma3Dividends(bondsOut, incentive, activeStake);
  } else {
    const Bint = readBonds(n, bondsIn, blocks, lt, false); // §4.10
    ({ bonds: bondsOut, dividends } = legacyBonds(Wb, Bint, incentive, activeStake, hp.bondsMovingAverage, scratch)); // §4.12
  }
  const packedBonds = storedBonds(bondsOut, permitNew);
  const shares = emissionVectors(incentive, dividends, activeStake, stake, input.emission); // §4.13

  const output: EpochOutput = {
    // §4.14
    n,
    activityCutoff: cutoff,
    lastTempo: lt,
    active,
    stakeRawU64,
    stakeWeightU16: toU16(stake),
    validatorPermitOld: permitOld,
    validatorPermitNew: permitNew,
    consensusU16: toU16(consensus),
    validatorTrustU16: toU16(validatorTrust),
    incentiveU16: toU16(incentive),
    dividendsU16: toU16(dividends),
    get bondsU16(): SparseRowU16[] {
      // built once, on first read; from then on a plain data property
      const rows = unpackRows(packedBonds, n);
      Object.defineProperty(this, 'bondsU16', { value: rows, writable: true, enumerable: true, configurable: true });
      return rows;
    },
    set bondsU16(rows: SparseRowU16[]) {
      Object.defineProperty(this, 'bondsU16', { value: rows, writable: true, enumerable: true, configurable: true });
    },
    serverEmission: shares.serverEmission,
    validatorEmission: shares.validatorEmission,
    emission: shares.emission,
    rankU16: new Array<number>(n).fill(0),
    trustU16: new Array<number>(n).fill(0),
    pruningScoreU16: new Array<number>(n).fill(65535),
  };
  Object.defineProperty(output, 'bondsPacked', {
    value: packedBonds satisfies PackedRowsU16,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  if (options.intermediates) {
    output.intermediates = {
      stakeBits: Array.from(stake),
      activeStakeBits: Array.from(activeStake),
      weightsBits: csrToRows(W, n),
      clippedWeightsBits: csrToRows(Wc, n),
      weightsForBondsBits: csrToRows(Wb, n),
      consensusBits: Array.from(consensus),
      validatorTrustBits: Array.from(validatorTrust),
      rankBits: Array.from(rank),
      incentiveBits: Array.from(incentive),
      dividendsBits: Array.from(dividends),
      emaBondsBits: csrToRows(bondsOut, n),
      normalizedServerEmissionBits: Array.from(shares.nse),
      normalizedValidatorEmissionBits: Array.from(shares.nve),
      normalizedCombinedEmissionBits: Array.from(shares.nce),
    };
  }
  return output;
}
