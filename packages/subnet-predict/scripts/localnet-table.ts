/**
 * Mean incentive per miner profile after 3 epochs of an in-process network (tempo 10), for a few seeds.
 * Usage: npx tsx --tsconfig packages/subnet-predict/scripts/tsconfig.json packages/subnet-predict/scripts/localnet-table.ts [seeds...]
 */
import { createTestNetwork, incentiveByProfile } from '@subnetkit/core/testing';
import predict from '../src/index.js';

const seeds = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['1'];
for (const seed of seeds) {
  const net = await createTestNetwork({
    subnet: predict,
    miners: ['honest', 'honest', 'lazy', 'random', 'copycat'],
    validators: 1,
    tempo: 10,
    seed,
  });
  try {
    const summary = await net.runEpochs(3);
    const by = incentiveByProfile(summary.subnets[0]?.neurons ?? []);
    const rounded = Object.fromEntries(Object.entries(by).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
    process.stdout.write(`${JSON.stringify({ seed, block: summary.block, incentive: rounded })}\n`);
  } finally {
    await net.close();
  }
}
