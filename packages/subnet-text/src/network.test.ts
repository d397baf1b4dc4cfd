import { formatGauntletTable, runGauntlet } from '@subnetkit/core/testing';
import { expect, it } from 'vitest';
import text, { type LikelihoodTruth } from './index.js';

it('the adversary gauntlet: honest text miners earn at least twice every cheater, on three seeds', {
  tags: ['slow'],
  timeout: 600_000,
}, async () => {
  const result = await runGauntlet({
    subnet: text,
    seeds: [1, 2, 3],
    // the best a cheater that recovered the challenge can send: the cheapest answer the validator knows of
    answerFromTruth: (truth: LikelihoodTruth) => ({ completion: truth.baselines['corpus-lookup'] ?? '' }),
    assert: false,
  });
  console.log(formatGauntletTable(result));
  expect(result.hits).toEqual({ replay: 0, answerKey: 0 });
  expect(result.failures).toEqual([]);
});
