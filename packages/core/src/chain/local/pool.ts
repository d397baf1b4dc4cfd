import { swapFee, swapOut } from './math.js';
import { type ChainState, fail } from './state.js';

/** One stake position: a hotkey's stake owned by a coldkey on a subnet. */
export interface Position {
  hotkey: string;
  coldkey: string;
  netuid: number;
}

/** What selling `alpha` into a subnet's pool gives, before anything is written. */
export interface SaleQuote {
  netuid: number;
  alpha: bigint;
  /** TAO paid out for the alpha net of the fee. */
  taoOut: bigint;
  /** TAO the alpha fee sells for (burned). */
  taoFee: bigint;
}

/**
 * Prices a sale: a stable pool (root) pays 1:1 with no fee; otherwise the alpha fee (when `payFee`)
 * is sold into the pool too and its TAO burned, as a block author would receive it.
 */
export function quoteSale(st: ChainState, netuid: number, alpha: bigint, payFee: boolean): SaleQuote {
  const s = st.subnetOrFail(netuid);
  const stable = s.mechanism === 0;
  const feeAlpha = stable || !payFee ? 0n : swapFee(alpha, st.params.swapFeeRate);
  const net = alpha - feeAlpha;
  const taoOut = stable ? net : swapOut(s.alphaIn, s.taoIn, net);
  const taoFee = feeAlpha > 0n ? swapOut(s.alphaIn + net, s.taoIn - taoOut, feeAlpha) : 0n;
  return { netuid, alpha, taoOut, taoFee };
}

/** Sells a quoted amount of a position's alpha into its pool; returns the TAO out (not credited). */
export function sell(st: ChainState, pos: Position, q: SaleQuote): bigint {
  const s = st.subnetOrFail(q.netuid);
  const stable = s.mechanism === 0;
  if (q.taoOut === 0n) fail('AmountTooLow');
  if (!stable && s.taoIn - q.taoOut - q.taoFee < st.params.minimumReserve) fail('InsufficientLiquidity');
  st.debitStake(q.netuid, pos.hotkey, pos.coldkey, q.alpha);
  st.patchSubnet(q.netuid, {
    taoIn: s.taoIn - q.taoOut - q.taoFee,
    alphaIn: stable ? s.alphaIn : s.alphaIn + q.alpha,
    alphaOut: s.alphaOut - q.alpha,
  });
  if (q.taoFee > 0n) st.setGlobals({ burned: st.globals().burned + q.taoFee });
  return q.taoOut;
}

/**
 * Buys alpha with `tao` into a position (the TAO fee, when `payFee`, burned before the swap; none in
 * a stable pool); returns the alpha credited and the fee. The TAO is not debited here.
 */
export function buy(st: ChainState, pos: Position, tao: bigint, payFee: boolean): { alpha: bigint; fee: bigint } {
  const s = st.subnetOrFail(pos.netuid);
  const stable = s.mechanism === 0;
  const fee = stable || !payFee ? 0n : swapFee(tao, st.params.swapFeeRate);
  const net = tao - fee;
  if (!stable && tao > 1000n * s.taoIn) fail('InsufficientLiquidity');
  const alpha = stable ? net : swapOut(s.taoIn, s.alphaIn, net);
  if (alpha <= 0n || (!stable && s.alphaIn - alpha < st.params.minimumReserve)) fail('InsufficientLiquidity');
  st.patchSubnet(pos.netuid, {
    taoIn: s.taoIn + net,
    alphaIn: stable ? s.alphaIn : s.alphaIn - alpha,
    alphaOut: s.alphaOut + alpha,
  });
  if (fee > 0n) st.setGlobals({ burned: st.globals().burned + fee });
  st.creditStake(pos.netuid, pos.hotkey, pos.coldkey, alpha);
  return { alpha, fee };
}
