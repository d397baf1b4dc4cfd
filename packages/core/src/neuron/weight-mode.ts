import type { SubnetHyperparameters, TimelockBeaconInfo } from '../chain/types.js';
import { latestRound } from '../timelock/beacon.js';
import { roundForBlock, SECURITY_BLOCK_OFFSET, sdkFirstRevealBlock } from '../timelock/reveal-round.js';

/** How a validator gets weights on chain: plainly, by hash commit-reveal (v2), or timelocked (v4). */
export type WeightMode = 'set' | 'commit-v2' | 'commit-v4';

/**
 * Picks the mode from the subnet's hyperparameters the way the chain will accept it: commit-reveal
 * off → set_weights; on with version ≥ 3 and a beacon to encrypt to → timelocked commit; on
 * otherwise → hash commit. A backend that cannot tell the version is assumed to run the chain's
 * default (4).
 */
export function weightMode(
  hyper: Pick<SubnetHyperparameters, 'commitRevealWeightsEnabled' | 'commitRevealVersion'>,
  hasBeacon: boolean,
): WeightMode {
  if (!hyper.commitRevealWeightsEnabled) return 'set';
  return (hyper.commitRevealVersion ?? 4) >= 3 && hasBeacon ? 'commit-v4' : 'commit-v2';
}

/** Blocks a commit may take from the round choice to its inclusion without turning stale. */
export const INCLUSION_SLACK_BLOCKS = 3;

/**
 * The drand round to encrypt a commit to. With the chain's next epoch block known (the local
 * chain, the devnet), it is the round the beacon has published by the block before the reveal
 * block (pulses stored in a block are seen by the next block's reveal, which runs before that
 * block's epoch). Otherwise it is the SDK's estimate (bittensor-drand `generate_commit`: legacy
 * epoch schedule + 3 blocks). Never below the round the chain will have stored when the commit
 * is included a few blocks later (`InvalidRevealRound`); near the epoch that slack can move the
 * reveal a few blocks past it, like a late set_weights.
 */
export function chooseRevealRound(o: {
  beacon: TimelockBeaconInfo;
  netuid: number;
  tempo: number;
  revealPeriod: number;
  nextEpochBlock?: number | null | undefined;
}): bigint {
  const b = o.beacon;
  const head = b.headBlock;
  let target: number;
  if (o.nextEpochBlock !== undefined && o.nextEpochBlock !== null && o.tempo > 0) {
    let reveal = o.nextEpochBlock + (o.revealPeriod - 1) * o.tempo;
    // a commit included in the epoch block itself counts for the epoch after
    if (head + 1 >= o.nextEpochBlock) reveal += o.tempo;
    target = reveal - 1;
  } else {
    target =
      sdkFirstRevealBlock({ currentBlock: head, netuid: o.netuid, tempo: o.tempo, revealPeriod: o.revealPeriod }) +
      SECURITY_BLOCK_OFFSET;
  }
  const round = roundForBlock({
    currentBlock: head,
    targetBlock: target,
    blockTime: b.blockTime,
    now: b.now,
    genesisTime: b.genesisTime,
    period: b.period,
  });
  // the chain refuses rounds older than LastStoredRound when the commit is included, which can be a
  // few blocks after this choice (encryption time, a busy process, timed blocks): keep that slack
  const floor = latestRound(b.now + (1 + INCLUSION_SLACK_BLOCKS) * b.blockTime, b.genesisTime, b.period);
  const chosen = BigInt(Math.max(round, floor));
  return chosen > b.lastStoredRound ? chosen : b.lastStoredRound;
}
