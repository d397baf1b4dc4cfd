/** §4.13 Emission vectors: server, validator and combined shares, and their rao. */
import { normalizeInPlace } from '../csr.js';
import { divI32 } from '../fast-fixed.js';

const U64_MAX = (1n << 64n) - 1n;

export interface EmissionVectors {
  /** normalised server, validator and combined shares (I32F32 raws) */
  nse: Float64Array;
  nve: Float64Array;
  nce: Float64Array;
  serverEmission: bigint[];
  validatorEmission: bigint[];
  emission: bigint[];
}

/** `rao(x) = clamp(floor(x̂ · emission / 2^32), 0, 2^64 − 1)`. */
export function raoOf(x: number, emission: bigint): bigint {
  if (x <= 0 || emission === 0n) return 0n;
  const r = (BigInt(x) * emission) >> 32n;
  return r > U64_MAX ? U64_MAX : r;
}

/**
 * Shares of `incentive + dividends`; with no incentive and no dividends everything goes by active
 * stake (or by stake when no uid has active stake).
 */
export function emissionVectors(
  incentive: Float64Array,
  dividends: Float64Array,
  activeStake: Float64Array,
  stake: Float64Array,
  emission: bigint,
): EmissionVectors {
  const n = incentive.length;
  const combined = new Float64Array(n);
  let emissionSum = 0;
  for (let i = 0; i < n; i++) {
    combined[i] = (incentive[i] as number) + (dividends[i] as number);
    emissionSum += combined[i] as number;
  }
  const nse = incentive.slice();
  let nve = dividends.slice();
  let nce = combined;
  if (emissionSum !== 0) {
    for (let i = 0; i < n; i++) {
      nse[i] = divI32(incentive[i] as number, emissionSum);
      nve[i] = divI32(dividends[i] as number, emissionSum);
    }
  }
  normalizeInPlace(nce);
  if (emissionSum === 0) {
    let activeSum = 0;
    for (let i = 0; i < n; i++) activeSum += activeStake[i] as number;
    const base = activeSum === 0 ? stake : activeStake;
    nve = base.slice();
    nce = base.slice();
  }
  const serverEmission = new Array<bigint>(n);
  const validatorEmission = new Array<bigint>(n);
  const rao = new Array<bigint>(n);
  for (let i = 0; i < n; i++) {
    serverEmission[i] = raoOf(nse[i] as number, emission);
    validatorEmission[i] = raoOf(nve[i] as number, emission);
    rao[i] = raoOf(nce[i] as number, emission);
  }
  return { nse, nve, nce, serverEmission, validatorEmission, emission: rao };
}
