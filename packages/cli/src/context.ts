import type { Output } from './output.js';

/** What every command gets: where to print, the environment and the working directory. */
export interface CliContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Resolves when the user presses Ctrl-C (SIGINT/SIGTERM); long-running commands stop then. */
  shutdown: AbortSignal;
}
