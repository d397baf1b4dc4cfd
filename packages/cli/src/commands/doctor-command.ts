import type { Command } from 'commander';
import type { CliContext } from '../context.js';

// Definition only: the checks (and @subnetkit/core with them) load when `subnetkit doctor` runs.

/** The npm keyword that marks a package as a Subnetkit subnet. */
export const SUBNET_KEYWORD = 'subnetkit-subnet';

/** `subnetkit doctor [dir]`: what authors run before `npm publish`. */
export function registerDoctorCommand(program: Command, ctx: CliContext): void {
  program
    .command('doctor')
    .description('build, then check a subnet package before publishing (plugin, core peer range, keyword, dist, files)')
    .argument('[dir]', 'package folder', '.')
    .option('--no-build', "check the build output as it is instead of running the package's build script first")
    .option('--json', 'print the report as JSON')
    .action(async (dir: string, opts: { json?: boolean; build: boolean }) =>
      (await import('./doctor.js')).runDoctor(ctx, dir, opts),
    );
}
