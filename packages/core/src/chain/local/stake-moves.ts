import type { ChainCall } from '../types.js';
import { addStake, registerNetwork, removeStake, setSubnetIdentity } from './calls.js';
import { buy, type Position, quoteSale, sell } from './pool.js';
import type { CallContext } from './set-weights.js';
import { type ChainState, fail } from './state.js';

/**
 * Stake moves (chain.md §9.1): `move_stake` (same coldkey, other hotkey and/or subnet),
 * `transfer_stake` (to another coldkey, same hotkey), `swap_stake` (same hotkey and coldkey, other
 * subnet) and `unstake_all` (every subnet, root too, to TAO). Across subnets the alpha is sold into
 * the origin pool and the TAO bought into the destination pool; only one leg pays the swap fee (the
 * destination's when the origin is root, else the origin's). Within one subnet the alpha just moves,
 * with no swap.
 */
export type StakeMoveCall = Extract<
  ChainCall,
  {
    method:
      | 'move_stake'
      | 'transfer_stake'
      | 'swap_stake'
      | 'unstake_all'
      | 'register_network_with_identity'
      | 'add_stake_limit'
      | 'remove_stake_limit';
  }
>;

export function applyStakeMove(ctx: CallContext, call: StakeMoveCall): void {
  const { signer } = ctx;
  switch (call.method) {
    case 'move_stake': {
      const a = call.args;
      const tao = move(ctx, {
        from: { hotkey: a.originHotkey, coldkey: signer, netuid: a.originNetuid },
        to: { hotkey: a.destinationHotkey, coldkey: signer, netuid: a.destinationNetuid },
        alpha: a.alphaAmount,
      });
      ctx.emit('StakeMoved', {
        coldkey: signer,
        originHotkey: a.originHotkey,
        originNetuid: a.originNetuid,
        destinationHotkey: a.destinationHotkey,
        destinationNetuid: a.destinationNetuid,
        tao,
      });
      return;
    }
    case 'transfer_stake': {
      const a = call.args;
      const tao = move(ctx, {
        from: { hotkey: a.hotkey, coldkey: signer, netuid: a.originNetuid },
        to: { hotkey: a.hotkey, coldkey: a.destinationColdkey, netuid: a.destinationNetuid },
        alpha: a.alphaAmount,
      });
      ctx.emit('StakeTransferred', {
        originColdkey: signer,
        destinationColdkey: a.destinationColdkey,
        hotkey: a.hotkey,
        originNetuid: a.originNetuid,
        destinationNetuid: a.destinationNetuid,
        tao,
      });
      return;
    }
    case 'swap_stake': {
      const a = call.args;
      if (a.originNetuid === a.destinationNetuid) fail('SameNetuid');
      const tao = move(ctx, {
        from: { hotkey: a.hotkey, coldkey: signer, netuid: a.originNetuid },
        to: { hotkey: a.hotkey, coldkey: signer, netuid: a.destinationNetuid },
        alpha: a.alphaAmount,
      });
      ctx.emit('StakeSwapped', {
        coldkey: signer,
        hotkey: a.hotkey,
        originNetuid: a.originNetuid,
        destinationNetuid: a.destinationNetuid,
        tao,
      });
      return;
    }
    case 'unstake_all':
      unstakeAll(ctx, call.args.hotkey);
      return;
    case 'register_network_with_identity': {
      // register_network, then the identity on the new subnet (only its name is kept locally)
      const before = new Set(ctx.st.globals().netuids);
      registerNetwork(ctx, call.args.hotkey);
      const netuid = ctx.st.globals().netuids.find((n) => !before.has(n));
      if (netuid !== undefined && call.args.name !== undefined) setSubnetIdentity(ctx, netuid, call.args.name);
      return;
    }
    case 'add_stake_limit': {
      const a = call.args;
      const max = maxAmount(ctx.st, a.netuid, a.limitPrice, 'buy');
      addStake(ctx, a.hotkey, a.netuid, limited(a.amountStaked, max, a.allowPartial));
      return;
    }
    case 'remove_stake_limit': {
      const a = call.args;
      const max = maxAmount(ctx.st, a.netuid, a.limitPrice, 'sell');
      removeStake(ctx, a.hotkey, a.netuid, limited(a.amountUnstaked, max, a.allowPartial));
      return;
    }
  }
}

/** Rao per alpha a limit price counts in. */
const PRICE_UNIT = 1_000_000_000n;

/** The requested amount, or the most the limit allows: all of it with `allowPartial`, else a failure. */
function limited(amount: bigint, max: bigint, allowPartial: boolean): bigint {
  if (amount <= max) return amount;
  if (!allowPartial) fail('SlippageTooHigh');
  return max;
}

