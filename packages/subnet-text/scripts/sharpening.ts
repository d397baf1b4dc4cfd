/**
 * Measures weight sharpening (item 5 of issue 19): the adversary gauntlet on the text subnet with
 * the moving-average scores raised to power 1 (linear) and to the subnet's power, same seeds.
 * Usage (after npm run build): npx tsx packages/subnet-text/scripts/sharpening.ts [power...]
 */
import { defineSubnet } from '@subnetkit/core';
import { formatGauntletTable, runGauntlet } from '@subnetkit/core/testing';
import text, { type LikelihoodTruth } from '../src/index.js';

const powers = process.argv.slice(2).map(Number);
for (const power of powers.length > 0 ? powers : [1, 2]) {
  const result = await runGauntlet({
    subnet: defineSubnet({ ...text, weights: { power } }),
    seeds: [1, 2, 3],
    answerFromTruth: (truth: LikelihoodTruth) => ({ completion: truth.baselines['corpus-lookup'] ?? '' }),
    assert: false,
  });
  const fails = result.failures.length > 0 ? ` (fails: ${result.failures.join('; ')})` : '';
  process.stdout.write(`\npower ${power}${fails}\n${formatGauntletTable(result)}\n`);
}
