import { formatGauntletTable, runGauntlet } from '@subnetkit/core/testing';
import { expect, test } from 'vitest';
import subnet, { type SrTruth } from './index.js';

test('the adversary gauntlet: honest upscalers earn at least twice every cheater, on three seeds', {
  tags: ['slow'],
  timeout: 600_000,
}, async () => {
  const result = await runGauntlet({
    subnet,
    seeds: [1, 2, 3],
    // a cheater that recovered the challenge sends the hidden original itself
    answerFromTruth: (truth: SrTruth) => ({
      output: truth.original,
      outputWidth: truth.width,
      outputHeight: truth.height,
    }),
    assert: false,
  });
  console.log(formatGauntletTable(result));
  expect(result.hits).toEqual({ replay: 0, answerKey: 0 });
  expect(result.failures).toEqual([]);
});
