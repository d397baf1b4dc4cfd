// set_weights lives apart from the call table: the timelocked reveal applies it too, and
// importing it from calls.ts made calls -> timelock-weights -> calls a load-order cycle
import { maxUpscaleU16 } from '../../consensus/weights.js';
import { inheritedStake } from './childkeys.js';
import { type ChainState, fail, K } from './state.js';

/** What a call sees: the state, its block, the signing account, and an event sink. */
export interface CallContext {
  st: ChainState;
  block: number;
  signer: string;
  emit(name: string, data: Record<string, unknown>, pallet?: string): void;
}

/** Stake weight of a hotkey on a subnet: alpha + tao_weight · root stake, both after childkey inheritance (§9.3). */
export function stakeWeight(st: ChainState, netuid: number, hotkey: string): bigint {
  const { alpha, tao } = inheritedStake(st, netuid, hotkey);
  return alpha + (tao * st.params.taoWeight) / 0xffff_ffff_ffff_ffffn;
}

/** set_weights checks and effect (chain.md §8.2); `reveal` skips the CR gate and rate limit. */
export function setWeights(
  ctx: CallContext,
  netuid: number,
  dests: number[],
  weights: number[],
  versionKey: bigint,
  reveal: boolean,
): void {
  const { st, signer, block } = ctx;
  if (netuid === 0) fail('CanNotSetRootNetworkWeights');
  if (dests.length !== weights.length) fail('WeightVecNotEqualSize');
  const s = st.subnetOrFail(netuid, 'MechanismDoesNotExist');
  if (!reveal && s.hyper.commitRevealWeightsEnabled) fail('CommitRevealEnabled');
  const nv = st.neurons(netuid);
  const n = nv.hotkeys.length;
  if (dests.length > n) fail('UidsLengthExceedUidsInSubNet');
  const uid = st.uidOf(netuid, signer);
  if (uid === undefined) fail('HotKeyNotRegisteredInSubNet');
  const isOwner = signer === s.ownerHotkey;
  if (!isOwner && stakeWeight(st, netuid, signer) < st.params.stakeThreshold) fail('NotEnoughStakeToSetWeights');
  if (s.hyper.weightsVersion !== 0n && versionKey < s.hyper.weightsVersion) fail('IncorrectWeightVersionKey');
  const last = nv.lastUpdate[uid] as number;
  if (!reveal && last !== 0 && block - last < s.hyper.weightsRateLimit) fail('SettingWeightsTooFast');
  const selfWeight = dests.length === 1 && dests[0] === uid;
  if (!selfWeight && !isOwner && !nv.validatorPermit[uid]) fail('NeuronNoValidatorPermit');
  if (new Set(dests).size !== dests.length) fail('DuplicateUids');
  if (dests.some((d) => d >= n)) fail('UidVecContainInvalidOne');
  if (!selfWeight && dests.length < Math.min(s.hyper.minAllowedWeights, n)) fail('WeightVecLengthIsLow');
  // subtensor's I32F32 rule, shared with the consensus module, so stored rows equal the real chain's
  const scaled = maxUpscaleU16(weights);
  if (!selfWeight && s.hyper.maxWeightsLimit !== 65535) {
    let sum = 0n;
    let max = 0n;
    for (const w of scaled) {
      sum += BigInt(w);
      if (BigInt(w) > max) max = BigInt(w);
    }
    if (sum > 0n && max * 65535n > BigInt(s.hyper.maxWeightsLimit) * sum) fail('MaxWeightExceeded');
  }
  st.store.set(
    K.weights(netuid, uid),
    dests.map((d, i) => [d, scaled[i] as number] as [number, number]),
  );
  if (!reveal) {
    const lastUpdate = nv.lastUpdate.slice();
    lastUpdate[uid] = block;
    st.setNeurons(netuid, { ...nv, lastUpdate });
  }
  ctx.emit('WeightsSet', { netuidIndex: netuid, uid });
}
