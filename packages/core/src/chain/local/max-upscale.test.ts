/**
 * The local chain stores weights as subtensor does: set_weights max-upscales with the I32F32 rule
 * of `vec_u16_max_upscale_to_u16` (consensus.md §9.3), the one the consensus module implements.
 */
import { describe, expect, it } from 'vitest';
import { maxUpscaleU16 } from '../../consensus/weights.js';
import type { ChainCall } from '../types.js';
import { devGenesis } from './dev-genesis.js';
import { createLocalChain } from './local-chain.js';
import { dev, include } from './test-helpers.js';

const reg = (hotkey: string): ChainCall => ({
  pallet: 'SubtensorModule',
  method: 'burned_register',
  args: { netuid: 1, hotkey },
});

// [values, what subtensor stores]: the first is the example where an integer half-up rounding
// (the local chain's old copy) gives 32768; the others are consensus.md §9.3's examples.
const CASES: [number[], number[]][] = [
  [
    [16394, 32788],
    [32767, 65535],
  ],
  [
    [30000, 10000],
    [65535, 21845],
  ],
  [
    [1, 2],
    [32768, 65535],
  ],
  [
    [0, 0],
    [0, 0],
  ],
];
// further pairs where the two roundings disagree (found by comparing both over all pairs)
const DISAGREEING: number[][] = [
  [21846, 43692],
  [54520, 56400],
  [20262, 40524],
  [44253, 50886],
];

describe('set_weights max-upscale', () => {
  it('stores the rows subtensor stores', async () => {
    const c = await createLocalChain({
      blockTime: 'manual',
      genesis: devGenesis({
        subnets: 1,
        hyperparameters: { tempo: 10, weightsRateLimit: 0, commitRevealWeightsEnabled: false },
      }),
    });
    try {
      await include(c, dev.bob, reg(dev.minerHot.address));
      await include(c, dev.charlie, reg(dev.validatorHot.address));
      const stored = async (weights: number[]): Promise<number[]> => {
        await include(c, dev.ownerHot, {
          pallet: 'SubtensorModule',
          method: 'set_weights',
          args: { netuid: 1, dests: [1, 2], weights, versionKey: 0n },
        });
        const row = (await c.metagraph(1, { weights: true })).weights?.[0] ?? [];
        expect(row.map(([uid]) => uid)).toEqual([1, 2]);
        return row.map(([, w]) => w);
      };
      for (const [values, expected] of CASES) {
        expect(maxUpscaleU16(values)).toEqual(expected);
        expect(await stored(values)).toEqual(expected);
      }
      for (const values of DISAGREEING) expect(await stored(values)).toEqual(maxUpscaleU16(values));
    } finally {
      await c.close();
    }
  });
});
