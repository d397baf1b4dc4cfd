import { describe, expect, test } from 'vitest';
import { createTestNetwork } from '../testing/create-test-network.js';
import { reverseSubnet } from '../testing/reverse-subnet.fixture.js';
import { Keypair } from '../wallet/keypair.js';

describe('LocalNetwork', () => {
  test('a miner that goes down is scored down and its incentive falls below the live miners', {
    tags: ['slow'],
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

describe('deregistration', () => {
  test('a miner pruned from a full subnet registers again and announces its axon', {
    tags: ['slow'],
  }, async () => {
    // owner + 1 validator + 2 miners fill the subnet; immunity is one block
    const net = await createTestNetwork({
      subnet: reverseSubnet,
      miners: ['honest', 'lazy'],
      validators: 1,
      tempo: 10,
      hyperparameters: { maxAllowedUids: 4, immunityPeriod: 1, minNonImmuneUids: 0 },
    });
    try {
      await net.runEpochs(2);
      const lazy = net.network.miners()[1]!;
      const chain = net.network.localChain;
      const before = await chain.metagraph(1);
      expect(before.n).toBe(4);
      // an outsider registers: the lowest-emission miner (the lazy one) is pruned
      const alice = Keypair.fromUri('//Alice');
      const outsider = Keypair.fromUri('//outsider');
      const registered = chain.submit(alice, {
        pallet: 'SubtensorModule',
        method: 'burned_register',
        args: { netuid: 1, hotkey: outsider.address },
      });
      await net.advance(1);
      await registered;
      const replacedUid = await chain.uidOf(1, outsider.address);
      expect(replacedUid).not.toBeNull();
      expect(before.hotkeys[replacedUid!]).toBe(lazy.hotkey);
      // the miner notices, registers again (pruning someone else) and serves its axon
      for (let i = 0; i < 20 && (await chain.uidOf(1, lazy.hotkey)) === null; i++) await net.advance(1);
      await net.advance(2);
      const uid = await chain.uidOf(1, lazy.hotkey);
      expect(uid).not.toBeNull();
      expect(lazy.uid).toBe(uid);
      expect((await chain.metagraph(1)).axons[uid!]?.port).toBe(lazy.port);
    } finally {
      await net.close();
    }
  });
});
