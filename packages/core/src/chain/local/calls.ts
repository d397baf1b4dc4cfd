import { axonIpToU128 } from '../codec/axon-ip.js';
import { weightCommitHash } from '../codec/commit-hash.js';
import type { ChainCall } from '../types.js';
import { setHyperparameter } from './admin.js';
import { publicKeyOf } from './crypto.js';
import { blockEmissionFor, bumpBurn, networkLockCost, swapFee, swapOut } from './math.js';
import { buy, quoteSale, sell } from './pool.js';
import { type CallContext, setWeights } from './set-weights.js';
import { type ChainState, fail, K } from './state.js';
import { appendNeuron, createSubnet, neuronToPrune, nextNetuid, replaceNeuron } from './subnets.js';
import { commitTimelocked } from './timelock-weights.js';

/**
 * Applies one call. Every check runs before the first write (validate, then commit); the engine
 * additionally wraps each call in a savepoint so a bug after a write cannot leave half a change.
 */
export function applyCall(ctx: CallContext, call: ChainCall): void {
  switch (call.method) {
    case 'transfer_keep_alive':
    case 'transfer_allow_death':
      transfer(ctx, call.args.dest, call.args.value, call.method === 'transfer_keep_alive');
      return;
    case 'register_network':
      registerNetwork(ctx, call.args.hotkey);
      return;
    case 'start_call':
      startCall(ctx, call.args.netuid);
      return;
    case 'burned_register':
      burnedRegister(ctx, call.args.netuid, call.args.hotkey);
      return;
    case 'serve_axon':
      serveAxon(ctx, call.args);
      return;
    case 'set_weights':
      setWeights(ctx, call.args.netuid, call.args.dests, call.args.weights, call.args.versionKey, false);
      return;
    case 'commit_weights':
      commitWeights(ctx, call.args.netuid, call.args.commitHash);
      return;
    case 'reveal_weights':
      revealWeights(ctx, call.args);
      return;
    case 'commit_timelocked_weights':
    case 'commit_timelocked_mechanism_weights':
      commitTimelocked(ctx, call.args);
      return;
    case 'add_stake':
      addStake(ctx, call.args.hotkey, call.args.netuid, call.args.amountStaked);
      return;
    case 'remove_stake':
      removeStake(ctx, call.args.hotkey, call.args.netuid, call.args.amountUnstaked);
      return;
    case 'set_subnet_identity':
      setSubnetIdentity(ctx, call.args.netuid, call.args.name);
      return;
    case 'set_hyperparameter':
      setHyperparameter(ctx, call.args.netuid, call.args.name, call.args.value);
      return;
    default:
      fail('CallNotSupported', `the local chain does not support ${(call as ChainCall).method}`, 'SK_CHAIN_BAD_INPUT');
  }
}

function transfer(ctx: CallContext, dest: string, value: bigint, keepAlive: boolean): void {
  const { st, signer } = ctx;
  const ed = st.params.existentialDeposit;
  const from = st.free(signer);
  if (from < value) fail('InsufficientBalance', 'not enough free balance to transfer', 'SK_CHAIN_INSUFFICIENT_BALANCE');
  const left = from - value;
  if (keepAlive && left < ed && left !== from) {
    fail(
      'Expendability',
      'transfer_keep_alive would leave the sender below the existential deposit',
      'SK_CHAIN_INSUFFICIENT_BALANCE',
    );
  }
  const to = dest === signer ? left : st.free(dest);
  if (dest !== signer && to + value < ed && value > 0n) {
    fail('ExistentialDeposit', 'the transfer would create an account below the existential deposit (500 rao)');
  }
  if (dest === signer) {
    ctx.emit('Transfer', { from: signer, to: dest, amount: value }, 'Balances');
    return;
  }
  st.addFree(signer, -value);
  st.addFree(dest, value);
  // an account left below ED is reaped; its dust leaves issuance (Substrate's DustLost)
  const rest = st.free(signer);
  if (rest > 0n && rest < ed) {
    st.addFree(signer, -rest);
    st.issue(-rest);
    ctx.emit('DustLost', { account: signer, amount: rest }, 'Balances');
  }
  ctx.emit('Transfer', { from: signer, to: dest, amount: value }, 'Balances');
}

