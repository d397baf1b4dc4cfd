import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { QueryFlags } from './query.js';

// Definition only: the implementation (and @subnetkit/core with it) loads when `subnetkit query` runs.
const impl = () => import('./query.js');

export function registerQueryCommand(program: Command, ctx: CliContext): void {
  program
    .command('query <subnet> <input>')
    .description(
      'ask a subnet\'s best miners (by incentive): text "prompt" | image in.png -o out.png | predict series.csv',
    )
    .option('--stream', 'print the answer as it streams (subnets that stream, e.g. text)')
    .option('--top-k <n>', 'miners to ask, best incentive first; the first valid answer wins', '3')
    .option('-o, --output <file>', 'write the answer to a file (images)')
    .option('--data-dir <dir>', 'the running localnet to query', '.subnetkit/localnet')
    .option(
      '--network <network>',
      'query a chain instead of the localnet: finney, test or ws:// (needs --wallet/--hotkey, registered)',
    )
    .option('--netuid <n>', 'subnet id (with --network)')
    .option('--wallet <name>', 'wallet whose hotkey signs the query (with --network)')
    .option('--hotkey <name>', 'hotkey name')
    .option('--wallet-path <dir>', 'wallets folder')
    .option('--horizon <n>', 'forecast steps (predict)', '6')
    .option('--max-tokens <n>', 'tokens to generate at most (text)')
    .option('--json', 'print the raw response as JSON')
    .action(async (subnet: string, input: string, flags: QueryFlags) => {
      const { ALIASES, runQuery } = await impl();
      return runQuery(ctx, ALIASES[subnet] ?? subnet, input, flags);
    });
}
