import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { notAvailable } from './not-available.js';

export function registerConsensusCommand(program: Command, _ctx: CliContext): void {
  program
    .command('consensus')
    .description('(not available yet)')
    .action(() => notAvailable('consensus', 'in progress'));
}
