import { describe, expect, test } from 'vitest';
import { incentiveByProfile } from '../localnet/summary.js';
import { createTestNetwork } from './create-test-network.js';
import { reverseSubnet as reverse } from './reverse-subnet.fixture.js';

describe('createTestNetwork', () => {
  test('honest miners out-earn every cheating profile over real chain, HTTP and consensus', {
    tags: ['slow'],
  }, async () => {
    const net = await createTestNetwork({
      subnet: reverse,
      miners: ['honest', 'honest', 'lazy', 'random', 'copycat'],
      validators: 2,
      tempo: 10,
    });
    try {
      const summary = await net.runEpochs(3);
      const subnet = summary.subnets[0]!;
      expect(subnet.epochs).toBeGreaterThanOrEqual(3);
      const byProfile = incentiveByProfile(subnet.neurons);
      expect(byProfile.honest).toBeGreaterThan(0);
      for (const cheater of ['lazy', 'random', 'copycat'])
        expect(byProfile.honest!).toBeGreaterThan(byProfile[cheater] ?? 0);
      const validators = subnet.neurons.filter((n) => n.role === 'validator');
      expect(validators).toHaveLength(2);
      expect(validators.every((v) => v.validatorPermit && v.dividends > 0 && v.stake > 0n)).toBe(true);
      expect(summary.totalIssuance).toBeGreaterThan(0n);
    } finally {
      await net.close();
    }
  });

  test('with commit-reveal on, validators commit, reveal in the reveal epoch, and honest miners still win', {
    tags: ['slow'],
  }, async () => {
    const net = await createTestNetwork({
      subnet: reverse,
      miners: ['honest', 'lazy', 'random'],
      validators: 1,
      tempo: 10,
      // hash commit-reveal (v2): the chain's default is version 4 (timelocked, see neuron/timelock-network.test.ts)
      hyperparameters: { commitRevealWeightsEnabled: true, commitRevealPeriod: 1, commitRevealVersion: 2 },
    });
    try {
      const seen = new Set<string>();
      net.network.localChain.onEvents((events) => {
        for (const e of events) seen.add(e.name);
      });
      const summary = await net.runEpochs(5);
      const byProfile = incentiveByProfile(summary.subnets[0]!.neurons);
      expect(byProfile.honest).toBeGreaterThan(0);
      expect(byProfile.honest!).toBeGreaterThan(byProfile.lazy ?? 0);
      expect(byProfile.honest!).toBeGreaterThan(byProfile.random ?? 0);
      // weights reached the chain through commit then reveal (set_weights is refused under commit-reveal)
      expect(seen.has('WeightsCommitted')).toBe(true);
      expect(seen.has('WeightsRevealed')).toBe(true);
    } finally {
      await net.close();
    }
  });
});
