import type { Signer } from '@subnetkit/core';
import { type Chain, type ChainCall, type ExtrinsicResult, isSubnetkitError, SubnetkitError } from '@subnetkit/core';
import { confirmOrAbort, formatTao, netuidOf, parseTao, unlockColdkey, walletFrom } from '../chain-access.js';
import type { CliContext } from '../context.js';
import { type Flags, withChain } from './chain-ops.js';

/** Flags of the stake moves (btcli's `stake move/transfer/swap`). */
export type MoveFlags = Flags & {
  originNetuid?: string;
  destNetuid?: string;
  destHotkey?: string;
  destColdkey?: string;
  limitPrice?: string;
  allowPartial?: boolean;
  all?: boolean;
};

/** The chain's price-limit refusals, said in the CLI's terms (the code and details stay the chain's). */
const LIMIT_REFUSALS: Record<string, string> = {
  SlippageTooHigh:
    'the amount would move the price past --limit-price (SlippageTooHigh); pass --allow-partial to fill up to the limit, or raise the limit.',
  PriceLimitExceeded:
    'the pool price is already past --limit-price (PriceLimitExceeded): nothing was staked or unstaked.',
};

/** Submits one stake call; price-limit refusals become a clear line naming the flag to change. */
export async function submitStake(chain: Chain, signer: Signer, call: ChainCall): Promise<ExtrinsicResult> {
  try {
    return await chain.submit(signer, call);
  } catch (err) {
    const name = isSubnetkitError(err) ? String(err.details.chainError ?? '') : '';
    const text = LIMIT_REFUSALS[name];
    if (!isSubnetkitError(err, 'SK_CHAIN_EXTRINSIC_FAILED') || text === undefined) throw err;
    throw new SubnetkitError('SK_CHAIN_EXTRINSIC_FAILED', `${call.method}: ${text}`, err.details, { cause: err });
  }
}

/** `--limit-price` (TAO per alpha) as subtensor's `limit_price`: rao per alpha. */
export function limitPriceOf(flags: MoveFlags): bigint | undefined {
  if (flags.limitPrice === undefined) {
    if (flags.allowPartial)
      throw new SubnetkitError('SK_CLI_USAGE', '--allow-partial needs --limit-price.', { option: 'allow-partial' });
    return undefined;
  }
  return parseTao(flags.limitPrice, 'limit-price');
}

interface Side {
  netuid: number;
  hotkey: string;
  coldkey: string;
  stake: bigint;
}

function sideText(label: string, s: Side): string {
  return `${label}: ${formatTao(s.stake)} α on subnet ${s.netuid} (hotkey ${s.hotkey}, coldkey ${s.coldkey})`;
}

export type MoveKind = 'move' | 'transfer' | 'swap';

/** What a move's destination is, from its flags (checked before the chain is opened). */
function destinationOf(
  kind: MoveKind,
  flags: MoveFlags,
  originNetuid: number,
): { netuid: number; hotkey?: string; coldkey?: string } {
  const netuid = flags.destNetuid === undefined && kind === 'transfer' ? originNetuid : netuidOf(flags.destNetuid);
  if (kind === 'move' && !flags.destHotkey && netuid === originNetuid)
    throw new SubnetkitError('SK_CLI_USAGE', 'stake move needs --dest-hotkey or a different --dest-netuid.', {});
  if (kind === 'swap' && netuid === originNetuid)
    throw new SubnetkitError('SK_CLI_USAGE', 'stake swap needs a --dest-netuid different from --origin-netuid.', {});
  if (kind === 'transfer' && !flags.destColdkey)
    throw new SubnetkitError('SK_CLI_USAGE', 'stake transfer needs --dest-coldkey <address>.', {});
  return { netuid, hotkey: flags.destHotkey, coldkey: flags.destColdkey };
}

