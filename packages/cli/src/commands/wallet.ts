import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { notAvailable } from './not-available.js';

export function registerWalletCommand(program: Command, _ctx: CliContext): void {
  program
    .command('wallet')
    .description('(not available yet)')
    .action(() => notAvailable('wallet', 'in progress'));
}
