import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { LocalnetOptions } from './localnet.js';

// Definition only: the implementation (and @subnetkit/core with it) loads when `subnetkit localnet` runs.
const impl = () => import('./localnet.js');

export function registerLocalnetCommand(program: Command, ctx: CliContext): void {
  program
    .command('localnet')
    .description('run a whole local network: chain, validators and miners (honest and cheating) of each subnet')
    .option(
      '--subnets <list>',
      'subnet packages or paths, comma-separated (default: the config, else the three reference subnets)',
    )
    .option('--validators <n>', 'validators per subnet', '2')
    .option('--miners <n>', 'miners per subnet (honest, plus the default cheating mix when no --profiles)')
    .option('--profiles <spec>', "miner profiles per subnet, e.g. 'honest:4,lazy:1,random:1,copycat:1,slow:1'")
    .option(
      '--block-time <duration>',
      "block time, e.g. '250ms' or '12s'; 'lockstep': the next block as soon as every validator finished its step (same outcome under any machine load; needs --epochs)",
      '250ms',
    )
    .option('--tempo <blocks>', 'blocks per epoch', '20')
    .option('--epochs <n>', 'stop after every subnet ran n epochs and print a summary')
    .option(
      '--data-dir <dir>',
      'chain database, validator state, report (rerun with it to continue)',
      '.subnetkit/localnet',
    )
    .option('--report <file>', 'HTML report path (default <data-dir>/report.html)')
    .option(
      '--seed <seed>',
      'seed of keys and challenges, for reproducible runs (default: keys from "localnet", challenges from fresh OS entropy)',
    )
    .option(
      '--rpc-port <port>',
      'also serve the chain over Substrate JSON-RPC (ws://127.0.0.1:<port>) so other processes can join: subnetkit run/query --network ws://…',
    )
    .option(
      '--network <endpoint>',
      'join a development chain another process runs (e.g. subnetkit devnet at ws://127.0.0.1:9944) instead of embedding one',
    )
    .option(
      '--funder <uri>',
      'with --network: dev key URI that funds the subnet owners and sets hyperparameters (the sudo key)',
      '//Alice',
    )
    .option(
      '--move-damaged-chain',
      'if the chain database in the data dir is damaged, move it aside (chain.damaged-<time>) and start a new chain; the rest of the data dir is kept',
    )
    .option('--dashboard-port <port>', 'port of the live dashboard on 127.0.0.1 (0 picks a free one)', '0')
    .option('--no-dashboard', 'do not serve the live dashboard')
    .option('--json', 'print the final summary as one JSON document (with --epochs)')
    .action(async (opts: LocalnetOptions) => (await impl()).runLocalnet(ctx, opts));
}
