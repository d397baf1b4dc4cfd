import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { DashboardFlags } from './dashboard.js';

// Definition only: the implementation (and @subnetkit/core with it) loads when `subnetkit dashboard` runs.
const impl = () => import('./dashboard.js');

/**
 * `subnetkit dashboard`: the live dashboard of a chain this process does not run, read-only —
 * a localnet's data dir (running or stopped: its chain and history.jsonl) or any node at ws://….
 */
export function registerDashboardCommand(program: Command, ctx: CliContext): void {
  program
    .command('dashboard')
    .description('serve a live web dashboard of a network, read-only: a localnet data dir or a chain at ws://…')
    .option(
      '--network <endpoint|dir>',
      'ws://… endpoint of a chain, or a localnet data dir (default: the localnet data dir .subnetkit/localnet)',
    )
    .option('--history <file>', 'epoch history (history.jsonl) to chart (default: <dir>/history.jsonl for a data dir)')
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', '8090')
    .option('--json', 'print the URL as one JSON object on stdout')
    .action(async (flags: DashboardFlags) => (await impl()).runDashboard(ctx, flags));
}
