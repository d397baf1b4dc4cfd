import { createLogger, type Metagraph, SubnetkitError } from '@subnetkit/core';
import {
  confirmOrAbort,
  formatTao,
  keyFromUri,
  type NetworkFlags,
  netuidOf,
  openChain,
  parseTao,
  unlockColdkey,
  type WalletFlags,
  walletFrom,
} from '../chain-access.js';
import type { CliContext } from '../context.js';
import { cliConfig } from '../load.js';
import { renderTable } from '../table.js';

export type Flags = WalletFlags &
  NetworkFlags & { json?: boolean; yes?: boolean; netuid?: string; amount?: string; dest?: string; fromUri?: string };

/**
 * Opens the chain for one command and always closes it. Read-only commands open a local chain
 * read-only (a running or stopped localnet's, by default) and never create one.
 */
export async function withChain<T>(
  ctx: CliContext,
  flags: Flags,
  fn: (chain: Awaited<ReturnType<typeof openChain>>, config: Awaited<ReturnType<typeof cliConfig>>) => Promise<T>,
  access: { readOnly?: boolean } = {},
): Promise<T> {
  const config = await cliConfig(ctx);
  const log = createLogger({ level: 'warn' });
  const chain = await openChain(ctx, config, flags, log, 'instant', access);
  try {
    return await fn(chain, config);
  } finally {
    await chain.close();
  }
}

export const READ_ONLY = { readOnly: true };
/** Subnet fields that are amounts in rao (shown in τ). */
const RAO_FIELDS = /burn|lock|cost|stake|balance|emission|reserve|tao/i;

function report(ctx: CliContext, flags: Flags, data: Record<string, unknown>, text: string): void {
  if (flags.json) ctx.out.json(data);
  else ctx.out.line(text);
}

function printMetagraph(ctx: CliContext, m: Metagraph): void {
  ctx.out.line(`subnet ${m.netuid} at block ${m.block}: ${m.n} neurons`);
  const rows = m.uids.map((uid) => {
    const axon = m.axons[uid];
    return [
      uid,
      formatTao(m.totalStake[uid] ?? 0n),
      (m.incentive[uid] ?? 0).toFixed(4),
      (m.dividends[uid] ?? 0).toFixed(4),
      formatTao(m.emission[uid] ?? 0n),
      m.validatorPermit[uid] ? 'yes' : '',
      axon?.port ? `${axon.ip}:${axon.port}` : '-',
      m.hotkeys[uid],
    ];
  });
  const head = ['uid', 'stake α', 'incentive', 'dividends', 'emission α', 'vpermit', 'axon', 'hotkey'];
  for (const line of renderTable(head, rows, ['right', 'right', 'right', 'right', 'right', 'left', 'left', 'left']))
    ctx.out.line(line);
}

export function runRegister(ctx: CliContext, flags: Flags): Promise<void> {
  return withChain(ctx, flags, async (chain, config) => {
    const netuid = netuidOf(flags.netuid);
    const wallet = walletFrom(ctx, config, flags);
    const hotkey = await wallet.hotkey();
    const existing = await chain.uidOf(netuid, hotkey.address);
    if (existing !== null) {
      report(
        ctx,
        flags,
        { netuid, uid: existing, hotkey: hotkey.address, alreadyRegistered: true },
        `already registered on subnet ${netuid} as uid ${existing}`,
      );
      return;
    }
    const cost = await chain.burnCost(netuid);
    await confirmOrAbort(
      ctx,
      flags.yes,
      `Register ${hotkey.address} on subnet ${netuid} for ${formatTao(cost)} TAO (burned)?`,
    );
    const coldkey = await unlockColdkey(ctx, wallet);
    await chain.submit(coldkey, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid, hotkey: hotkey.address },
    });
    const uid = await chain.uidOf(netuid, hotkey.address);
    report(
      ctx,
      flags,
      { netuid, uid, hotkey: hotkey.address, burned: cost },
      `registered on subnet ${netuid} as uid ${uid} (burned ${formatTao(cost)} TAO)`,
    );
  });
}

