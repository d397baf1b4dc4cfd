import type { Kdf } from '@subnetkit/core';
import { createOutput, type Output } from './output.js';

/** What every command gets: where to print, the environment and the working directory. */
export interface CliContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves when the user presses Ctrl-C (SIGINT/SIGTERM); long-running commands stop then. */
  shutdown: AbortSignal;
  /** Password → key of wallet files; unset means the SDK's (see `walletKdf`). */
  kdf?: Kdf;
}

/** Where a CLI entry point prints and runs; each field defaults to the process's own. */
export interface MainOptions {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  shutdown?: AbortSignal;
  /**
   * Password → key of wallet files, for programmatic callers only (no flag): the suite passes a cheap
   * Argon2i so that one test, not every wallet test, pays the SDK's 512 MiB derivation.
   */
  kdf?: Kdf;
}

/** The context of one CLI run, and the stream its error line goes to. */
export function createCliContext(options: MainOptions): { ctx: CliContext; stderr: NodeJS.WritableStream } {
  const stderr = options.stderr ?? process.stderr;
  const ctx: CliContext = {
    out: createOutput(options.stdout, stderr),
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    shutdown: options.shutdown ?? new AbortController().signal,
    ...(options.kdf ? { kdf: options.kdf } : {}),
  };
  return { ctx, stderr };
}
