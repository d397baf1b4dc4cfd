/**
 * Which drand round a weight commit is encrypted to. The chain reveals a commit in the block
 * where epoch `commit_epoch + reveal_period` fires, if the pulse of its round is stored by then
 * (and retries each block of that epoch), and refuses rounds older than `LastStoredRound`.
 */

/** Inputs of bittensor-drand's `generate_commit` round choice (docs/timelock.md §2.2). */
export interface SdkRoundInput {
  currentBlock: number;
  /** The SDK passes the mechanism storage index (mecid·4096 + netuid); for mecid 0 the netuid. */
  netuid: number;
  tempo: number;
  revealPeriod: number;
  /** Seconds per block (12 on mainnet). */
  blockTime: number;
  /** Caller's clock, unix seconds (float). */
  now: number;
  /** Beacon genesis (unix seconds) and period (seconds). */
  genesisTime: number;
  period: number;
}

/** The SDK's estimate of the first block of the reveal epoch: the legacy epoch schedule. */
export function sdkFirstRevealBlock(
  i: Pick<SdkRoundInput, 'currentBlock' | 'netuid' | 'tempo' | 'revealPeriod'>,
): number {
  const currentEpoch = Math.floor((i.currentBlock + i.netuid + 1) / (i.tempo + 1));
  const revealEpoch = currentEpoch + i.revealPeriod;
  return Math.max(0, revealEpoch * (i.tempo + 1) - (i.netuid + 1));
}

/** Blocks after the first reveal block the SDK aims at (SECURITY_BLOCK_OFFSET). */
export const SECURITY_BLOCK_OFFSET = 3;

/** The round published at or just before `targetBlock`'s estimated time: the SDK's conversion. */
export function roundForBlock(i: {
  currentBlock: number;
  targetBlock: number;
  blockTime: number;
  now: number;
  genesisTime: number;
  period: number;
}): number {
  const secsUntil = Math.max(0, i.targetBlock - i.currentBlock) * i.blockTime;
  const targetSecs = i.now + secsUntil;
  return Math.max(1, Math.floor((targetSecs - i.genesisTime) / i.period));
}

/** bittensor-drand@3ff0eac `generate_commit`'s reveal round, formula for formula. */
export function sdkRevealRound(i: SdkRoundInput): number {
  const targetBlock = sdkFirstRevealBlock(i) + SECURITY_BLOCK_OFFSET;
  return roundForBlock({ ...i, targetBlock });
}
