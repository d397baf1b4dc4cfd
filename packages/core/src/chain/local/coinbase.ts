import type { ChainEvent } from '../types.js';
import { applyPendingChildkeys, inheritedStake, splitThroughParents } from './childkeys.js';
import { runSubnetEpoch } from './epoch.js';
import { blockEmissionFor, decayBurn, PRICE_ONE, spotPrice, swapOut } from './math.js';
import type { ChainState, Subnet } from './state.js';
import { revealTimelockedForSubnet } from './timelock-weights.js';

const U64_MAX = 0xffff_ffff_ffff_ffffn;
/** SubnetMovingAlpha = 0.000003 in 1e18 fixed point. */
const MOVING_ALPHA = 3_000_000_000_000n;
const EMA_HALVING_BLOCKS = 201_600n;

type Emit = (name: string, data: Record<string, unknown>) => void;

/** Subnets that receive emission (get_subnets_to_emit_to). */
function emitting(s: Subnet): boolean {
  return s.netuid !== 0 && s.firstEmissionBlock !== null && s.subtokenEnabled && s.hyper.registrationAllowed;
}

/**
 * on_initialize of block `block` (chain.md §2.1): burn decay, block emission split by EMA price,
 * pool injection, alpha minting with owner cut and 50/50 split, epochs with distribution, EMA
 * price update. Deterministic integer arithmetic throughout.
 */
export function blockStep(st: ChainState, block: number, emit: Emit): void {
  const g = st.globals();
  const netuids = g.netuids;
  // 1. registration prices
  for (const n of netuids) {
    const s = st.subnet(n) as Subnet;
    if (n === 0) continue;
    if (st.params.legacyRegistration) {
      legacyAdjust(st, s, block);
      continue;
    }
    const burn = decayBurn(s.burn, s.hyper.burnHalfLife, s.hyper.minBurn, s.hyper.maxBurn);
    if (burn !== s.burn || s.regsThisBlock !== 0) st.patchSubnet(n, { burn, regsThisBlock: 0 });
  }
  // 2. block emission from TotalIssuance
  const blockEmission = blockEmissionFor(g.totalIssuance);
  if (blockEmission !== g.blockEmission) st.setGlobals({ blockEmission });
  // 3. reveal timelocked weight commits, skipping subnets whose due epoch is deferred this block
  revealTimelocked(st, netuids, block, emit);
  // 4. coinbase: shares by EMA price among emitting subnets (emission-disabled subnets get 0)
  const live = netuids.map((n) => st.subnet(n) as Subnet).filter(emitting);
  const funded = live.filter((s) => s.hyper.subnetEmissionEnabled);
  let totalEma = 0n;
  for (const s of funded) totalEma += s.movingPrice;
  let minted = 0n;
  const root = st.subnet(0);
  const rootTao = root ? root.taoIn : 0n;
  for (const s of live) {
    let taoE = 0n;
    if (s.hyper.subnetEmissionEnabled && funded.length > 0) {
      // simplification: with every EMA at 0 (fresh chain) the split is equal
      taoE = totalEma > 0n ? (blockEmission * s.movingPrice) / totalEma : blockEmission / BigInt(funded.length);
    }
    minted += taoE;
    injectAndMint(st, s.netuid, taoE, rootTao);
  }
  if (minted > 0n) st.issue(minted);
  // epochs due this block, at most maxEpochsPerBlock; the rest are deferred by a block
  let ran = 0;
  const epochsRan: number[] = [];
  for (const n of netuids) {
    if (n === 0) continue;
    const s = st.subnet(n) as Subnet;
    const tempo = s.hyper.tempo;
    if (tempo <= 0 || block - s.lastEpochBlock < tempo) continue;
    if (ran >= st.params.maxEpochsPerBlock) {
      emit('EpochDeferred', { netuid: n, fromBlock: block, toBlock: block + 1 });
      continue;
    }
    ran++;
    drainAndDistribute(st, s, block, emit);
    epochsRan.push(n);
  }
  // 5. moving price update (after it was used for this block's shares)
  for (const s0 of live) {
    const s = st.subnet(s0.netuid) as Subnet;
    const b = BigInt(Math.max(0, block - (s.firstEmissionBlock ?? block)));
    const a = (MOVING_ALPHA * b) / (b + EMA_HALVING_BLOCKS);
    let price = spotPrice(s.taoIn, s.alphaIn);
    if (price > PRICE_ONE) price = PRICE_ONE;
    const ema = (a * price + (PRICE_ONE - a) * s.movingPrice) / PRICE_ONE;
    if (ema !== s.movingPrice) st.patchSubnet(s.netuid, { movingPrice: ema });
  }
  // 7. pending childkey changes, on the subnets whose epoch ran this block
  for (const n of epochsRan) applyPendingChildkeys(st, n, block, emit);
}

