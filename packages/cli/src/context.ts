import { createOutput, type Output } from './output.js';

/** What every command gets: where to print, the environment and the working directory. */
export interface CliContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves when the user presses Ctrl-C (SIGINT/SIGTERM); long-running commands stop then. */
  shutdown: AbortSignal;
}

/** Where a CLI entry point prints and runs; each field defaults to the process's own. */
export interface MainOptions {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  shutdown?: AbortSignal;
}

/** The context of one CLI run, and the stream its error line goes to. */
export function createCliContext(options: MainOptions): { ctx: CliContext; stderr: NodeJS.WritableStream } {
  const stderr = options.stderr ?? process.stderr;
  const ctx: CliContext = {
    out: createOutput(options.stdout, stderr),
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    shutdown: options.shutdown ?? new AbortController().signal,
  };
  return { ctx, stderr };
}