/**
 * The largest gross input (TAO to buy with, alpha to sell) that keeps the price on the right side of
 * `limitPrice` (rao per alpha), chain.md §4.2 with 0.5/0.5 weights: a buy may move the price up to
 * the limit, `Δy = √(y·x·p_lim) − y` (the fee on top); a sell down to it, `Δx = √(x·y/p_lim) − x`.
 * The price must start strictly below (buy) or above (sell) the limit (`PriceLimitExceeded`). A
 * stable pool has no slippage: a buy limit ≥ 1 (a sell limit ≤ 1) TAO per alpha allows any amount.
 */
function maxAmount(st: ChainState, netuid: number, limitPrice: bigint, side: 'buy' | 'sell'): bigint {
  const s = st.subnetOrFail(netuid);
  const unlimited = 0xffff_ffff_ffff_ffffn;
  if (s.mechanism === 0) {
    const ok = side === 'buy' ? limitPrice >= PRICE_UNIT : limitPrice <= PRICE_UNIT;
    return ok ? unlimited : 0n;
  }
  const { taoIn: y, alphaIn: x } = s;
  if (x === 0n || y === 0n || limitPrice === 0n) return side === 'sell' ? unlimited : 0n;
  // current price vs limit, cross-multiplied: p = y / x (TAO per alpha), limit in rao per alpha
  const below = y * PRICE_UNIT < limitPrice * x;
  const above = y * PRICE_UNIT > limitPrice * x;
  if ((side === 'buy' && !below) || (side === 'sell' && !above)) fail('PriceLimitExceeded');
  const net =
    side === 'buy' ? isqrt((y * x * limitPrice) / PRICE_UNIT) - y : isqrt((x * y * PRICE_UNIT) / limitPrice) - x;
  if (net <= 0n) return 0n;
  // a sale's alpha fee is sold into the pool too (chain-differences.md: pool maths), so the whole
  // sale moves the price; a buy's TAO fee is burned before the swap, so the buy adds it on top
  if (side === 'sell') return net;
  const f = BigInt(st.params.swapFeeRate);
  return net + (net * f) / (65535n - f);
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  // Newton steps from the float estimate, then fix the last unit
  for (;;) {
    const next = (x + n / x) / 2n;
    if (next >= x) break;
    x = next;
  }
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/** Checks both ends, then moves `alpha`; returns the TAO value moved (at the pool price within one subnet). */
function move(ctx: CallContext, m: { from: Position; to: Position; alpha: bigint }): bigint {
  const { st } = ctx;
  const { from, to, alpha } = m;
  const origin = st.subnetOrFail(from.netuid);
  const dest = st.subnetOrFail(to.netuid);
  if (from.netuid === to.netuid && from.hotkey === to.hotkey && from.coldkey === to.coldkey) fail('SameNetuid');
  if (origin.mechanism !== 0 && !origin.subtokenEnabled) fail('SubtokenDisabled');
  if (dest.mechanism !== 0 && !dest.subtokenEnabled) fail('SubtokenDisabled');
  if (st.ownerOf(from.hotkey) === undefined || st.ownerOf(to.hotkey) === undefined) fail('HotKeyAccountNotExists');
  if (alpha <= 0n) fail('AmountTooLow');
  if (st.stakeOf(from.netuid, from.hotkey, from.coldkey) < alpha) fail('NotEnoughStakeToWithdraw');
  if (from.netuid === to.netuid) {
    // shares change hands at the pool's price: no swap, no fee
    st.debitStake(from.netuid, from.hotkey, from.coldkey, alpha);
    st.creditStake(to.netuid, to.hotkey, to.coldkey, alpha);
    return origin.mechanism === 0 || origin.alphaIn === 0n ? alpha : (alpha * origin.taoIn) / origin.alphaIn;
  }
  const feeOnOrigin = from.netuid !== 0;
  const tao = sell(st, from, quoteSale(st, from.netuid, alpha, feeOnOrigin));
  if (tao <= st.params.minStake) fail('AmountTooLow');
  buy(st, to, tao, !feeOnOrigin);
  return tao;
}

/** Every subnet (root included) where the signer stakes on `hotkey` → TAO, one `StakeRemoved` each. */
function unstakeAll(ctx: CallContext, hotkey: string): void {
  const { st, signer } = ctx;
  if (st.ownerOf(hotkey) === undefined) fail('HotKeyAccountNotExists');
  for (const netuid of st.globals().netuids) {
    const alpha = st.stakeOf(netuid, hotkey, signer);
    if (alpha === 0n) continue;
    const s = st.subnetOrFail(netuid);
    if (s.mechanism !== 0 && !s.subtokenEnabled) continue;
    const q = quoteSale(st, netuid, alpha, true);
    const tao = sell(st, { hotkey, coldkey: signer, netuid }, q);
    st.addFree(signer, tao);
    ctx.emit('StakeRemoved', { coldkey: signer, hotkey, tao, alpha, netuid, fee: q.taoFee });
  }
}