export function registerNetwork(ctx: CallContext, hotkey: string): void {
  const { st, signer, block } = ctx;
  const owner = st.ownerOf(hotkey);
  if (owner !== undefined && owner !== signer) fail('NonAssociatedColdKey');
  const g = st.globals();
  if (g.lastLockBlock !== 0 && block - g.lastLockBlock < st.params.networkRateLimit) fail('NetworkTxRateLimitExceeded');
  const subnetCount = g.netuids.filter((n) => n !== 0).length;
  // simplification: no subnet pruning; the limit is a hard cap (chain.md §5.1 step 4)
  if (subnetCount >= st.params.subnetLimit) fail('SubnetLimitReached');
  const cost = lockCost(st, block);
  const free = st.free(signer);
  if (free < cost)
    fail('CannotAffordLockCost', `registering a subnet costs ${cost} rao`, 'SK_CHAIN_INSUFFICIENT_BALANCE');
  const netuid = nextNetuid(st);
  st.addFree(signer, -cost);
  if (owner === undefined) st.linkHotkey(hotkey, signer);
  st.setGlobals({ lastLockBlock: block, lastLockCost: cost });
  createSubnet(st, { netuid, name: `subnet-${netuid}`, owner: signer, ownerHotkey: hotkey, lock: cost, block });
  ctx.emit('NetworkAdded', { netuid, mechanism: 1 });
}

/** Current network lock cost. */
export function lockCost(st: ChainState, block: number): bigint {
  const g = st.globals();
  return networkLockCost({
    lastLock: g.lastLockCost,
    lastLockBlock: g.lastLockBlock,
    now: block,
    minLock: st.params.networkMinLockCost,
    reductionInterval: st.params.networkLockReductionInterval,
    blockEmission: blockEmissionFor(g.totalIssuance),
  });
}

function startCall(ctx: CallContext, netuid: number): void {
  const { st, signer, block } = ctx;
  const s = st.subnetOrFail(netuid);
  if (netuid === 0) fail('SubnetNotExists');
  if (s.owner !== signer) fail('NotSubnetOwner');
  if (s.firstEmissionBlock !== null) fail('FirstEmissionBlockNumberAlreadySet');
  st.patchSubnet(netuid, { firstEmissionBlock: block + 1, subtokenEnabled: true });
  ctx.emit('FirstEmissionBlockNumberSet', { netuid, block: block + 1 });
}

/** subtensor caps an identity's subnet_name at 256 bytes. */
const MAX_SUBNET_NAME_BYTES = 256;

export function setSubnetIdentity(ctx: CallContext, netuid: number, name: string): void {
  const { st, signer } = ctx;
  const s = st.subnetOrFail(netuid);
  if (s.owner !== signer) fail('NotSubnetOwner');
  if (Buffer.byteLength(name, 'utf8') > MAX_SUBNET_NAME_BYTES) fail('InvalidIdentity', 'subnet_name is over 256 bytes');
  st.patchSubnet(netuid, { name });
  ctx.emit('SubnetIdentitySet', { netuid });
}

