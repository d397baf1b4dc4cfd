import { createLogger, type Metagraph, SubnetkitError } from '@subnetkit/core';
import type { Command } from 'commander';
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
import { registerStakeChild } from './stake-child.js';
import { type MoveFlags, registerStakeMoves, runStake, runUnstakeAll } from './stake-moves.js';
import { registerSubnetsAvailable } from './subnets-available.js';

export type Flags = WalletFlags &
  NetworkFlags & { json?: boolean; yes?: boolean; netuid?: string; amount?: string; dest?: string; fromUri?: string };

export function withNetwork(cmd: Command): Command {
  return cmd
    .option('--network <network>', "'local' (embedded chain in --data-dir), finney, test, or a ws:// endpoint")
    .option('--data-dir <dir>', 'data dir of the local chain (network local)');
}

export function withWallet(cmd: Command): Command {
  return cmd
    .option('--wallet <name>', 'wallet name')
    .option('--hotkey <name>', 'hotkey name')
    .option('--wallet-path <dir>', 'wallets folder (default ~/.bittensor/wallets)');
}

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

export function registerChainCommands(program: Command, ctx: CliContext): void {
  withWallet(withNetwork(program.command('register')))
    .description('register a hotkey on a subnet, paying the burn from the coldkey')
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--yes', 'do not ask for confirmation of the burn')
    .option('--json', 'print the result as JSON')
    .action((flags: Flags) =>
      withChain(ctx, flags, async (chain, config) => {
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
      }),
    );

  const subnets = program.command('subnets').description('subnets on the chain, and subnet packages installed here');
  registerSubnetsAvailable(subnets, ctx);
  withNetwork(subnets.command('list'))
    .description('list subnets')
    .option('--json', 'print JSON')
    .action((flags: Flags) =>
      withChain(
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
      ),
    );
  withNetwork(subnets.command('show'))
    .description('subnet info and hyperparameters')
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--json', 'print JSON')
    .action((flags: Flags) =>
      withChain(
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
      ),
    );
  withNetwork(subnets.command('metagraph'))
    .description("a subnet's neurons: stake, incentive, dividends, emission, axons")
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--json', 'print JSON')
    .action((flags: Flags) =>
      withChain(
        ctx,
        flags,
        async (chain) => {
          const m = await chain.metagraph(netuidOf(flags.netuid));
          if (flags.json) return ctx.out.json(m);
          printMetagraph(ctx, m);
        },
        READ_ONLY,
      ),
    );

  const stake = program
    .command('stake')
    .description(
      'add, remove, move, transfer, swap and list stake (alpha on a subnet, bought with TAO through its pool)',
    );
  for (const name of ['add', 'remove'] as const) {
    const cmd = withWallet(withNetwork(stake.command(name)))
      .description(
        name === 'add'
          ? 'stake TAO to the wallet hotkey on a subnet'
          : 'unstake alpha from the wallet hotkey on a subnet (--all: every subnet, unstake_all)',
      )
      .option('--netuid <n>', 'subnet id')
      .option('--amount <amount>', name === 'add' ? 'TAO to stake' : 'alpha to unstake')
      .option(
        '--limit-price <tao>',
        name === 'add'
          ? 'highest price (TAO per alpha) to buy at (add_stake_limit)'
          : 'lowest price (TAO per alpha) to sell at (remove_stake_limit)',
      )
      .option('--allow-partial', 'with --limit-price: fill up to the limit instead of refusing');
    if (name === 'remove') cmd.option('--all', "unstake all the wallet hotkey's stake on every subnet (unstake_all)");
    cmd
      .option('--yes', 'do not ask for confirmation')
      .option('--json', 'print JSON')
      .action((flags: MoveFlags) => (flags.all ? runUnstakeAll(ctx, flags) : runStake(ctx, name, flags)));
  }
  registerStakeMoves(stake, ctx);
  registerStakeChild(stake, ctx);
  withWallet(withNetwork(stake.command('list')))
    .description("the wallet coldkey's stakes")
    .option('--json', 'print JSON')
    .action((flags: Flags) =>
      withChain(
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
      ),
    );

  withWallet(withNetwork(program.command('transfer')))
    .description('send TAO from the wallet coldkey (keeps the account alive)')
    .requiredOption('--dest <address>', 'SS58 address')
    .requiredOption('--amount <tao>', 'TAO to send')
    .option('--from-uri <uri>', 'send from a dev key such as //Alice (dev chains) instead of the wallet')
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print JSON')
    .action((flags: Flags) =>
      withChain(ctx, flags, async (chain, config) => {
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
      }),
    );
}

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
