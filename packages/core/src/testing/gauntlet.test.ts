import { describe, expect, test } from 'vitest';
import { incentiveByProfile } from '../localnet/summary.js';
import { defineSubnet } from '../plugin/define-subnet.js';
import { type Hits, replayAdversary } from './adversaries.js';
import { createTestNetwork } from './create-test-network.js';
import { formatGauntletTable, runGauntlet } from './gauntlet.js';
import { reverseSubnet as reverse } from './reverse-subnet.fixture.js';

const answerFromTruth = (truth: string) => ({ reversed: truth });

async function replayShare(seed: string | null): Promise<{ hits: number; replay: number; honest: number }> {
  const hits: Hits = { count: 0 };
  const net = await createTestNetwork({
    subnet: reverse,
    miners: ['honest', replayAdversary({ answerFromTruth, hits })],
    validators: 1,
    tempo: 10,
    seed,
  });
  try {
    const summary = await net.runEpochs(2);
    const by = incentiveByProfile(summary.subnets[0]!.neurons);
    return { hits: hits.count, replay: by.replay ?? 0, honest: by.honest ?? 0 };
  } finally {
    await net.close();
  }
}

describe('adversary gauntlet', () => {
  test('random-source replay reproduces a publicly seeded validator, and nothing of one started without a seed', {
    tags: ['slow'],
  }, async () => {
    // control: a validator whose seed is public ('localnet', the old default) is fully replayable
    const seeded = await replayShare('localnet');
    expect(seeded.hits).toBeGreaterThan(5);
    expect(seeded.replay).toBeGreaterThan(0.3);
    // as `subnetkit localnet` without --seed runs it: challenges from OS entropy
    const unseeded = await replayShare(null);
    expect(unseeded.hits).toBe(0);
    expect(unseeded.replay).toBe(0);
    expect(unseeded.honest).toBeGreaterThan(0.9);
  });

  test('every standard cheater earns far below honest on a subnet that resists them', {
    tags: ['slow'],
  }, async () => {
    const result = await runGauntlet({ subnet: reverse, seeds: [1, 2], epochs: 2, answerFromTruth });
    expect(result.failures).toEqual([]);
    expect(Object.keys(result.shares).sort()).toEqual(
      ['answer-key', 'copycat', 'honest', 'lazy', 'malformed', 'oversized', 'random', 'replay'].sort(),
    );
    expect(result.shares.honest!.every((s) => s > 0.4)).toBe(true);
    expect(result.hits).toEqual({ replay: 0, answerKey: 0 });
    expect(formatGauntletTable(result)).toMatch(/^\| strategy .*\n\|---.*\n\| honest \|/);
  });

  test('fails, naming the strategy, when a declared baseline earns as much as honest work', {
    tags: ['slow'],
  }, async () => {
    // a subnet whose "cheap baseline" is the honest answer: the reward cannot tell them apart
    const leaky = defineSubnet({
      ...reverse,
      adversaries: {
        ...reverse.adversaries,
        baselines: { reverse: (req) => ({ reversed: [...req.word].reverse().join('') }) },
      },
    });
    await expect(runGauntlet({ subnet: leaky, seeds: [1], epochs: 2 })).rejects.toThrow(
      /failed: baseline:reverse \(seed 1/,
    );
  });
});
