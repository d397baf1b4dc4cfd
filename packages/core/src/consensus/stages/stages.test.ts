import { describe, expect, it } from 'vitest';
import { RowScratch, rowsToCsr } from '../csr.js';
import { packRows, unpackRows } from '../packed.js';
import { DEFAULT_EPOCH_HYPERPARAMETERS, type EpochHyperparameters } from '../types.js';
import { activeMask, activityCutoff, epochBlocks } from './activity.js';
import { weightsForBonds } from './bonds-penalty.js';
import { clipWeights } from './clipping.js';
import { consensus } from './consensus.js';
import { fixedBondsAlpha, fixedRateEma } from './ema.js';
import { emissionVectors } from './emission.js';
import { incentive, ranks } from './incentive.js';
import { storedBonds, toU16 } from './outputs.js';
import { activeStake, newPermits, oldPermits } from './permits.js';
import { stakeVector } from './stake-vector.js';
import { lastTempo, readBonds } from './stale-bonds.js';
import { maskedWeights } from './weights.js';
import { yuma3Dividends } from './yuma3.js';

// consensus.md §8, the worked example: each stage on its own, against the raws the document lists
// (uids 0 and 1 validate with 3·10^9 and 10^9 alpha, uids 2 and 3 mine; block 1080; TaoWeight 0).
const hp: EpochHyperparameters = { ...DEFAULT_EPOCH_HYPERPARAMETERS, taoWeight: 0n };
const n = 4;
const block = 1080n;
const lastUpdate = [1000n, 1000n, 100n, 100n];
const registration = [100n, 100n, 100n, 100n];
const blocks = epochBlocks(n, lastUpdate, registration, [], lastTempo(hp, block));
const weights: [number, number][][] = [
  [
    [2, 65535],
    [3, 21845],
  ],
  [
    [2, 32768],
    [3, 65535],
  ],
  [],
  [],
];
const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);

