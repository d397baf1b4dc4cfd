/**
 * Synthetic subnets for benchmarks and property tests: seeded, with a shared notion of miner
 * quality so validators roughly agree (consensus is non-trivial) and bonds carry between epochs.
 */
import { createRandom } from '../util/random.js';
import {
  DEFAULT_EPOCH_HYPERPARAMETERS,
  type EpochHyperparameters,
  type EpochInput,
  type SparseRowU16,
} from './types.js';
import { maxUpscaleU16 } from './weights.js';

/** Shape of a synthetic subnet. */
export interface SyntheticSubnetOptions {
  n: number;
  validators: number;
  /** Fraction of uids each validator weights (1 = full rows). */
  density: number;
  seed?: string | number;
  hyperparameters?: Partial<EpochHyperparameters>;
}

/** Builds an epoch input: uids 0 … validators−1 are staked validators with permits, the rest miners. */
export function syntheticEpochInput(opts: SyntheticSubnetOptions): EpochInput {
  const rnd = createRandom(opts.seed ?? 'consensus-synthetic');
  const { n, validators } = opts;
  const block = 100_000n;
  const quality = Array.from({ length: n }, () => rnd.next());
  const stake = Array.from({ length: n }, (_, i) =>
    i < validators ? BigInt(rnd.int(1_000, 1_000_000)) * 1_000_000_000n : BigInt(rnd.int(0, 1_000_000)),
  );
  const taoStake = Array.from({ length: n }, (_, i) => (i < validators ? BigInt(rnd.int(0, 100_000)) * 10n ** 9n : 0n));
  const weights: SparseRowU16[] = Array.from({ length: n }, (_, i) => {
    if (i >= validators) return [];
    const dests: number[] = [];
    // sparse rows favour good miners, so validators overlap as on a live subnet
    for (let j = 0; j < n; j++) {
      if (opts.density >= 1 || rnd.next() < opts.density * 2 * (quality[j] as number)) dests.push(j);
    }
    const values = dests.map((j) =>
      Math.max(0, Math.min(65535, Math.round((quality[j] as number) * 60000 + rnd.int(0, 5535)))),
    );
    const up = maxUpscaleU16(values);
    return dests.map((j, k) => [j, up[k] as number] as [number, number]);
  });
  return {
    n,
    block,
    emission: 1_000_000_000n * 360n,
    ownerUid: null,
    hyperparameters: { ...DEFAULT_EPOCH_HYPERPARAMETERS, maxAllowedValidators: validators, ...opts.hyperparameters },
    stake,
    taoStake,
    weights,
    bonds: Array.from({ length: n }, () => []),
    validatorPermit: Array.from({ length: n }, (_, i) => i < validators),
    lastUpdate: Array.from({ length: n }, () => block - BigInt(rnd.int(1, 400))),
    blockAtRegistration: Array.from({ length: n }, () => BigInt(rnd.int(0, 50_000))),
    commitBlock: Array.from({ length: n }, () => null),
  };
}
