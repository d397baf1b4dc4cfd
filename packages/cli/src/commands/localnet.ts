import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { notAvailable } from './not-available.js';

export function registerLocalnetCommand(program: Command, _ctx: CliContext): void {
  program
    .command('localnet')
    .description('(not available yet)')
    .action(() => notAvailable('localnet', 'in progress'));
}
