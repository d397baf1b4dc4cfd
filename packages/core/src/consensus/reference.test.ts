import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../util/random.js';
import { runEpoch } from './epoch.js';
import { referenceEpoch } from './reference.test-helper.js';
import { DEFAULT_EPOCH_HYPERPARAMETERS, type EpochInput, type EpochOutput, type SparseRowU16 } from './types.js';

/**
 * Random subnets with mostly dense weight rows (the fast paths: dense column median, merged EMA
 * walks, pooled buffers), every hyperparameter the epoch reads drawn at random, and bonds from a
 * previous epoch. Rows are sometimes unsorted and sometimes hold zeros, as storage allows.
 */
const subnetArb = fc
  .record({
    n: fc.integer({ min: 1, max: 20 }),
    validatorShare: fc.double({ min: 0.1, max: 1, noNaN: true }),
    density: fc.constantFrom(1, 1, 1, 0.5, 0.15),
    seed: fc.integer(),
    yuma3: fc.boolean(),
    liquidAlpha: fc.boolean(),
    bondsPenalty: fc.oneof(fc.constantFrom(0, 65535), fc.nat(65535)),
    kappa: fc.oneof(fc.constant(32767), fc.nat(65535)),
    bondsMovingAverage: fc.oneof(fc.constant(900_000n), fc.bigInt({ min: 0n, max: 1_000_000n })),
    alphaLow: fc.integer({ min: 1638, max: 65535 }),
    alphaSpan: fc.nat(65535),
    steepness: fc.integer({ min: -32768, max: 32767 }),
    maxValidators: fc.integer({ min: 1, max: 24 }),
    threshold: fc.constantFrom(0n, 10n ** 12n, 10n ** 14n),
    owner: fc.option(fc.nat(19)),
    commitReveal: fc.boolean(),
    unsorted: fc.boolean(),
    // few distinct weights and stakes: ties in scores, clipping at equality, equal stakes at the permit cut
    coarse: fc.boolean(),
    emission: fc.bigInt({ min: 0n, max: 10n ** 13n }),
  })
  .map((p): EpochInput => {
    const rnd = createRandom(p.seed);
    const { n } = p;
    const validators = Math.max(1, Math.round(n * p.validatorShare));
    const block = 10_000n;
    const u16 = (): number => (rnd.next() < 0.05 ? 0 : p.coarse ? rnd.int(0, 4) * 16383 : rnd.int(0, 65535));
    const coins = (max: number): bigint => BigInt(p.coarse ? rnd.int(0, 3) * Math.floor(max / 3) : rnd.int(0, max));
    const rows = (): SparseRowU16[] =>
      Array.from({ length: n }, (_, i) => {
        if (i >= validators) return [];
        const row: SparseRowU16 = [];
        for (let j = 0; j < n; j++) if (p.density >= 1 || rnd.next() < p.density) row.push([j, u16()]);
        if (p.unsorted && rnd.next() < 0.3) row.reverse();
        return row;
      });
    return {
      n,
      block,
      emission: p.emission,
      ownerUid: p.owner,
      hyperparameters: {
        ...DEFAULT_EPOCH_HYPERPARAMETERS,
        yuma3: p.yuma3,
        liquidAlpha: p.liquidAlpha,
        bondsPenalty: p.bondsPenalty,
        kappa: p.kappa,
        bondsMovingAverage: p.bondsMovingAverage,
        alphaLow: p.alphaLow,
        alphaHigh: Math.min(65535, p.alphaLow + p.alphaSpan),
        alphaSigmoidSteepness: p.steepness,
        maxAllowedValidators: p.maxValidators,
        stakeThreshold: p.threshold,
        commitReveal: p.commitReveal,
        tempo: 100,
        lastMechanismStepBlock: block - 100n,
      },
      stake: Array.from({ length: n }, (_, i) =>
        i < validators ? coins(1_000_000) * 10n ** 9n : coins(1000) * 10n ** 9n,
      ),
      taoStake: Array.from({ length: n }, () => (rnd.next() < 0.5 ? 0n : BigInt(rnd.int(0, 100_000)) * 10n ** 9n)),
      weights: rows(),
      bonds: rows(),
      validatorPermit: Array.from({ length: n }, (_, i) => i < validators && rnd.next() < 0.9),
      lastUpdate: Array.from({ length: n }, () => block - BigInt(rnd.int(0, 6000))),
      blockAtRegistration: Array.from({ length: n }, () => BigInt(rnd.int(0, 10_000))),
      commitBlock: Array.from({ length: n }, () => (rnd.next() < 0.3 ? null : block - BigInt(rnd.int(0, 3000)))),
    };
  });

/** The storage-visible fields (intermediates aside). */
const visible = (o: EpochOutput): EpochOutput => ({ ...o, intermediates: undefined });

describe('runEpoch against the straightforward reference (consensus.md §4, bigint)', () => {
  it('gives the same outputs on random dense subnets, over two epochs', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(subnetArb, (input) => {
        const fast = runEpoch(input);
        expect(visible(fast)).toEqual(visible(referenceEpoch(input)));
        // the second epoch reads the bonds and permits the first one wrote
        const next: EpochInput = {
          ...input,
          block: input.block + 100n,
          hyperparameters: { ...input.hyperparameters, lastMechanismStepBlock: input.block },
          bonds: fast.bondsU16,
          validatorPermit: fast.validatorPermitNew,
        };
        expect(visible(runEpoch(next))).toEqual(visible(referenceEpoch(next)));
      }),
      { numRuns: 150 },
    );
  });

  it('agrees with the reference on a 96-uid subnet with 72 dense validators and liquid alpha (bracketed medians)', () => {
    const rnd = createRandom('reference-96');
    const n = 96;
    const v = 72;
    const input: EpochInput = {
      n,
      block: 5000n,
      emission: 10n ** 12n,
      ownerUid: 3,
      hyperparameters: { ...DEFAULT_EPOCH_HYPERPARAMETERS, liquidAlpha: true, maxAllowedValidators: v },
      stake: Array.from({ length: n }, (_, i) => (i < v ? BigInt(rnd.int(1, 10 ** 6)) * 10n ** 9n : 0n)),
      taoStake: [],
      weights: Array.from({ length: n }, (_, i) =>
        i < v ? Array.from({ length: n }, (_, j) => [j, rnd.int(0, 65535)] as [number, number]) : [],
      ),
      bonds: Array.from({ length: n }, (_, i) =>
        i < v ? Array.from({ length: n }, (_, j) => [j, rnd.int(0, 20000)] as [number, number]) : [],
      ),
      validatorPermit: Array.from({ length: n }, (_, i) => i < v),
      lastUpdate: Array.from({ length: n }, () => 4990n),
      blockAtRegistration: Array.from({ length: n }, () => 10n),
      commitBlock: [],
    };
    const fast = runEpoch(input);
    expect(fast.consensusU16.some((c) => c > 0)).toBe(true);
    expect(visible(fast)).toEqual(visible(referenceEpoch(input)));
  });
});