function burnedRegister(ctx: CallContext, netuid: number, hotkey: string): void {
  const { st, signer, block } = ctx;
  if (netuid === 0) fail('RegistrationNotPermittedOnRootSubnet');
  const s = st.subnetOrFail(netuid);
  if (!s.hyper.registrationAllowed) fail('SubNetRegistrationDisabled');
  if (st.params.legacyRegistration) {
    if (s.regsThisBlock >= s.hyper.maxRegistrationsPerBlock) fail('TooManyRegistrationsThisBlock');
    if (s.regsThisInterval >= 3 * s.hyper.targetRegistrationsPerInterval) fail('TooManyRegistrationsThisInterval');
  }
  if (st.uidOf(netuid, hotkey) !== undefined) fail('HotKeyAlreadyRegisteredInSubNet');
  const cost = s.burn;
  if (st.free(signer) < cost)
    fail('NotEnoughBalanceToStake', `registration costs ${cost} rao`, 'SK_CHAIN_INSUFFICIENT_BALANCE');
  const owner = st.ownerOf(hotkey);
  if (owner !== undefined && owner !== signer) fail('NonAssociatedColdKey');
  if (s.hyper.maxAllowedUids === 0) fail('NoNeuronIdAvailable');
  const nv = st.neurons(netuid);
  const full = nv.hotkeys.length >= s.hyper.maxAllowedUids;
  const prune = full ? neuronToPrune(st, netuid, block) : null;
  if (full && prune === null) fail('NoNeuronIdAvailable');
  // payment: the burn buys alpha from the pool and the alpha is destroyed
  const bought = swapOut(s.taoIn, s.alphaIn, cost);
  if (owner === undefined) st.linkHotkey(hotkey, signer);
  st.addFree(signer, -cost);
  let uid: number;
  if (prune !== null) {
    uid = prune;
    replaceNeuron(st, netuid, uid, hotkey, block);
  } else uid = appendNeuron(st, netuid, hotkey, block);
  const fresh = st.subnet(netuid) ?? s;
  st.patchSubnet(netuid, {
    taoIn: fresh.taoIn + cost,
    alphaIn: fresh.alphaIn - bought,
    alphaBurned: fresh.alphaBurned + bought,
    // the legacy rule has no per-registration bump: the interval retarget moves the price
    burn: st.params.legacyRegistration
      ? fresh.burn
      : bumpBurn(fresh.burn, fresh.hyper.burnIncreaseMult, fresh.hyper.minBurn, fresh.hyper.maxBurn),
    regsThisBlock: fresh.regsThisBlock + 1,
    regsThisInterval: fresh.regsThisInterval + 1,
  });
  ctx.emit('NeuronRegistered', { netuid, uid, hotkey });
}

function serveAxon(
  ctx: CallContext,
  a: { netuid: number; version: number; ip: string; port: number; ipType: 4 | 6; protocol: number },
): void {
  const { st, signer, block } = ctx;
  const s = st.subnet(a.netuid);
  if (!s || st.uidOf(a.netuid, signer) === undefined) fail('HotKeyNotRegisteredInNetwork');
  if (a.ipType !== 4 && a.ipType !== 6) fail('InvalidIpType');
  const ip = axonIpToU128(a.ip, a.ipType);
  if (ip === null) fail('InvalidIpAddress');
  if (a.ipType === 4 && (ip >= 0xffffffffn || ip === 0x7f000001n)) fail('InvalidIpAddress');
  if (a.ipType === 6 && (ip === (1n << 128n) - 1n || ip === 1n)) fail('InvalidIpAddress');
  const prev = st.axon(a.netuid, signer);
  const limit = s.hyper.servingRateLimit;
  if (limit !== 0 && prev && block - prev.block < limit) fail('ServingRateLimitExceeded');
  if (a.port === 0) fail('InvalidPort');
  st.store.set(K.axon(a.netuid, signer), {
    ip: a.ip,
    port: a.port,
    ipType: a.ipType,
    protocol: a.protocol,
    version: a.version,
    block,
  });
  ctx.emit('AxonServed', { netuid: a.netuid, hotkey: signer });
}

function commitWeights(ctx: CallContext, netuid: number, commitHash: string): void {
  const { st, signer, block } = ctx;
  const s = st.subnetOrFail(netuid);
  if (!s.hyper.commitRevealWeightsEnabled) fail('CommitRevealDisabled');
  const uid = st.uidOf(netuid, signer);
  if (uid === undefined) fail('HotKeyNotRegisteredInSubNet');
  const nv = st.neurons(netuid);
  const last = nv.lastUpdate[uid] as number;
  if (last !== 0 && block - last < s.hyper.weightsRateLimit) fail('CommittingWeightsTooFast');
  const live = st.commits(netuid, signer).filter((c) => s.epochIndex <= c.epoch + s.hyper.commitRevealPeriod);
  if (live.length >= st.params.maxCommits) fail('TooManyUnrevealedCommits');
  st.store.set(K.commits(netuid, signer), [...live, { hash: commitHash.toLowerCase(), epoch: s.epochIndex, block }]);
  const lastUpdate = nv.lastUpdate.slice();
  lastUpdate[uid] = block;
  st.setNeurons(netuid, { ...nv, lastUpdate });
  ctx.emit('WeightsCommitted', { hotkey: signer, netuidIndex: netuid, hash: commitHash.toLowerCase() });
}

