import { describe, expect, test } from 'vitest';
import { createTestNetwork } from '../testing/create-test-network.js';
import { reverseSubnet } from '../testing/reverse-subnet.fixture.js';

describe('LocalNetwork', () => {
  test('a miner that goes down is scored down and its incentive falls below the live miners', {
    tags: ['slow'],
    timeout: 180_000,
  }, async () => {
    const net = await createTestNetwork({
      subnet: reverseSubnet,
      miners: ['honest', 'honest', 'honest'],
      validators: 1,
      tempo: 10,
    });
    try {
      const before = await net.runEpochs(3);
      const victim = net.network.miners()[0]!;
      const victimUid = victim.uid!;
      const incentiveOf = (s: typeof before, uid: number) =>
        s.subnets[0]!.neurons.find((n) => n.uid === uid)!.incentive;
      const scoreOf = () => net.network.validators()[0]!.state.scores.find((s) => s.uid === victimUid)?.score ?? 0;
      expect(incentiveOf(before, victimUid)).toBeGreaterThan(0.2);
      const scoreBefore = scoreOf();

      await victim.stop(); // its axon is gone: every query now fails
      const after = await net.runEpochs(3);

      expect(scoreOf()).toBeLessThan(scoreBefore * 0.5);
      const live = net.network
        .miners()
        .slice(1)
        .map((m) => incentiveOf(after, m.uid!));
      expect(incentiveOf(after, victimUid)).toBeLessThan(incentiveOf(before, victimUid));
      for (const x of live) expect(incentiveOf(after, victimUid)).toBeLessThan(x);
    } finally {
      await net.close();
    }
  });
});
