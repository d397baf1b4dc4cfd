import type { Kdf } from '@subnetkit/core';
import type { ChainPool } from './chain-pool.js';
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
  /** Subtensor connections shared with other commands of this process (see `MainOptions.chains`). */
  chains?: ChainPool;
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
  /**
   * Subtensor connections kept open across `main` calls, for programmatic callers only (no flag): the
   * suite runs dozens of commands against one devnet, and each new connection decodes the whole metadata.
   * The caller closes the pool.
   */
  chains?: ChainPool;
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
    ...(options.chains ? { chains: options.chains } : {}),
  };
  return { ctx, stderr };
}
