/**
 * §4.1 Activity: the cutoff and the active mask, plus the epoch's block numbers as plain numbers
 * that compare like the u64 originals (every later mask only compares blocks).
 */
import type { EpochHyperparameters } from '../types.js';

const U64_MAX = (1n << 64n) - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The activity cutoff in blocks. */
export function activityCutoff(hp: EpochHyperparameters): bigint {
  if (hp.activityCutoffBlocks !== null) return hp.activityCutoffBlocks;
  const c = (BigInt(hp.activityCutoffFactorMilli) * BigInt(hp.tempo)) / 1000n;
  return c < 1n ? 1n : c;
}

/** `active[i] = not (sat_add_u64(last_update[i], cutoff) < block)`; missing entries read as 0. */
export function activeMask(n: number, lastUpdate: readonly bigint[], cutoff: bigint, block: bigint): boolean[] {
  // inactive ⇔ min(last_update + cutoff, u64::MAX) < block ⇔ last_update < block − cutoff
  const threshold = block - cutoff;
  const active = new Array<boolean>(n);
  if (threshold <= MAX_SAFE && threshold >= -MAX_SAFE) {
    const thr = Number(threshold);
    for (let i = 0; i < n; i++) {
      const u = i < lastUpdate.length ? (lastUpdate[i] as bigint) : 0n;
      active[i] = u > MAX_SAFE ? true : !(Number(u) < thr);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const u = (i < lastUpdate.length ? (lastUpdate[i] as bigint) : 0n) + cutoff;
      active[i] = !((u > U64_MAX ? U64_MAX : u) < block);
    }
  }
  return active;
}

/** Block numbers as numbers that compare the same way as the u64 originals. */
export interface EpochBlocks {
  lastUpdate: Float64Array;
  registration: Float64Array;
  /** earliest unexpired commit; "none" (u64::MAX) compares above every block */
  commit: Float64Array;
  lastTempo: number;
}

function pad<T>(xs: readonly T[] | undefined, n: number, fill: T): T[] {
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = xs !== undefined && i < xs.length ? (xs[i] as T) : fill;
  return out;
}

/** Values replaced by their ranks among all values (same comparisons, exact for any u64). */
function ranked(groups: bigint[][]): number[][] {
  const sorted = [...new Set(groups.flat())].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Map<bigint, number>(sorted.map((v, i) => [v, i]));
  return groups.map((g) => g.map((v) => rank.get(v) as number));
}

/**
 * The epoch's block numbers. Fast path: every value below 2^53, with "no commit" as Infinity;
 * otherwise ranks among all values.
 */
export function epochBlocks(
  n: number,
  lastUpdate: readonly bigint[],
  registration: readonly bigint[],
  commitBlock: readonly (bigint | null)[],
  lastTempo: bigint,
): EpochBlocks {
  const lu = new Float64Array(n);
  const reg = new Float64Array(n);
  const commit = new Float64Array(n);
  let small = lastTempo <= MAX_SAFE;
  for (let i = 0; i < n && small; i++) {
    const u = i < lastUpdate.length ? (lastUpdate[i] as bigint) : 0n;
    const r = i < registration.length ? (registration[i] as bigint) : 0n;
    const c = i < commitBlock.length ? commitBlock[i] : null;
    if (u > MAX_SAFE || r > MAX_SAFE || (c !== null && c !== undefined && c > MAX_SAFE)) small = false;
    lu[i] = Number(u);
    reg[i] = Number(r);
    commit[i] = c === null || c === undefined ? Number.POSITIVE_INFINITY : Number(c);
  }
  if (small) return { lastUpdate: lu, registration: reg, commit, lastTempo: Number(lastTempo) };
  const commitBig = pad<bigint | null>(commitBlock, n, null).map((c) => (c === null ? U64_MAX : c));
  const [a, b, c, d] = ranked([pad(lastUpdate, n, 0n), pad(registration, n, 0n), commitBig, [lastTempo]]) as [
    number[],
    number[],
    number[],
    number[],
  ];
  return {
    lastUpdate: Float64Array.from(a),
    registration: Float64Array.from(b),
    commit: Float64Array.from(c),
    lastTempo: d[0] as number,
  };
}
