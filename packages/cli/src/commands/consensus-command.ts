import type { Command } from 'commander';
import type { CliContext } from '../context.js';

// Definition only: the implementation (and @subnetkit/core with it) loads when `subnetkit consensus run` runs.
const impl = () => import('./consensus.js');

/** `subnetkit consensus run <scenario.json> [--json]`: the Yuma epoch simulator. */
export function registerConsensusCommand(program: Command, ctx: CliContext): void {
  const consensus = program
    .command('consensus')
    .description('Yuma Consensus tools: run epochs exactly as the chain computes them');
  consensus
    .command('run')
    .description('run a scenario (initial state, epochs, actions) and print every epoch')
    .argument('<scenario>', 'scenario JSON file (the format of the consensus test vectors)')
    .option('--json', "print one result object (the vectors' `expected` shape) on stdout")
    .action(async (file: string, opts: { json?: boolean }) => (await impl()).runConsensus(ctx, file, opts));
}
