import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { withNeuronOptions } from './options.js';
import type { RunFlags } from './run.js';

// Definition only: the implementation (and @subnetkit/core with it) loads when `subnetkit run` runs.
const impl = () => import('./run.js');

export function registerRunCommand(program: Command, ctx: CliContext): void {
  const cmd = program
    .command('run <subnet>')
    .description('run a miner or a validator of a subnet package (npm name or path) until Ctrl-C')
    .requiredOption('--role <role>', 'miner or validator')
    .option('--port <port>', 'axon port (miner)', '8091');
  withNeuronOptions(cmd).action(async (subnet: string, flags: RunFlags) =>
    (await impl()).runNeuron(ctx, subnet, flags),
  );
}
