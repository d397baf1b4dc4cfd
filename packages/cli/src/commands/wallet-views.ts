import { resolve } from 'node:path';
import { type Chain, defaultWalletPath, listWallets, type Rao, SubnetkitError, type Wallet } from '@subnetkit/core';
import { formatTao, walletFrom } from '../chain-access.js';
import type { CliContext } from '../context.js';
import { renderTable } from '../table.js';
import { type Flags, READ_ONLY, withChain } from './chain-ops.js';

export type ViewFlags = Flags & { all?: boolean };

/** One wallet's balances (rao); `staked` values alpha at each subnet's current price, as btcli does. */
export interface WalletBalance {
  name: string;
  coldkey: string;
  free: Rao;
  staked: Rao;
  total: Rao;
  stakes: { netuid: number; hotkey: string; alpha: Rao; tao: Rao }[];
}

/** A neuron of the wallet's, as `wallet overview` lists it (btcli's overview columns). */
export interface OverviewRow {
  netuid: number;
  uid: number;
  hotkey: string;
  /** The wallet's hotkey name, when the hotkey is one of its files. */
  hotkeyName: string | null;
  stake: Rao;
  rank: number;
  trust: number;
  consensus: number;
  incentive: number;
  dividends: number;
  emission: Rao;
  validatorPermit: boolean;
  axon: string | null;
  lastUpdate: number;
}

const PRICE_SCALE = 1_000_000_000n;

/** alpha × price in TAO; the price is a display float, so scale it to 1e-9 TAO first. */
function alphaToTao(alpha: Rao, price: number): Rao {
  return (alpha * BigInt(Math.round(price * 1e9))) / PRICE_SCALE;
}

async function balanceOf(
  chain: Chain,
  name: string,
  coldkey: string,
  prices: Map<number, number>,
): Promise<WalletBalance> {
  const free = await chain.balance(coldkey);
  const stakes = (await chain.stakesOf(coldkey)).map((s) => ({
    netuid: s.netuid,
    hotkey: s.hotkey,
    alpha: s.stake,
    // root (netuid 0) stake is TAO itself
    tao: s.netuid === 0 ? s.stake : alphaToTao(s.stake, prices.get(s.netuid) ?? 0),
  }));
  const staked = stakes.reduce((sum, s) => sum + s.tao, 0n);
  return { name, coldkey, free, staked, total: free + staked, stakes };
}

/** The wallets a view looks at: every wallet in the folder (--all), else the one named. */
async function walletsOf(ctx: CliContext, flags: ViewFlags, config: Parameters<typeof walletFrom>[1]) {
  if (!flags.all) {
    const w = walletFrom(ctx, config, flags);
    return [{ name: w.name, coldkey: (await w.coldkeypub()).address }];
  }
  const path = flags.walletPath ?? config.wallet.path;
  const root = path ? resolve(ctx.cwd, path) : defaultWalletPath(ctx.env);
  const found = (await listWallets({ path: root, env: ctx.env })).filter((w) => w.coldkey !== undefined);
  if (found.length === 0)
    throw new SubnetkitError('SK_WALLET_NOT_FOUND', `No wallets with a coldkey in ${root}.`, { path: root });
  return found.map((w) => ({ name: w.name, coldkey: w.coldkey as string }));
}

export async function runBalance(ctx: CliContext, flags: ViewFlags): Promise<void> {
  if (flags.all && flags.wallet)
    throw new SubnetkitError('SK_CLI_USAGE', 'Give either --wallet or --all, not both.', {});
  await withChain(
    ctx,
    flags,
    async (chain, config) => {
      const wallets = await walletsOf(ctx, flags, config);
      const prices = new Map((await chain.subnets()).map((s) => [s.netuid, s.price]));
      const balances: WalletBalance[] = [];
      for (const w of wallets) balances.push(await balanceOf(chain, w.name, w.coldkey, prices));
      const sum = (k: 'free' | 'staked' | 'total') => balances.reduce((a, b) => a + b[k], 0n);
      const totals = { free: sum('free'), staked: sum('staked'), total: sum('total') };
      if (flags.json) return ctx.out.json({ wallets: balances, totals });
      const rows = balances.map((b) => [b.name, b.coldkey, formatTao(b.free), formatTao(b.staked), formatTao(b.total)]);
      if (balances.length > 1)
        rows.push(['total', '', formatTao(totals.free), formatTao(totals.staked), formatTao(totals.total)]);
      const head = ['wallet', 'coldkey', 'free τ', 'staked τ', 'total τ'];
      for (const line of renderTable(head, rows, ['left', 'left', 'right', 'right', 'right'])) ctx.out.line(line);
    },
    READ_ONLY,
  );
}

export async function runOverview(ctx: CliContext, flags: ViewFlags): Promise<void> {
  await withChain(
    ctx,
    flags,
    async (chain, config) => {
      const wallet: Wallet = walletFrom(ctx, config, flags);
      const coldkey = (await wallet.coldkeypub()).address;
      const names = new Map<string, string>();
      for (const h of await wallet.listHotkeys()) if (h.address) names.set(h.address, h.name);
      const rows: OverviewRow[] = [];
      for (const subnet of await chain.subnets()) {
        const m = await chain.metagraph(subnet.netuid);
        for (const uid of m.uids) {
          const hotkey = m.hotkeys[uid] ?? '';
          // the wallet's own hotkeys, and any other hotkey its coldkey owns
          if (!names.has(hotkey) && m.coldkeys[uid] !== coldkey) continue;
          const axon = m.axons[uid];
          rows.push({
            netuid: subnet.netuid,
            uid,
            hotkey,
            hotkeyName: names.get(hotkey) ?? null,
            stake: m.totalStake[uid] ?? 0n,
            rank: m.ranks[uid] ?? 0,
            trust: m.trust[uid] ?? 0,
            consensus: m.consensus[uid] ?? 0,
            incentive: m.incentive[uid] ?? 0,
            dividends: m.dividends[uid] ?? 0,
            emission: m.emission[uid] ?? 0n,
            validatorPermit: m.validatorPermit[uid] ?? false,
            axon: axon?.port ? `${axon.ip}:${axon.port}` : null,
            lastUpdate: m.lastUpdate[uid] ?? 0,
          });
        }
      }
      const block = await chain.blockNumber();
      if (flags.json) return ctx.out.json({ name: wallet.name, coldkey, block, neurons: rows });
      ctx.out.line(`wallet ${wallet.name} (${coldkey}) at block ${block}: ${rows.length} registered hotkeys`);
      if (rows.length === 0) return;
      const f = (v: number) => v.toFixed(4);
      const table = rows.map((r) => [
        r.netuid,
        r.uid,
        r.hotkeyName ?? r.hotkey,
        formatTao(r.stake),
        f(r.rank),
        f(r.trust),
        f(r.consensus),
        f(r.incentive),
        f(r.dividends),
        formatTao(r.emission),
        r.validatorPermit ? 'yes' : '',
        r.axon ?? '-',
        r.lastUpdate,
      ]);
      const head = ['netuid', 'uid', 'hotkey', 'stake α', 'rank', 'trust', 'consensus', 'incentive', 'dividends'];
      head.push('emission α', 'vpermit', 'axon', 'updated');
      const align = head.map((_, i) => (i === 2 || i === 10 || i === 11 ? 'left' : 'right') as 'left' | 'right');
      for (const line of renderTable(head, table, align)) ctx.out.line(line);
    },
    READ_ONLY,
  );
}
