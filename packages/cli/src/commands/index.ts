import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerChainCommands } from './chain-ops.js';
import { registerConsensusCommand } from './consensus.js';
import { registerDashboardCommand } from './dashboard.js';
import { registerDevnetCommand } from './devnet.js';
import { registerDoctorCommand } from './doctor.js';
import { registerGatewayCommand } from './gateway.js';
import { registerLocalnetCommand } from './localnet.js';
import { registerNewCommand } from './new.js';
import { registerQueryCommand } from './query.js';
import { registerRunCommand } from './run.js';
import { registerSubnetAdmin } from './subnet-admin.js';
import { registerWalletCommand } from './wallet.js';
import { registerWalletViews } from './wallet-views.js';

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