function revealWeights(
  ctx: CallContext,
  a: { netuid: number; uids: number[]; values: number[]; salt: number[]; versionKey: bigint },
): void {
  const { st, signer } = ctx;
  const s = st.subnetOrFail(a.netuid);
  if (!s.hyper.commitRevealWeightsEnabled) fail('CommitRevealDisabled');
  const queue = st.commits(a.netuid, signer);
  if (queue.length === 0) fail('NoWeightsCommitFound');
  const pk = publicKeyOf(signer) as Uint8Array;
  const hash = weightCommitHash(pk, a.netuid, a.uids, a.values, a.salt, a.versionKey);
  const idx = queue.findIndex((c) => c.hash === hash);
  if (idx < 0) fail('InvalidRevealCommitHashNotMatch');
  const c = queue[idx] as { epoch: number };
  const revealEpoch = c.epoch + s.hyper.commitRevealPeriod;
  if (s.epochIndex < revealEpoch) fail('RevealTooEarly');
  if (s.epochIndex > revealEpoch) fail('ExpiredWeightCommit');
  setWeights(ctx, a.netuid, a.uids, a.values, a.versionKey, true);
  const rest = queue.slice(idx + 1);
  if (rest.length === 0) st.store.delete(K.commits(a.netuid, signer));
  else st.store.set(K.commits(a.netuid, signer), rest);
  ctx.emit('WeightsRevealed', { hotkey: signer, netuidIndex: a.netuid, hash });
}

export function addStake(ctx: CallContext, hotkey: string, netuid: number, amount: bigint): void {
  const { st, signer } = ctx;
  const s = st.subnetOrFail(netuid);
  const stable = s.mechanism === 0;
  if (!stable && !s.subtokenEnabled) fail('SubtokenDisabled');
  const p = st.params;
  const feeOf = (x: bigint): bigint => (stable ? 0n : swapFee(x, p.swapFeeRate));
  if (amount < p.minStake + feeOf(p.minStake)) fail('AmountTooLow');
  const free = st.free(signer);
  if (free < amount || free - amount < p.existentialDeposit) {
    fail(
      'NotEnoughBalanceToStake',
      'not enough free balance to stake (the account must keep 500 rao)',
      'SK_CHAIN_INSUFFICIENT_BALANCE',
    );
  }
  if (st.ownerOf(hotkey) === undefined) fail('HotKeyAccountNotExists');
  const { alpha, fee } = buy(st, { hotkey, coldkey: signer, netuid }, amount, true);
  st.addFree(signer, -amount);
  ctx.emit('StakeAdded', { coldkey: signer, hotkey, tao: amount, alpha, netuid, fee });
}

export function removeStake(ctx: CallContext, hotkey: string, netuid: number, amount: bigint): void {
  const { st, signer } = ctx;
  const s = st.subnetOrFail(netuid);
  const stable = s.mechanism === 0;
  if (!stable && !s.subtokenEnabled) fail('SubtokenDisabled');
  if (amount <= 0n) fail('AmountTooLow');
  const held = st.stakeOf(netuid, hotkey, signer);
  if (held < amount) fail('NotEnoughStakeToWithdraw');
  const q = quoteSale(st, netuid, amount, true);
  if (amount < held && q.taoOut < st.params.minStake) fail('AmountTooLow');
  // stake held implies the hotkey has an owner: checking it before the pool refusals changes no outcome
  if (st.ownerOf(hotkey) === undefined) fail('HotKeyAccountNotExists');
  const tao = sell(st, { hotkey, coldkey: signer, netuid }, q);
  st.addFree(signer, tao);
  ctx.emit('StakeRemoved', { coldkey: signer, hotkey, tao, alpha: amount, netuid, fee: q.taoFee });
}
