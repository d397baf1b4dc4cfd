/**
 * The SDK's conversions of chain values into metagraph form (`weight_utils.py`, `metagraph.py`):
 * sparse weight / root-weight / bond rows into dense rows, and emission rao into TAO.
 * Weight rows are computed in float32 as numpy does; values are returned as plain numbers.
 */
import { SubnetkitError } from '../errors/subnetkit-error.js';

function bad(message: string, details: Record<string, unknown> = {}): SubnetkitError {
  return new SubnetkitError('SK_PROTOCOL_BAD_WEIGHTS', message, details);
}

function checkN(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw bad(`a row length must be a non-negative integer, got ${n}`);
}

function column(uid: number, n: number): number {
  // numpy would wrap a negative index; chain uids are u16, so a negative one is a caller bug
  if (!Number.isInteger(uid) || uid < 0 || uid >= n) {
    throw bad(`uid ${uid} is out of range for a row of ${n}`, { uid, n });
  }
  return uid;
}

/** float32 row divided by its float32 sum; an all-zero row stays zero. */
function normalise32(row: number[]): number[] {
  let sum = 0;
  for (const v of row) sum = Math.fround(sum + v);
  return sum > 0 ? row.map((v) => Math.fround(v / sum)) : row;
}

/**
 * SDK `convert_weight_uids_and_vals_to_tensor`: the chain's sparse `(uid, u16)` pairs of one
 * validator as a dense row of `n` floats summing to 1 (all zero stays zero). Pairs are zipped to the
 * shorter list. Throws `SK_PROTOCOL_BAD_WEIGHTS` when a uid is not below `n` or `n` is negative.
 */
export function weightRowToDense(n: number, uids: readonly number[], weights: readonly number[]): number[] {
  checkN(n);
  const row = new Array<number>(n).fill(0);
  const m = Math.min(uids.length, weights.length);
  for (let i = 0; i < m; i++) row[column(uids[i] as number, n)] = Math.fround(weights[i] as number);
  return normalise32(row);
}

/**
 * SDK `convert_root_weight_uids_and_vals_to_tensor`: a root-network row, whose uids are netuids.
 * Column = position of the netuid in `subnets`; netuids not in `subnets` are skipped (reported to
 * `onSkip`, where the SDK logs a warning). Normalised like {@link weightRowToDense}.
 */
export function rootWeightRowToDense(
  n: number,
  uids: readonly number[],
  weights: readonly number[],
  subnets: readonly number[],
  onSkip?: (netuid: number) => void,
): number[] {
  checkN(n);
  const index = new Map<number, number>();
  subnets.forEach((netuid, i) => {
    if (!index.has(netuid)) index.set(netuid, i);
  });
  const row = new Array<number>(n).fill(0);
  const m = Math.min(uids.length, weights.length);
  for (let i = 0; i < m; i++) {
    const netuid = uids[i] as number;
    const at = index.get(netuid);
    if (at === undefined) onSkip?.(netuid);
    else row[column(at, n)] = Math.fround(weights[i] as number);
  }
  return normalise32(row);
}

/**
 * SDK `convert_bond_uids_and_vals_to_tensor`: a bond row as raw integers (not normalised).
 * Throws `SK_PROTOCOL_BAD_WEIGHTS` when a uid is not below `n` or `n` is negative.
 */
export function bondRowToDense(n: number, uids: readonly number[], bonds: readonly number[]): number[] {
  checkN(n);
  const row = new Array<number>(n).fill(0);
  const m = Math.min(uids.length, bonds.length);
  for (let i = 0; i < m; i++) row[column(uids[i] as number, n)] = Math.trunc(bonds[i] as number);
  return row;
}

/** SDK `NeuronInfoLite.emission`: chain emission in rao ÷ 1e9 (TAO, float64). */
export function emissionToTao(rao: bigint | number): number {
  return Number(rao) / 1e9;
}