describe('epoch stages on the worked example (consensus.md §8)', () => {
  const stake = f64([3221225472, 1073741824, 0, 0]);
  const W = maskedWeights(n, packRows(weights), [true, true, false, false], -1, blocks, false);
  const cons = f64([0, 0, 3221225472, 1073741824]);
  const { Wc, validatorTrust } = clipWeights(W, cons);

  it('§4.1 activity: cutoff 5000, everyone active', () => {
    expect(activityCutoff(hp)).toBe(5000n);
    expect(activeMask(n, lastUpdate, 5000n, block)).toEqual([true, true, true, true]);
    expect(activeMask(n, lastUpdate, 10n, block)).toEqual([false, false, false, false]);
  });

  it('§4.2 stake: exactly 0.75 and 0.25', () => {
    const s = stakeVector(n, [3n * 10n ** 9n, 10n ** 9n, 0n, 0n], [], 0n, 0n, -1);
    expect(Array.from(s.stake)).toEqual(Array.from(stake));
    expect(toU16(s.stake)).toEqual([49151, 16383, 0, 0]);
    // below the threshold the stake leaves the vector; the owner is exempt
    const t = stakeVector(n, [3n * 10n ** 9n, 10n ** 9n, 0n, 0n], [], 0n, 2n * 10n ** 9n, 1);
    expect(t.stake[0]).toBeGreaterThan(0);
    expect(t.stake[1]).toBeGreaterThan(0);
    expect(stakeVector(n, [3n * 10n ** 9n, 10n ** 9n], [], 0n, 2n * 10n ** 9n, -1).stake[1]).toBe(0);
  });

  it('§4.3 permits: top k by stake, ties lose by lower uid, no permit without stake', () => {
    expect(newPermits(stake, 64, -1)).toEqual([true, true, false, false]);
    expect(newPermits(stake, 1, -1)).toEqual([true, false, false, false]);
    expect(newPermits(f64([5, 5, 5, 0]), 2, -1)).toEqual([false, true, true, false]);
    expect(newPermits(f64([5, 5, 5, 0]), 2, 3)).toEqual([false, true, true, true]);
    expect(oldPermits(n, [true], 2)).toEqual([true, false, true, false]);
  });

  it('§4.4 active stake: inactive or unpermitted uids drop out, the rest renormalise', () => {
    expect(Array.from(activeStake(stake, [true, true, true, true], [true, true, false, false]))).toEqual(
      Array.from(stake),
    );
    expect(Array.from(activeStake(stake, [false, true, true, true], [true, true, false, false]))).toEqual([
      0, 4294967296, 0, 0,
    ]);
  });

  it('§4.5 weights: row-normalised raws; masks drop self and outdated weights', () => {
    expect(Array.from(W.val)).toEqual([3221225472, 1073741824, 1431670329, 2863296966]);
    expect(Array.from(W.ptr)).toEqual([0, 2, 4, 4, 4]);
    const self = maskedWeights(
      n,
      packRows([
        [
          [0, 100],
          [2, 100],
        ],
        [],
        [],
        [],
      ]),
      [true, true, false, false],
      -1,
      blocks,
      false,
    );
    expect(Array.from(self.col)).toEqual([2]);
    const late = epochBlocks(n, lastUpdate, [100n, 100n, 1000n, 100n], [], 979n);
    const outdated = maskedWeights(n, packRows(weights), [true, true, false, false], -1, late, false);
    expect(Array.from(outdated.col)).toEqual([3, 3]);
  });

  it('§4.6 consensus: the stake-weighted median of each column', () => {
    expect(Array.from(consensus(W, stake, hp.kappa))).toEqual(Array.from(cons));
  });

  it('§4.7 clipping: uid 1’s weight on uid 3 is clipped to consensus; trust is the row sum', () => {
    expect(Array.from(Wc.val)).toEqual([3221225472, 1073741824, 1431670329, 1073741824]);
    expect(Array.from(validatorTrust)).toEqual([4294967296, 2505412153, 0, 0]);
  });

  it('§4.8 ranks and incentive', () => {
    const rank = ranks(Wc, stake);
    expect(Array.from(rank)).toEqual([0, 0, 2773836686, 1073741824]);
    expect(Array.from(incentive(rank))).toEqual([0, 0, 3096372905, 1198594390]);
  });

  it('§4.9 weights for bonds: W at penalty 0, Wc at 65535, in between per cell', () => {
    const scratch = new RowScratch(n);
    expect(weightsForBonds(W, Wc, 0, scratch)).toBe(W);
    expect(weightsForBonds(W, Wc, 65535, scratch)).toBe(Wc);
    const half = weightsForBonds(W, Wc, 32768, scratch);
    // only uid 1's clipped cell differs: W + β(Wc − W) lies between the two
    expect(Array.from(half.val.subarray(0, 3))).toEqual([3221225472, 1073741824, 1431670329]);
    expect(half.val[3]).toBeGreaterThan(1073741824);
    expect(half.val[3]).toBeLessThan(2863296966);
  });

  it('§4.10 stale bonds: bonds towards a uid registered since the last epoch are dropped', () => {
    const stored: [number, number][][] = [
      [
        [2, 4915],
        [3, 1638],
      ],
      [],
      [],
      [],
    ];
    const fresh = readBonds(n, packRows(stored), blocks, 980n, true);
    expect(Array.from(fresh.col)).toEqual([2, 3]);
    const reregistered = epochBlocks(n, lastUpdate, [100n, 100n, 100n, 1050n], [], 1000n);
    expect(Array.from(readBonds(n, packRows(stored), reregistered, 1000n, true).col)).toEqual([2]);
  });

  it('§4.11 fixed-rate EMA and dividends', () => {
    const alpha = fixedBondsAlpha(hp.bondsMovingAverage);
    expect(alpha).toBe(429496730);
    const ema = fixedRateEma(Wc, rowsToCsr([[], [], [], []], n), alpha, new RowScratch(n));
    expect(Array.from(ema.val)).toEqual([322122547, 107374182, 143167033, 107374182]);
    expect(unpackRows(storedBonds(ema, [true, true, false, false]))).toEqual([
      [
        [2, 4915],
        [3, 1638],
      ],
      [
        [2, 2184],
        [3, 1638],
      ],
      [],
      [],
    ]);
    expect(unpackRows(storedBonds(ema, [true, false, false, false]))[1]).toEqual([]);
    const dividends = yuma3Dividends(ema, f64([0, 0, 3096372905, 1198594390]), stake);
    expect(Array.from(dividends)).toEqual([3613436915, 681530380, 0, 0]);
  });

  it('§4.13 emission vectors', () => {
    const e = emissionVectors(
      f64([0, 0, 3096372905, 1198594390]),
      f64([3613436915, 681530380, 0, 0]),
      stake,
      stake,
      10n ** 9n,
    );
    expect(Array.from(e.nse)).toEqual([0, 0, 1548186452, 599297195]);
    expect(Array.from(e.nve)).toEqual([1806718457, 340765190, 0, 0]);
    expect(e.serverEmission).toEqual([0n, 0n, 360465248n, 139534751n]);
    expect(e.validatorEmission).toEqual([420659421n, 79340578n, 0n, 0n]);
    expect(e.emission).toEqual([420659421n, 79340578n, 360465248n, 139534751n]);
    // nothing earned: everything by active stake
    const idle = emissionVectors(f64([0, 0, 0, 0]), f64([0, 0, 0, 0]), stake, stake, 10n ** 9n);
    expect(idle.serverEmission).toEqual([0n, 0n, 0n, 0n]);
    expect(idle.validatorEmission).toEqual([750000000n, 250000000n, 0n, 0n]);
  });
});
