/** §4.3 Validator permits (old, from storage; new, `topk_nonzero`) and §4.4 active stake. */
import { normalizeInPlace } from '../csr.js';

/** Stored permits padded with false, with the owner's (`owner ≥ 0`) forced on. */
export function oldPermits(n: number, stored: readonly boolean[], owner: number): boolean[] {
  const out = new Array<boolean>(n);
  for (let i = 0; i < n; i++) out[i] = i < stored.length ? (stored[i] as boolean) : false;
  if (owner >= 0) out[owner] = true;
  return out;
}

/**
 * `topk_nonzero(stake, k)` then the owner's permit: the n − k lowest stakes (ties: lower uid
 * first, a stable sort) lose theirs, and zero stake never holds one.
 */
export function newPermits(stake: Float64Array, k: number, owner: number): boolean[] {
  const n = stake.length;
  const permit = new Array<boolean>(n);
  for (let i = 0; i < n; i++) permit[i] = stake[i] !== 0;
  if (n >= k) {
    let maxStake = 0;
    let minStake = 0;
    for (let i = 0; i < n; i++) {
      const x = stake[i] as number;
      if (x > maxStake) maxStake = x;
      if (x < minStake) minStake = x;
    }
    if (minStake >= 0 && (maxStake + 1) * n < Number.MAX_SAFE_INTEGER) {
      // sort keys stake·n + uid natively (exact here): ascending stake, ties by uid
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = (stake[i] as number) * n + i;
      keys.sort();
      for (let t = 0; t < n - k; t++) permit[(keys[t] as number) % n] = false;
    } else {
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (stake[a] as number) - (stake[b] as number));
      for (let t = 0; t < n - k; t++) permit[order[t] as number] = false;
    }
  }
  if (owner >= 0) permit[owner] = true;
  return permit;
}

/** §4.4 `normalize(stake where active and permitted, else 0)`. */
export function activeStake(
  stake: Float64Array,
  active: readonly boolean[],
  permitOld: readonly boolean[],
): Float64Array {
  const n = stake.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = active[i] && permitOld[i] ? (stake[i] as number) : 0;
  normalizeInPlace(out);
  return out;
}
