import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { incentiveByProfile } from '../localnet/summary.js';
import { defineSubnet } from '../plugin/define-subnet.js';
import { createTestNetwork } from './create-test-network.js';

// A model-free subnet: the miner must reverse a word; the truth is the reversed word.
const reverse = defineSubnet({
  apiVersion: 1,
  name: 'reverse',
  task: {
    request: z.object({ word: z.string().min(1).max(64) }),
    response: z.object({ reversed: z.string().max(64) }),
    timeoutMs: 2_000,
  },
  miner: { handle: (req) => ({ reversed: [...req.word].reverse().join('') }) },
  validator: {
    challenge: (ctx) => {
      const word = Array.from({ length: 8 }, () => String.fromCharCode(97 + ctx.random.int(0, 25))).join('');
      return { request: { word }, truth: [...word].reverse().join('') };
    },
    reward: (responses, truth) => responses.map((r) => (r.reversed === truth ? 1 : 0)),
  },
  adversaries: {
    lazy: () => ({ reversed: '' }),
    random: (_req, ctx) => ({ reversed: String(ctx.random.next()) }),
  },
});

describe('createTestNetwork', () => {
  test('honest miners out-earn every cheating profile over real chain, HTTP and consensus', {
    tags: ['slow'],
    timeout: 120_000,
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
});
