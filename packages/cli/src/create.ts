import { SubnetkitError } from '@subnetkit/core/light';
import { Command, CommanderError } from 'commander';
import { configureNewCommand } from './commands/new.js';
import { createCliContext, type MainOptions } from './context.js';
import { EXIT, reportError } from './output.js';

/**
 * `create-subnetkit <name>` (what `npm init subnetkit` runs): `subnetkit new` as a program of its
 * own, so its help and usage errors name create-subnetkit. Returns the exit code.
 */
export async function createSubnetkitMain(argv: string[], options: MainOptions = {}): Promise<number> {
  const { ctx, stderr } = createCliContext(options);
  const program = configureNewCommand(
    new Command('create-subnetkit')
      .description('scaffold a publishable Subnetkit subnet package (the same generator as `subnetkit new`)')
      .configureOutput({
        writeOut: (s) => ctx.out.write(s),
        writeErr: (s) => ctx.out.info(s.trimEnd()),
        // the error line is printed once below, as SK_CLI_USAGE
        outputError: () => undefined,
      })
      .exitOverride(),
    ctx,
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (err) {
    const json = argv.includes('--json');
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return EXIT.OK; // --help
      const message = err.message
        .replace(/^error: /, '')
        .replace(/\s*\n\s*/g, ' ')
        .trim();
      return reportError(new SubnetkitError('SK_CLI_USAGE', `${message} (run with --help for usage)`), stderr, json);
    }
    return reportError(err, stderr, json);
  }
}
