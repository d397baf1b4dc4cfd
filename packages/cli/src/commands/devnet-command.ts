import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { DevnetFlags } from './devnet.js';

// Definition only: the implementation (and @subnetkit/core with it) loads when `subnetkit devnet` runs.
const impl = () => import('./devnet.js');

/** `subnetkit devnet`: the local chain served over Substrate JSON-RPC (WebSocket) for @polkadot/api clients. */
export function registerDevnetCommand(program: Command, ctx: CliContext): void {
  program
    .command('devnet')
    .description('serve the local chain as a Substrate devnet (JSON-RPC over WebSocket, subtensor metadata)')
    .option('--port <port>', 'WebSocket port (0 picks a free one)', '9944')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--block-time <duration>', 'block interval (12s, 250ms), "instant" or "manual"', '12s')
    .option('--data-dir <dir>', 'persist the chain in this directory (default: in memory)')
    .option('--history <blocks>', 'recent blocks whose state stays queryable at their hash', '256')
    .option('--log-level <level>', 'log level on stderr', 'warn')
    .option('--json', 'print the endpoint as one JSON object on stdout')
    .action(async (flags: DevnetFlags) => (await impl()).runDevnet(ctx, flags));
}