/** Step 3 of on_initialize: the automatic reveal, with the epoch lookahead of subnets due now. */
function revealTimelocked(st: ChainState, netuids: readonly number[], block: number, emit: Emit): void {
  let due = 0;
  for (const n of netuids) {
    if (n === 0) continue;
    const s = st.subnet(n) as Subnet;
    const isDue = s.hyper.tempo > 0 && block - s.lastEpochBlock >= s.hyper.tempo;
    if (isDue && due++ >= st.params.maxEpochsPerBlock) continue;
    revealTimelockedForSubnet(st, s, block, isDue, emit);
  }
}

/**
 * Legacy burn retarget (chain.md §6.1 "Legacy"): every AdjustmentInterval blocks
 * new = burn · (regs + target) / (2 · target), smoothed by AdjustmentAlpha / u64::MAX, clamped.
 */
function legacyAdjust(st: ChainState, s: Subnet, block: number): void {
  const h = s.hyper;
  const patch: Partial<Subnet> = {};
  if (s.regsThisBlock !== 0) patch.regsThisBlock = 0;
  if (h.adjustmentInterval > 0 && block % h.adjustmentInterval === 0) {
    const target = BigInt(Math.max(1, h.targetRegistrationsPerInterval));
    const regs = BigInt(s.regsThisInterval);
    const next = (s.burn * (regs + target)) / (2n * target);
    const alpha = h.adjustmentAlpha;
    let burn = (alpha * s.burn + (U64_MAX - alpha) * next) / U64_MAX;
    if (burn < h.minBurn) burn = h.minBurn;
    if (burn > h.maxBurn) burn = h.maxBurn;
    patch.burn = burn;
    patch.regsThisInterval = 0;
  }
  if (Object.keys(patch).length > 0) st.patchSubnet(s.netuid, patch);
}

/** §3.4: inject TAO at the current price (capped by root_prop · A), chain-buy the excess, mint alpha. */
function injectAndMint(st: ChainState, netuid: number, taoE: bigint, rootTao: bigint): void {
  const s = st.subnet(netuid) as Subnet;
  const issuance = s.alphaIn + s.alphaOut;
  const alphaE = blockEmissionFor(issuance);
  const tw = st.params.taoWeight;
  // root_prop = rootTao·tw / (rootTao·tw + alpha_issuance), in 1e18 fixed point
  const rootW = (rootTao * tw) / U64_MAX;
  const rootProp = rootW + issuance > 0n ? (rootW * PRICE_ONE) / (rootW + issuance) : 0n;
  let taoIn = s.taoIn;
  let alphaIn = s.alphaIn;
  let alphaOut = s.alphaOut;
  let protocolAlpha = s.protocolAlpha;
  if (taoE > 0n && taoIn > 0n && alphaIn > 0n) {
    const cap = (rootProp * alphaE) / PRICE_ONE;
    let injAlpha = (taoE * alphaIn) / taoIn;
    let injTao = taoE;
    if (injAlpha > cap) {
      injAlpha = cap;
      injTao = (cap * taoIn) / alphaIn;
    }
    taoIn += injTao;
    alphaIn += injAlpha;
    const excess = taoE - injTao;
    if (excess > 0n) {
      const bought = swapOut(taoIn, alphaIn, excess);
      taoIn += excess;
      alphaIn -= bought;
      alphaOut += bought;
      protocolAlpha += bought;
    }
  } else if (taoE > 0n) {
    taoIn += taoE;
  }
  const ownerCut = s.hyper.ownerCutEnabled ? (alphaE * BigInt(st.params.subnetOwnerCut)) / 65535n : 0n;
  const rest = alphaE - ownerCut;
  const server = rest / 2n;
  const validatorHalf = rest - server;
  // the root share is recycled: the root sell flag (Σ EMA prices > 1) is never on locally
  const rootAlpha = (rootProp * validatorHalf) / PRICE_ONE;
  const validator = validatorHalf - rootAlpha;
  alphaOut += ownerCut + server + validator;
  st.patchSubnet(netuid, {
    taoIn,
    alphaIn,
    alphaOut,
    protocolAlpha,
    pendingServer: s.pendingServer + server,
    pendingValidator: s.pendingValidator + validator,
    pendingOwnerCut: s.pendingOwnerCut + ownerCut,
    lastTaoEmission: taoE,
  });
}

