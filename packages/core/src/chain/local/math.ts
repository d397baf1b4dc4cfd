/** 21,000,000 TAO in rao: the supply cap of TAO and of every subnet's alpha. */
export const MAX_ISSUANCE = 21_000_000_000_000_000n;
const RAO = 1_000_000_000n;
/** Fixed-point scale for prices and EMA prices (1e18 = 1.0). */
export const PRICE_ONE = 1_000_000_000_000_000_000n;

/**
 * Block emission for an issuance (TAO or a subnet's alpha): floor(1e9 / 2^k) with
 * k = floor(log2(S / (S − I))). Exact integer form of subtensor's fixed-point log2.
 */
export function blockEmissionFor(issuance: bigint): bigint {
  if (issuance >= MAX_ISSUANCE) return 0n;
  const remaining = MAX_ISSUANCE - (issuance < 0n ? 0n : issuance);
  let k = 0n;
  while (remaining << (k + 1n) <= MAX_ISSUANCE) k++;
  const emission = RAO >> k;
  // minting never passes the cap
  return emission > remaining ? remaining : emission;
}

const Q32 = 1n << 32n;
const decayCache = new Map<number, bigint>();

/** Largest Q32 factor f with f^halfLife ≤ 0.5 (the per-block burn decay), exact and cached. */
export function burnDecayFactorQ32(halfLife: number): bigint {
  const cached = decayCache.get(halfLife);
  if (cached !== undefined) return cached;
  const n = BigInt(Math.max(1, Math.floor(halfLife)));
  // f^n ≤ 2^(32n) / 2  ⇔  (F/2^32)^n ≤ 1/2; binary search over F in [0, 2^32)
  const bound = (1n << (32n * n)) >> 1n;
  // a float estimate narrows the exact search (big powers are costly for long half-lives)
  const estimate = BigInt(Math.floor(0.5 ** (1 / Number(n)) * 2 ** 32));
  let lo = estimate > 1n << 13n ? estimate - (1n << 13n) : 0n;
  let hi = estimate + (1n << 13n) < Q32 - 1n ? estimate + (1n << 13n) : Q32 - 1n;
  if (lo ** n > bound) lo = 0n;
  if (hi < Q32 - 1n && (hi + 1n) ** n <= bound) hi = Q32 - 1n;
  while (lo < hi) {
    const mid = (lo + hi + 1n) >> 1n;
    if (mid ** n <= bound) lo = mid;
    else hi = mid - 1n;
  }
  decayCache.set(halfLife, lo);
  return lo;
}

/** One block of burn decay, clamped to [min, max]. */
export function decayBurn(burn: bigint, halfLife: number, minBurn: bigint, maxBurn: bigint): bigint {
  return clamp((burn * burnDecayFactorQ32(halfLife)) >> 32n, minBurn, maxBurn);
}

/** The per-registration bump: burn × mult (U64F64 raw), clamped. */
export function bumpBurn(burn: bigint, multU64F64: bigint, minBurn: bigint, maxBurn: bigint): bigint {
  return clamp((burn * multU64F64) >> 64n, minBurn, maxBurn);
}

/** 1.26 as U64F64 raw bits, subtensor's default BurnIncreaseMult. */
export const DEFAULT_BURN_INCREASE_MULT = (126n << 64n) / 100n;

/** Network lock cost (§5.1): doubles after a registration, then falls linearly to the minimum. */
export function networkLockCost(p: {
  lastLock: bigint;
  lastLockBlock: number;
  now: number;
  minLock: bigint;
  reductionInterval: number;
  blockEmission: bigint;
}): bigint {
  const m = p.lastLockBlock !== 0 ? 2n : 1n;
  const r = (BigInt(p.reductionInterval) * p.blockEmission) / RAO;
  const perBlock = r > 0n ? p.lastLock / r : 0n;
  const cost = p.lastLock * m - perBlock * BigInt(Math.max(0, p.now - p.lastLockBlock));
  return cost > p.minLock ? cost : p.minLock;
}

/** Swap fee taken from the input: floor(amount · rate / 65535). */
export function swapFee(amount: bigint, feeRate: number): bigint {
  return (amount * BigInt(feeRate)) / 65535n;
}

/** Constant-product output for `net` input into reserves (in, out): floor(out·net/(in+net)). */
export function swapOut(reserveIn: bigint, reserveOut: bigint, net: bigint): bigint {
  if (net <= 0n || reserveIn + net <= 0n) return 0n;
  return (reserveOut * net) / (reserveIn + net);
}

/** Spot price (TAO per alpha) in 1e18 fixed point; 0 for an empty alpha reserve. */
export function spotPrice(taoIn: bigint, alphaIn: bigint): bigint {
  return alphaIn > 0n ? (taoIn * PRICE_ONE) / alphaIn : 0n;
}

/** Clamp for bigints. */
export function clamp(x: bigint, lo: bigint, hi: bigint): bigint {
  return x < lo ? lo : x > hi ? hi : x;
}
