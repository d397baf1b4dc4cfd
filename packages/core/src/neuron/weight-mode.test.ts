import { describe, expect, test } from 'vitest';
import type { TimelockBeaconInfo } from '../chain/types.js';
import { chooseRevealRound, INCLUSION_SLACK_BLOCKS, weightMode } from './weight-mode.js';

describe('weight mode', () => {
  test('follows commit-reveal and its version; v4 needs a beacon', () => {
    expect(weightMode({ commitRevealWeightsEnabled: false, commitRevealVersion: 4 }, true)).toBe('set');
    expect(weightMode({ commitRevealWeightsEnabled: true, commitRevealVersion: 4 }, true)).toBe('commit-v4');
    expect(weightMode({ commitRevealWeightsEnabled: true }, true)).toBe('commit-v4');
    expect(weightMode({ commitRevealWeightsEnabled: true, commitRevealVersion: 2 }, true)).toBe('commit-v2');
    expect(weightMode({ commitRevealWeightsEnabled: true, commitRevealVersion: 4 }, false)).toBe('commit-v2');
  });
});

describe('reveal round', () => {
  // the local chain's clock: 12 s per block from 0, rounds every 3 s (round n at 3(n−1))
  const beacon = (head: number): TimelockBeaconInfo => ({
    publicKey: '0x',
    genesisTime: 0,
    period: 3,
    blockTime: 12,
    headBlock: head,
    now: head * 12,
    lastStoredRound: BigInt(head * 4 + 1),
  });

  test('targets the pulse stored by the block before the reveal block', () => {
    // next epoch at 20, reveal period 1: revealed in block 20's on_initialize, which sees block 19's pulses
    expect(chooseRevealRound({ beacon: beacon(12), netuid: 1, tempo: 10, revealPeriod: 1, nextEpochBlock: 20 })).toBe(
      76n,
    );
    // reveal period 2: one tempo later
    expect(chooseRevealRound({ beacon: beacon(12), netuid: 1, tempo: 10, revealPeriod: 2, nextEpochBlock: 20 })).toBe(
      116n,
    );
  });

  test('a commit landing in the epoch block counts for the next epoch', () => {
    expect(chooseRevealRound({ beacon: beacon(19), netuid: 1, tempo: 10, revealPeriod: 1, nextEpochBlock: 20 })).toBe(
      116n,
    );
  });

  test('never below what the chain will have stored when the commit is included, with slack', () => {
    // next epoch right after the commit block: the target round would be stale by inclusion
    const r = chooseRevealRound({ beacon: beacon(18), netuid: 1, tempo: 10, revealPeriod: 1, nextEpochBlock: 20 });
    // still fresh if included up to INCLUSION_SLACK_BLOCKS blocks after the next one
    expect(r).toBe(BigInt((18 + 1 + INCLUSION_SLACK_BLOCKS) * 4 + 1));
  });

  test('without the next epoch block it uses the SDK estimate', () => {
    // legacy: epoch floor((100+2)/11) = 9 → reveal epoch 10 → first block 108, +3 = 111 → 111·12/3 = 444
    expect(chooseRevealRound({ beacon: beacon(100), netuid: 1, tempo: 10, revealPeriod: 1 })).toBe(444n);
  });
});
