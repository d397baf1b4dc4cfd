import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withNetwork, withWallet } from './options.js';
import type { ViewFlags } from './wallet-views.js';

// Definition only: the implementation (and @subnetkit/core with it) loads when the command runs.
const impl = () => import('./wallet-views.js');

/** `wallet balance` and `wallet overview`: read-only views of a wallet on the chain. */
export function registerWalletViews(program: Command, ctx: CliContext): void {
  const wallet = program.commands.find((c) => c.name() === 'wallet') ?? program.command('wallet');
  withWallet(withNetwork(wallet.command('balance')))
    .description('free, staked and total TAO of a wallet (or of every wallet with --all)')
    .option('--all', 'every wallet in the wallets folder')
    .option('--json', 'print JSON (amounts in rao)')
    .action(async (flags: ViewFlags) => (await impl()).runBalance(ctx, flags));
  withWallet(withNetwork(wallet.command('overview')))
    .description("the wallet's registered hotkeys on every subnet: stake, rank, trust, incentive, emission, axon")
    .option('--json', 'print JSON (amounts in rao)')
    .action(async (flags: ViewFlags) => (await impl()).runOverview(ctx, flags));
}
