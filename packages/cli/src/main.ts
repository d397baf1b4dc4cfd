import { SubnetkitError } from '@subnetkit/core/light';
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { type CliContext, createCliContext, type MainOptions } from './context.js';
import { EXIT, reportError } from './output.js';

export type { MainOptions } from './context.js';

/** Builds the command tree (exported for tests and `--help` docs). */
export function createProgram(ctx: CliContext): Command {
  const program = new Command('subnetkit')
    .description('Build, run and publish Bittensor-style subnets in TypeScript')
    .version(VERSION, '-v, --version')
    .configureOutput({
      writeOut: (s) => ctx.out.write(s),
      writeErr: (s) => ctx.out.info(s.trimEnd()),
      // commander's own error line is dropped: main() prints it once, as SK_CLI_USAGE
      outputError: () => undefined,
    })
    .exitOverride();
  registerCommands(program, ctx);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

const VERSION = '0.1.0';

/** Runs the CLI and returns the exit code (0 ok, 1 failure, 2 usage). */
export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const { ctx, stderr } = createCliContext(options);
  const program = createProgram(ctx);
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit through here with code 0
      if (err.exitCode === 0) return EXIT.OK;
      const message = err.message
        .replace(/^error: /, '')
        .replace(/\s*\n\s*/g, ' ')
        .trim();
      return reportError(
        new SubnetkitError('SK_CLI_USAGE', `${message} (run with --help for usage)`, { commander: err.code }),
        stderr,
        json,
      );
    }
    return reportError(err, stderr, json);
  }
}
