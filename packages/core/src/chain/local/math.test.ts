import { decodeAddress } from '@polkadot/util-crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxUpscaleU16 } from '../../consensus/weights.js';
import { weightCommitHash } from '../codec/commit-hash.js';
import {
  blockEmissionFor,
  bumpBurn,
  burnDecayFactorQ32,
  decayBurn,
  MAX_ISSUANCE,
  networkLockCost,
  swapOut,
} from './math.js';

const TAO = 1_000_000_000n;

describe('emission and halvings', () => {
  it('halves each time half of the remaining supply is issued', () => {
    expect(blockEmissionFor(0n)).toBe(TAO);
    expect(blockEmissionFor(10_500_000n * TAO - 1n)).toBe(TAO);
    expect(blockEmissionFor(10_500_000n * TAO)).toBe(TAO / 2n);
    expect(blockEmissionFor(15_750_000n * TAO)).toBe(TAO / 4n);
    expect(blockEmissionFor(MAX_ISSUANCE)).toBe(0n);
  });
  it('never mints past the cap', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_ISSUANCE }), (i) => {
        const e = blockEmissionFor(i);
        return e >= 0n && i + e <= MAX_ISSUANCE && e <= TAO;
      }),
    );
  });
});

describe('burn price', () => {
  it('decays by half over the half-life and is the largest such Q32 factor', () => {
    const f = burnDecayFactorQ32(360);
    expect(f ** 360n <= (1n << (32n * 360n)) / 2n).toBe(true);
    expect((f + 1n) ** 360n > (1n << (32n * 360n)) / 2n).toBe(true);
    let burn = 100n * TAO;
    for (let i = 0; i < 360; i++) burn = decayBurn(burn, 360, 0n, 1000n * TAO);
    expect(Number(burn) / Number(50n * TAO)).toBeGreaterThan(0.999);
    expect(burn).toBeLessThanOrEqual(50n * TAO);
  });
  it('bumps by 1.26 per registration within [min, max]', () => {
    expect(bumpBurn(TAO, (126n << 64n) / 100n, 0n, 100n * TAO)).toBe(1_259_999_999n);
    expect(bumpBurn(99n * TAO, (126n << 64n) / 100n, 0n, 100n * TAO)).toBe(100n * TAO);
  });
});

describe('lock cost', () => {
  it('doubles after a registration and falls linearly to the minimum', () => {
    const p = { lastLock: 1000n * TAO, minLock: 1000n * TAO, reductionInterval: 100_800, blockEmission: TAO };
    expect(networkLockCost({ ...p, lastLockBlock: 0, now: 5 })).toBe(1000n * TAO);
    expect(networkLockCost({ ...p, lastLockBlock: 10, now: 10 })).toBe(2000n * TAO);
    const mid = networkLockCost({ ...p, lastLockBlock: 10, now: 10 + 50_400 });
    expect(mid).toBeLessThan(2000n * TAO);
    expect(mid).toBeGreaterThan(1000n * TAO);
    expect(networkLockCost({ ...p, lastLockBlock: 10, now: 10 + 200_000 })).toBe(1000n * TAO);
  });
});

describe('weights', () => {
  // set_weights uses the consensus module's max-upscale (see max-upscale.test.ts for the chain)
  it('max-upscales so the largest is 65535 and order is kept', () => {
    expect(maxUpscaleU16([1, 2])).toEqual([32768, 65535]);
    expect(maxUpscaleU16([0, 0])).toEqual([0, 0]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 30 }), (xs) => {
        const ys = maxUpscaleU16(xs);
        if (Math.max(...xs) > 0 && Math.max(...ys) !== 65535) return false;
        for (let i = 0; i < xs.length; i++)
          for (let j = 0; j < xs.length; j++)
            if ((xs[i] as number) < (xs[j] as number) && (ys[i] as number) > (ys[j] as number)) return false;
        return true;
      }),
    );
  });
  // vectors from /work/shared/vectors/protocol/weight_utils.json (generate_weight_hash), copied here
  it('computes the commit hash of the SDK and the chain', () => {
    const alice = decodeAddress('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
    expect(weightCommitHash(alice, 1, [1, 2], [10, 20], [1, 2], 80000n)).toBe(
      '0xbc34037863b75a0d5c52dcf3c163485c91cf905d6a8bdf5e70ed7dc4378ed199',
    );
    const bob = decodeAddress('5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty');
    expect(weightCommitHash(bob, 300, [], [], [], 0n)).toBe(
      '0xfc5a6a5833ca23bfce645de627832b2fece35c145e4eeb8caddb08554f83f847',
    );
  });
});

describe('pool', () => {
  it('constant product never pays out the whole reserve', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 18n }),
        fc.bigInt({ min: 1n, max: 10n ** 18n }),
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        (x, y, d) => {
          const out = swapOut(x, y, d);
          return out >= 0n && out < y && (x + d) * (y - out) >= x * y;
        },
      ),
    );
  });
});
