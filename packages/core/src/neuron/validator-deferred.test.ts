import { describe, expect, test } from 'vitest';
import type { ChainEvent } from '../chain/types.js';
import { incentiveByProfile } from '../localnet/summary.js';
import { defineSubnet } from '../plugin/define-subnet.js';
import { createTestNetwork } from '../testing/create-test-network.js';
import { reverseSubnet } from '../testing/reverse-subnet.fixture.js';

/** The reverse subnet with its truth known one block later (as a forecast subnet's is). */
const deferredReverse = defineSubnet({
  ...reverseSubnet,
  name: 'reverse-deferred',
  validator: {
    ...reverseSubnet.validator,
    challenge: (ctx) => {
      const { request } = reverseSubnet.validator.challenge(ctx) as { request: { word: string } };
      return { request, deferred: { word: request.word, block: ctx.block } };
    },
    resolveTruth: async (deferred, ctx) => {
      const d = deferred as { word: string; block: number };
      return ctx.block > d.block ? [...d.word].reverse().join('') : undefined;
    },
  },
});

describe('a validator of a deferred-truth subnet', () => {
  test('sends its weights once per tempo: a settled submission is not undone by a deferred score', {
    tags: ['slow'],
  }, async () => {
    const epochs = 3;
    const net = await createTestNetwork({
      subnet: deferredReverse,
      miners: ['honest', 'lazy'],
      validators: 2,
      tempo: 10,
      hyperparameters: { commitRevealWeightsEnabled: true, commitRevealPeriod: 1 },
    });
    try {
      const seen: ChainEvent[] = [];
      net.network.localChain.onEvents((events) => seen.push(...events));
      const summary = await net.runEpochs(epochs);
      const commits = seen.filter((e) => e.name === 'TimelockedWeightsCommitted');
      // before the fix a deferred score folded into a state read before the submission settled,
      // so lastWeightsBlock went back and the validator committed again on every later block
      for (const hotkey of new Set(commits.map((e) => e.data.hotkey))) {
        expect(commits.filter((e) => e.data.hotkey === hotkey).length).toBeLessThanOrEqual(epochs + 1);
      }
      expect(new Set(commits.map((e) => e.data.hotkey)).size).toBe(2);
      for (const v of net.network.validators()) expect(v.state.lastWeightsBlock).toBeGreaterThan(0);
      const byProfile = incentiveByProfile(summary.subnets[0]!.neurons);
      expect(byProfile.honest!).toBeGreaterThan(byProfile.lazy ?? 0);
    } finally {
      await net.close();
    }
  });
});
