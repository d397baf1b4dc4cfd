import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withNetwork, withWallet } from './options.js';
import type { AdminFlags } from './subnet-admin.js';

// Definition only: the implementation (and @subnetkit/core with it) loads when the command runs.
const impl = () => import('./subnet-admin.js');

/** `subnets hyperparameters`, `subnets create` and `sudo set` (btcli's subnet admin commands). */
export function registerSubnetAdmin(program: Command, ctx: CliContext): void {
  const subnets = program.commands.find((c) => c.name() === 'subnets') ?? program.command('subnets');
  withNetwork(subnets.command('hyperparameters'))
    .description('every hyperparameter of a subnet, its value and who may set it')
    .requiredOption('--netuid <n>', 'subnet id')
    .option('--json', 'print JSON')
    .action(async (flags: AdminFlags) => (await impl()).runHyperparameters(ctx, flags));
  withWallet(withNetwork(subnets.command('create')))
    .description('register a new subnet owned by the wallet (register_network; locks the lock cost)')
    .option('--name <name>', "the subnet's identity name (set_subnet_identity after registering)")
    .option(
      '--identity <json>',
      'subnet identity as JSON, e.g. {"subnet_name":"x"} (register_network_with_identity; only subnet_name is set)',
    )
    .option('--yes', 'do not ask for confirmation of the lock cost')
    .option('--json', 'print JSON')
    .action(async (flags: AdminFlags) => (await impl()).runCreate(ctx, flags));

  const sudo = program.command('sudo').description('subnet owner and root (sudo) administration');
  withWallet(withNetwork(sudo.command('set')))
    .description(
      "set a subnet hyperparameter (owner-settable: the owner's wallet; root-only: --from-uri on dev chains)",
    )
    .requiredOption('--netuid <n>', 'subnet id')
    .requiredOption('--param <name>', 'hyperparameter name (see `subnets hyperparameters`)')
    .requiredOption('--value <v>', 'new value: an integer, or true/false')
    .option('--from-uri <uri>', 'sign as this dev key (e.g. //Alice, the sudo key of local and dev chains)')
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print JSON')
    .action(async (flags: AdminFlags) => (await impl()).runSudoSet(ctx, flags));
}