/** §3.5: drain pending alpha, run the epoch, pay incentive, dividends (with take) and owner cut. */
function drainAndDistribute(st: ChainState, s0: Subnet, block: number, emit: Emit): void {
  const s = st.subnet(s0.netuid) as Subnet;
  const netuid = s.netuid;
  const server = s.pendingServer;
  const validator = s.pendingValidator;
  const ownerCut = s.pendingOwnerCut;
  const out = runSubnetEpoch(st, s, block, server + validator);
  const nv = st.neurons(netuid);
  let paid = 0n;
  // owner-controlled hotkeys: the owner hotkey and every hotkey the owner coldkey registered here
  const ownerControlled = (hk: string): boolean => hk === s.ownerHotkey || st.ownerOf(hk) === s.owner;
  let totalIncentive = 0n;
  for (const e of out.serverEmission) totalIncentive += e;
  for (let uid = 0; uid < out.n; uid++) {
    const amount = out.serverEmission[uid] as bigint;
    if (amount === 0n) continue;
    const hk = nv.hotkeys[uid] as string;
    if (ownerControlled(hk)) continue;
    st.creditStake(netuid, hk, st.ownerOf(hk) ?? hk, amount);
    paid += amount;
  }
  const budget = totalIncentive === 0n ? server + validator : validator;
  let weightSum = 0n;
  const weightOf: bigint[] = [];
  for (let uid = 0; uid < out.n; uid++) {
    const hk = nv.hotkeys[uid] as string;
    // the stake the epoch saw: after childkey inheritance (§9.3)
    const inherited = inheritedStake(st, netuid, hk);
    const alpha = inherited.alpha;
    const rootW = (inherited.tao * st.params.taoWeight) / U64_MAX;
    const ve = out.validatorEmission[uid] as bigint;
    // the alpha part of a dividend: ve · alpha / (alpha + tw·root); root parts are unpaid locally
    const w = alpha + rootW > 0n ? (ve * alpha) / (alpha + rootW) : ve;
    weightOf.push(w);
    weightSum += w;
  }
  if (weightSum > 0n) {
    for (let uid = 0; uid < out.n; uid++) {
      const share = ((weightOf[uid] as bigint) * budget) / weightSum;
      if (share === 0n) continue;
      // parents first get their part (less the childkey take); each part then pays the validator take
      for (const [hk, part] of splitThroughParents(st, netuid, nv.hotkeys[uid] as string, share)) {
        if (part === 0n) continue;
        const take = (part * BigInt(st.takeOf(hk))) / 65535n;
        st.creditStake(netuid, hk, st.ownerOf(hk) ?? hk, take);
        st.addToPool(netuid, hk, part - take);
      }
      paid += share;
    }
  }
  if (ownerCut > 0n) {
    st.creditStake(netuid, s.ownerHotkey, s.owner, ownerCut);
    paid += ownerCut;
  }
  // rounding remainders and burned owner incentive leave alpha issuance
  const unpaid = server + validator + ownerCut - paid;
  const fresh = st.subnet(netuid) as Subnet;
  st.patchSubnet(netuid, {
    pendingServer: 0n,
    pendingValidator: 0n,
    pendingOwnerCut: 0n,
    alphaOut: fresh.alphaOut - unpaid,
    alphaBurned: fresh.alphaBurned + unpaid,
    lastEpochBlock: block,
    epochIndex: fresh.epochIndex + 1,
    lastMechStepBlock: block,
  });
  emit('IncentiveAlphaEmittedToMiners', { netuid, emissions: out.serverEmission.slice() });
}

/** Events the block step emitted, as ChainEvents (block-level: extrinsicIndex null). */
export function blockEvents(raw: { name: string; data: Record<string, unknown> }[]): ChainEvent[] {
  return raw.map((e) => ({ pallet: 'SubtensorModule', name: e.name, data: e.data, extrinsicIndex: null }));
}
