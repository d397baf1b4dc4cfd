import { callKeysOf, type DevnetRuntime, type DispatchInfoJson } from './runtime.js';

/**
 * Transaction fees as subtensor's pallet-transaction-payment config computes them (chain.md §11):
 * `fee = base_fee + length_fee + weight_fee (+ tip)`, with `LengthToFee` the identity (1 rao per
 * byte), `WeightToFee` linear at 0.0005 rao per unit of ref_time (`LinearWeightToFee`,
 * `Perbill::from_parts(500_000)`), a constant fee multiplier of 1, and `base_fee` the weight fee of
 * the metadata's `BlockWeights.per_class.normal.base_extrinsic`. Calls subtensor marks `Pays::No`
 * (weights, commits, reveals, serving, and `sudo` by the sudo key) pay only their tip.
 *
 * Approximation: the dispatch weights below are one figure per call kind, of the order of
 * subtensor's benchmarks, not its benchmarked formulas (which depend on storage sizes).
 */

/** Dispatch weight (ref_time) per call, keyed `section.method` as polkadot-js names them. */
const CALL_WEIGHT: Record<string, bigint> = {
  'balances.transferKeepAlive': 190_000_000n,
  'balances.transferAllowDeath': 190_000_000n,
  'subtensorModule.addStake': 340_000_000n,
  'subtensorModule.removeStake': 340_000_000n,
  'subtensorModule.moveStake': 520_000_000n,
  'subtensorModule.transferStake': 520_000_000n,
  'subtensorModule.swapStake': 520_000_000n,
  'subtensorModule.unstakeAll': 600_000_000n,
  'subtensorModule.addStakeLimit': 360_000_000n,
  'subtensorModule.removeStakeLimit': 360_000_000n,
  'subtensorModule.burnedRegister': 410_000_000n,
  'subtensorModule.registerNetwork': 580_000_000n,
  'subtensorModule.registerNetworkWithIdentity': 600_000_000n,
  'subtensorModule.startCall': 120_000_000n,
  'subtensorModule.setSubnetIdentity': 120_000_000n,
  'utility.batch': 20_000_000n,
  'utility.batchAll': 20_000_000n,
  'utility.forceBatch': 20_000_000n,
  'system.remark': 2_000_000n,
  'system.remarkWithEvent': 10_000_000n,
};
/** Any other call the devnet applies (AdminUtils setters and the like). */
const DEFAULT_WEIGHT = 100_000_000n;

/** `Pays::No` calls (chain.md §7, §8.1; pallet-sudo refunds the sudo key's fee). */
const FREE_CALLS = new Set([
  'subtensorModule.setWeights',
  'subtensorModule.commitWeights',
  'subtensorModule.revealWeights',
  'subtensorModule.commitTimelockedWeights',
  'subtensorModule.commitTimelockedMechanismWeights',
  'subtensorModule.serveAxon',
  'sudo.sudo',
]);

/** Per-byte fee (`LengthToFee` = identity). */
const LENGTH_FEE_PER_BYTE = 1n;
/** `WeightToFee`: rao per unit of ref_time, as parts per billion. */
const WEIGHT_FEE_PPB = 500_000n;

/** What a client sees of a call's fee (`RuntimeDispatchInfo` / `FeeDetails`). */
export interface FeeQuote {
  /** The call's weight (base extrinsic weight included). */
  weight: { refTime: bigint; proofSize: bigint };
  paysFee: boolean;
  baseFee: bigint;
  lenFee: bigint;
  adjustedWeightFee: bigint;
  /** `base + len + weight` fee, tip excluded (`partialFee`); 0 for `Pays::No`. */
  partialFee: bigint;
}

const weightToFee = (refTime: bigint): bigint => (refTime * WEIGHT_FEE_PPB) / 1_000_000_000n;

let baseWeight: bigint | null = null;
function baseExtrinsicWeight(rt: DevnetRuntime): bigint {
  if (baseWeight !== null) return baseWeight;
  const system = rt.metadata.asLatest.pallets.find((p) => p.name.toString() === 'System');
  const c = system?.constants.find((x) => x.name.toString() === 'BlockWeights');
  const json = c
    ? (rt.registry.createType(rt.registry.createLookupType(c.type), c.value).toJSON() as {
        perClass: { normal: { baseExtrinsic: { refTime: number } } };
      })
    : null;
  baseWeight = BigInt(json?.perClass.normal.baseExtrinsic.refTime ?? 108_157_000);
  return baseWeight;
}

/**
 * The fee of a call (`section.method`, plus the inner calls of a batch) in an extrinsic of `length`
 * bytes, as `TransactionPaymentApi_query_info` reports it and the devnet charges it.
 */
export function quoteFee(rt: DevnetRuntime, callKey: string, length: number, inner: string[] = []): FeeQuote {
  const base = baseExtrinsicWeight(rt);
  const callWeight = [callKey, ...inner].reduce((w, k) => w + (CALL_WEIGHT[k] ?? DEFAULT_WEIGHT), 0n);
  const weight = { refTime: base + callWeight, proofSize: 0n };
  // a batch pays (pallet-utility's calls are Pays::Yes), whatever it holds
  const paysFee = !FREE_CALLS.has(callKey);
  if (!paysFee) return { weight, paysFee, baseFee: 0n, lenFee: 0n, adjustedWeightFee: 0n, partialFee: 0n };
  const baseFee = weightToFee(base);
  const lenFee = BigInt(length) * LENGTH_FEE_PER_BYTE;
  const adjustedWeightFee = weightToFee(callWeight);
  return { weight, paysFee, baseFee, lenFee, adjustedWeightFee, partialFee: baseFee + lenFee + adjustedWeightFee };
}

/** The `DispatchInfo` of a SCALE extrinsic (for its `System.ExtrinsicSuccess`/`Failed` event). */
export function dispatchInfoOf(rt: DevnetRuntime, hex: string): DispatchInfoJson | undefined {
  try {
    const ext = rt.registry.createType('Extrinsic', hex);
    if (!ext.isSigned) return { weight: { refTime: 0n, proofSize: 0n }, class: 'Mandatory', paysFee: 'Yes' };
    const { callKey, innerKeys } = callKeysOf(ext.method as unknown as Parameters<typeof callKeysOf>[0]);
    const q = quoteFee(rt, callKey, ext.encodedLength, innerKeys);
    return { weight: q.weight, class: 'Normal', paysFee: q.paysFee ? 'Yes' : 'No' };
  } catch {
    return undefined;
  }
}