export function runSubnetsList(ctx: CliContext, flags: Flags): Promise<void> {
  return withChain(
    ctx,
    flags,
    async (chain) => {
      const list = await chain.subnets();
      if (flags.json) return ctx.out.json(list);
      const rows = list.map((s) => [s.netuid, s.name, s.n, s.tempo, formatTao(s.burn), s.price.toFixed(6)]);
      for (const line of renderTable(['netuid', 'name', 'n', 'tempo', 'burn τ', 'price τ/α'], rows, [
        'right',
        'left',
        'right',
        'right',
        'right',
        'right',
      ]))
        ctx.out.line(line);
    },
    READ_ONLY,
  );
}

export function runSubnetsShow(ctx: CliContext, flags: Flags): Promise<void> {
  return withChain(
    ctx,
    flags,
    async (chain) => {
      const netuid = netuidOf(flags.netuid);
      const info = await chain.subnet(netuid);
      if (!info) throw new SubnetkitError('SK_CHAIN_NOT_FOUND', `Subnet ${netuid} does not exist.`, { netuid });
      const hyperparameters = await chain.hyperparameters(netuid);
      if (flags.json) return ctx.out.json({ ...info, hyperparameters });
      // amounts in τ, as `subnets list` shows them (--json keeps rao)
      const rows = Object.entries({ ...info, ...hyperparameters }).map(([k, v]) => [
        k,
        typeof v === 'bigint' && RAO_FIELDS.test(k) ? `${formatTao(v)} τ` : String(v),
      ]);
      for (const line of renderTable(['field', 'value'], rows)) ctx.out.line(line);
    },
    READ_ONLY,
  );
}

export function runMetagraph(ctx: CliContext, flags: Flags): Promise<void> {
  return withChain(
    ctx,
    flags,
    async (chain) => {
      const m = await chain.metagraph(netuidOf(flags.netuid));
      if (flags.json) return ctx.out.json(m);
      printMetagraph(ctx, m);
    },
    READ_ONLY,
  );
}

export function runStakeList(ctx: CliContext, flags: Flags): Promise<void> {
  return withChain(
    ctx,
    flags,
    async (chain, config) => {
      const coldkey = (await walletFrom(ctx, config, flags).coldkeypub()).address;
      const stakes = await chain.stakesOf(coldkey);
      if (flags.json) return ctx.out.json({ coldkey, stakes });
      if (stakes.length === 0) ctx.out.line(`no stake for ${coldkey}`);
      for (const s of stakes)
        ctx.out.line(`subnet ${String(s.netuid).padStart(4)}  ${s.hotkey}  ${formatTao(s.stake)} α`);
    },
    READ_ONLY,
  );
}

export function runTransfer(ctx: CliContext, flags: Flags): Promise<void> {
  return withChain(ctx, flags, async (chain, config) => {
    const value = parseTao(flags.amount ?? '');
    const dest = flags.dest ?? '';
    const from = flags.fromUri ? await keyFromUri(flags.fromUri, 'from-uri') : undefined;
    await confirmOrAbort(ctx, flags.yes, `Send ${formatTao(value)} TAO to ${dest}?`);
    const coldkey = from ?? (await unlockColdkey(ctx, walletFrom(ctx, config, flags)));
    const result = await chain.submit(coldkey, {
      pallet: 'Balances',
      method: 'transfer_keep_alive',
      args: { dest, value },
    });
    const balance = await chain.balance(coldkey.address);
    report(
      ctx,
      flags,
      { from: coldkey.address, dest, amount: value, block: result.blockNumber, balance },
      `sent ${formatTao(value)} TAO to ${dest} in block ${result.blockNumber}; balance ${formatTao(balance)} TAO`,
    );
  });
}
