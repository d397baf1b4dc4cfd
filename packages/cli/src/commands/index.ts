import type { Command } from 'commander';
import type { CliContext } from '../context.js';
// Only the command definitions load here: each implementation (and @subnetkit/core with it) is
// imported by its action, so `--help`, `--version` and usage errors start without them.
import { registerChainCommands } from './chain-ops-command.js';
import { registerConsensusCommand } from './consensus-command.js';
import { registerDashboardCommand } from './dashboard-command.js';
import { registerDevnetCommand } from './devnet-command.js';
import { registerDoctorCommand } from './doctor-command.js';
import { registerGatewayCommand } from './gateway-command.js';
import { registerLocalnetCommand } from './localnet-command.js';
import { registerNewCommand } from './new.js';
import { registerQueryCommand } from './query-command.js';
import { registerRunCommand } from './run-command.js';
import { registerSubnetAdmin } from './subnet-admin-command.js';
import { registerWalletCommand } from './wallet-command.js';
import { registerWalletViews } from './wallet-views-command.js';

/** Each command area lives in its own module and registers itself here. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerLocalnetCommand(program, ctx);
  registerRunCommand(program, ctx);
  registerQueryCommand(program, ctx);
  registerGatewayCommand(program, ctx);
  registerChainCommands(program, ctx);
  registerWalletCommand(program, ctx);
  // after the chain and wallet commands: these add to their `subnets` and `wallet` groups
  registerWalletViews(program, ctx);
  registerSubnetAdmin(program, ctx);
  registerConsensusCommand(program, ctx);
  registerDashboardCommand(program, ctx);
  registerDevnetCommand(program, ctx);
  registerNewCommand(program, ctx);
  registerDoctorCommand(program, ctx);
}
