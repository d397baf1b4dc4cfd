import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { Flags } from './chain-ops.js';
import { SUBNET_KEYWORD } from './doctor-command.js';
import { withNetwork, withWallet } from './options.js';
import type { ChildFlags } from './stake-child.js';
import type { MoveFlags } from './stake-moves.js';

// Definitions of the chain commands (register, subnets, stake, transfer) only: the implementations
// (and @subnetkit/core with them) load when one of them runs.
const impl = () => import('./chain-ops.js');

type MoveKind = 'move' | 'transfer' | 'swap';

const DESCRIPTIONS: Record<MoveKind, string> = {
  move: 'move alpha of the wallet coldkey to another hotkey and/or subnet (move_stake)',
  transfer: 'give alpha of the wallet hotkey to another coldkey, same or other subnet (transfer_stake)',
  swap: 'swap alpha of the wallet hotkey from one subnet to another (swap_stake)',
};

export function registerChainCommands(program: Command, ctx: CliContext): void {
  withWallet(withNetwork(program.command('register')))
    .description('register a hotkey on a subnet, paying the burn from the coldkey')
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--yes', 'do not ask for confirmation of the burn')
    .option('--json', 'print the result as JSON')
    .action(async (flags: Flags) => (await impl()).runRegister(ctx, flags));

  const subnets = program.command('subnets').description('subnets on the chain, and subnet packages installed here');
  registerSubnetsAvailable(subnets, ctx);
  withNetwork(subnets.command('list'))
    .description('list subnets')
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => (await impl()).runSubnetsList(ctx, flags));
  withNetwork(subnets.command('show'))
    .description('subnet info and hyperparameters')
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => (await impl()).runSubnetsShow(ctx, flags));
  withNetwork(subnets.command('metagraph'))
    .description("a subnet's neurons: stake, incentive, dividends, emission, axons")
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => (await impl()).runMetagraph(ctx, flags));

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
      .action(async (flags: MoveFlags) => {
        const { runStake, runUnstakeAll } = await import('./stake-moves.js');
        return flags.all ? runUnstakeAll(ctx, flags) : runStake(ctx, name, flags);
      });
  }
  registerStakeMoves(stake, ctx);
  registerStakeChild(stake, ctx);
  withWallet(withNetwork(stake.command('list')))
    .description("the wallet coldkey's stakes")
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => (await impl()).runStakeList(ctx, flags));

  withWallet(withNetwork(program.command('transfer')))
    .description('send TAO from the wallet coldkey (keeps the account alive)')
    .requiredOption('--dest <address>', 'SS58 address')
    .requiredOption('--amount <tao>', 'TAO to send')
    .option('--from-uri <uri>', 'send from a dev key such as //Alice (dev chains) instead of the wallet')
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print JSON')
    .action(async (flags: Flags) => (await impl()).runTransfer(ctx, flags));
}

/** `stake move`, `stake transfer` and `stake swap` on the `stake` command group. */
export function registerStakeMoves(stake: Command, ctx: CliContext): void {
  for (const kind of ['move', 'transfer', 'swap'] as const) {
    const cmd = withWallet(withNetwork(stake.command(kind)))
      .description(DESCRIPTIONS[kind])
      .requiredOption('--origin-netuid <n>', 'subnet the alpha is on now');
    if (kind === 'transfer') cmd.option('--dest-netuid <n>', 'subnet to hold it on (default: the origin subnet)');
    else cmd.requiredOption('--dest-netuid <n>', 'subnet to move it to');
    if (kind === 'move') cmd.option('--dest-hotkey <address>', 'hotkey to stake to (default: the wallet hotkey)');
    if (kind === 'transfer') cmd.requiredOption('--dest-coldkey <address>', 'coldkey that receives the stake');
    cmd
      .requiredOption('--amount <alpha>', 'alpha to move (of the origin subnet)')
      .option('--yes', 'do not ask for confirmation')
      .option('--json', 'print JSON: origin and destination stakes after the move')
      .action(async (flags: MoveFlags) => (await import('./stake-moves.js')).runMove(ctx, kind, flags));
  }
}

export function registerStakeChild(stake: Command, ctx: CliContext): void {
  const child = stake
    .command('child')
    .description('childkeys of the wallet hotkey: delegate its stake weight (set_children)');
  withWallet(withNetwork(child.command('set')))
    .description(
      'schedule the children of the wallet hotkey on a subnet (applied at the first epoch after the cooldown)',
    )
    .requiredOption('--netuid <n>', 'subnet id (not root)')
    .requiredOption('--children <list>', 'ss58-hotkey:proportion pairs, comma separated (proportions 0–1), or none')
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print JSON: the hotkey childkey state after the call')
    .action(async (flags: ChildFlags) => (await import('./stake-child.js')).runChildSet(ctx, flags));
  withWallet(withNetwork(child.command('get')))
    .description('children, parents, pending change and childkey take of a hotkey on a subnet')
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--parent <ss58>', 'hotkey to show (default: the wallet hotkey)')
    .option('--json', 'print JSON')
    .action(async (flags: ChildFlags) => (await import('./stake-child.js')).runChildGet(ctx, flags));
  withWallet(withNetwork(child.command('take')))
    .description('set the childkey take of the wallet hotkey on a subnet (set_childkey_take)')
    .requiredOption('--netuid <n>', 'subnet id')
    .requiredOption('--take <percent>', 'take in percent (0–18)')
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print JSON: the hotkey childkey state after the call')
    .action(async (flags: ChildFlags) => (await import('./stake-child.js')).runChildTake(ctx, flags));
}

/** `subnetkit subnets available`: subnet packages installed in this project (local, no chain). */
export function registerSubnetsAvailable(subnets: Command, ctx: CliContext): void {
  subnets
    .command('available')
    .description(`subnet packages installed in this project (keyword ${SUBNET_KEYWORD}, checked as plugins)`)
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => (await import('./subnets-available.js')).runAvailable(ctx, flags));
}
