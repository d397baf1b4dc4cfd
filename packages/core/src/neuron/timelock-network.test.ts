import { describe, expect, test } from 'vitest';
import type { ChainEvent } from '../chain/types.js';
import { incentiveByProfile } from '../localnet/summary.js';
import { createTestNetwork } from '../testing/create-test-network.js';
import { reverseSubnet as reverse } from '../testing/reverse-subnet.fixture.js';

describe('commit-reveal v4 on a whole network', () => {
  test('validators pick timelocked commits by themselves, the chain reveals them, and honest miners still win', {
    tags: ['slow'],
  }, async () => {
    const net = await createTestNetwork({
      subnet: reverse,
      miners: ['honest', 'lazy', 'random'],
      validators: 2,
      tempo: 10,
      // the chain's defaults (commit-reveal on, version 4), with the shortest reveal period
      hyperparameters: { commitRevealWeightsEnabled: true, commitRevealPeriod: 1 },
    });
    try {
      const chain = net.network.localChain;
      expect((await chain.hyperparameters(1)).commitRevealVersion).toBe(4);
      const seen: ChainEvent[] = [];
      chain.onEvents((events) => seen.push(...events));
      const summary = await net.runEpochs(5);
      const names = new Set(seen.map((e) => e.name));
      // weights came only through timelocked commits the chain opened itself
      expect(names.has('TimelockedWeightsCommitted')).toBe(true);
      expect(names.has('TimelockedWeightsRevealed')).toBe(true);
      expect(names.has('WeightsCommitted')).toBe(false);
      const revealedBy = new Set(seen.filter((e) => e.name === 'TimelockedWeightsRevealed').map((e) => e.data.hotkey));
      expect(revealedBy.size).toBe(2);
      // every reveal is a block-level event (no extrinsic sent it)
      expect(seen.filter((e) => e.name === 'TimelockedWeightsRevealed').every((e) => e.extrinsicIndex === null)).toBe(
        true,
      );
      const byProfile = incentiveByProfile(summary.subnets[0]!.neurons);
      expect(byProfile.honest).toBeGreaterThan(0);
      expect(byProfile.honest!).toBeGreaterThan(byProfile.lazy ?? 0);
      expect(byProfile.honest!).toBeGreaterThan(byProfile.random ?? 0);
    } finally {
      await net.close();
    }
  });
});