export async function runMove(ctx: CliContext, kind: MoveKind, flags: MoveFlags): Promise<void> {
  const originNetuid = netuidOf(flags.originNetuid);
  const amount = parseTao(flags.amount ?? '');
  const dest = destinationOf(kind, flags, originNetuid);
  await withChain(ctx, flags, async (chain, config) => {
    const wallet = walletFrom(ctx, config, flags);
    const hotkey = (await wallet.hotkey()).address;
    const coldkey = (await wallet.coldkeypub()).address;
    const to = { netuid: dest.netuid, hotkey: dest.hotkey ?? hotkey, coldkey: dest.coldkey ?? coldkey };
    await confirmOrAbort(
      ctx,
      flags.yes,
      `${kind[0]?.toUpperCase()}${kind.slice(1)} ${formatTao(amount)} α from subnet ${originNetuid} (hotkey ${hotkey}) to subnet ${to.netuid} (hotkey ${to.hotkey}, coldkey ${to.coldkey})?`,
    );
    const signer = await unlockColdkey(ctx, wallet);
    const base = { originNetuid, destinationNetuid: to.netuid, alphaAmount: amount };
    const call: ChainCall =
      kind === 'move'
        ? {
            pallet: 'SubtensorModule',
            method: 'move_stake',
            args: { originHotkey: hotkey, destinationHotkey: to.hotkey, ...base },
          }
        : kind === 'transfer'
          ? {
              pallet: 'SubtensorModule',
              method: 'transfer_stake',
              args: { destinationColdkey: to.coldkey, hotkey, ...base },
            }
          : { pallet: 'SubtensorModule', method: 'swap_stake', args: { hotkey, ...base } };
    const result = await submitStake(chain, signer, call);
    const origin: Side = {
      netuid: originNetuid,
      hotkey,
      coldkey,
      stake: await chain.stake(hotkey, coldkey, originNetuid),
    };
    const destination: Side = { ...to, stake: await chain.stake(to.hotkey, to.coldkey, to.netuid) };
    if (flags.json) ctx.out.json({ origin, destination, block: result.blockNumber });
    else {
      ctx.out.line(sideText('origin', origin));
      ctx.out.line(sideText('destination', destination));
    }
  });
}

/** `stake add` / `stake remove`: add_stake / remove_stake, or their `_limit` forms with --limit-price. */
export async function runStake(ctx: CliContext, name: 'add' | 'remove', flags: MoveFlags): Promise<void> {
  const netuid = netuidOf(flags.netuid);
  if (flags.amount === undefined) throw new SubnetkitError('SK_CLI_USAGE', '--amount is required.', {});
  const amount = parseTao(flags.amount);
  const limitPrice = limitPriceOf(flags);
  await withChain(ctx, flags, async (chain, config) => {
    const wallet = walletFrom(ctx, config, flags);
    const hotkey = (await wallet.hotkey()).address;
    const limit =
      limitPrice === undefined ? '' : ` at ${name === 'add' ? 'most' : 'least'} ${formatTao(limitPrice)} TAO/α`;
    await confirmOrAbort(
      ctx,
      flags.yes,
      `${name === 'add' ? 'Stake' : 'Unstake'} ${formatTao(amount)} on subnet ${netuid}${limit} for ${hotkey}?`,
    );
    const coldkey = await unlockColdkey(ctx, wallet);
    const args = { hotkey, netuid };
    const limits = { limitPrice: limitPrice ?? 0n, allowPartial: flags.allowPartial === true };
    const call: ChainCall =
      name === 'add'
        ? limitPrice === undefined
          ? { pallet: 'SubtensorModule', method: 'add_stake', args: { ...args, amountStaked: amount } }
          : { pallet: 'SubtensorModule', method: 'add_stake_limit', args: { ...args, amountStaked: amount, ...limits } }
        : limitPrice === undefined
          ? { pallet: 'SubtensorModule', method: 'remove_stake', args: { ...args, amountUnstaked: amount } }
          : {
              pallet: 'SubtensorModule',
              method: 'remove_stake_limit',
              args: { ...args, amountUnstaked: amount, ...limits },
            };
    await submitStake(chain, coldkey, call);
    const now = await chain.stake(hotkey, coldkey.address, netuid);
    if (flags.json) ctx.out.json({ netuid, hotkey, stake: now });
    else ctx.out.line(`stake of ${hotkey} on subnet ${netuid}: ${formatTao(now)} α`);
  });
}

/** `stake remove --all`: unstake_all of the wallet hotkey; prints what stake is left and the balance. */
export async function runUnstakeAll(ctx: CliContext, flags: MoveFlags): Promise<void> {
  for (const option of ['netuid', 'amount', 'limitPrice', 'allowPartial'] as const)
    if (flags[option] !== undefined)
      throw new SubnetkitError(
        'SK_CLI_USAGE',
        `--all unstakes every subnet at market price: it takes no --${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.`,
        { option },
      );
  await withChain(ctx, flags, async (chain, config) => {
    const wallet = walletFrom(ctx, config, flags);
    const hotkey = (await wallet.hotkey()).address;
    await confirmOrAbort(ctx, flags.yes, `Unstake all stake of ${hotkey} on every subnet?`);
    const coldkey = await unlockColdkey(ctx, wallet);
    const result = await submitStake(chain, coldkey, {
      pallet: 'SubtensorModule',
      method: 'unstake_all',
      args: { hotkey },
    });
    const stakes = (await chain.stakesOf(coldkey.address)).filter((s) => s.hotkey === hotkey);
    const balance = await chain.balance(coldkey.address);
    if (flags.json) ctx.out.json({ hotkey, coldkey: coldkey.address, stakes, balance, block: result.blockNumber });
    else ctx.out.line(`unstaked all of ${hotkey} in block ${result.blockNumber}; balance ${formatTao(balance)} TAO`);
  });
}
