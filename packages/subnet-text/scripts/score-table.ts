/**
 * Measures the README's table: every miner profile in one in-process network (fixture models),
 * the mean reward each profile got per validator step, and its incentive after the epochs.
 * The task timeout is cut to 2 s so the slow miner, which waits out the timeout on every step,
 * does not make the run take minutes; nothing else changes.
 * Usage: npx tsx --tsconfig packages/subnet-text/scripts/tsconfig.json packages/subnet-text/scripts/score-table.ts [seed] [epochs]
 */
import { defineSubnet } from '@subnetkit/core';
import { captureLogs, createTestNetwork, incentiveByProfile } from '@subnetkit/core/testing';
import text from '../src/index.js';

const seed = process.argv[2] ?? '1';
const epochs = Number(process.argv[3] ?? 3);
const profiles = ['honest', 'honest', 'lazy', 'random', 'copycat', 'slow'] as const;
const logs = captureLogs('debug');
const net = await createTestNetwork({
  subnet: defineSubnet({ ...text, task: { ...text.task, timeoutMs: 2_000 } }),
  miners: profiles,
  validators: 1,
  tempo: 10,
  seed,
  logger: logs.logger,
});
try {
  const summary = await net.runEpochs(epochs);
  const neurons = summary.subnets[0]?.neurons ?? [];
  const profileOf = new Map(neurons.map((n) => [n.uid, n.profile]));
  const rewards = new Map<string, number[]>();
  let steps = 0;
  for (const r of logs.records()) {
    if (r.event !== 'validator.step') continue;
    steps++;
    for (const { uid, reward } of r.rewards as { uid: number; reward: number }[]) {
      const p = String(profileOf.get(uid));
      rewards.set(p, [...(rewards.get(p) ?? []), reward]);
    }
  }
  const incentive = incentiveByProfile(neurons);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const table = Object.fromEntries(
    [...new Set(profiles)].map((p) => {
      const rs = rewards.get(p) ?? [];
      return [
        p,
        {
          meanReward: round(rs.reduce((a, b) => a + b, 0) / Math.max(rs.length, 1)),
          incentive: round(incentive[p] ?? 0),
        },
      ];
    }),
  );
  process.stdout.write(`${JSON.stringify({ seed, epochs, steps, block: summary.block, profiles: table })}\n`);
} finally {
  await net.close();
}
