import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { Readiness } from './readiness.js';

export interface GracefulShutdownOptions {
  /** How long stopping may take before the process gives up on it (in-flight work included). */
  timeoutMs: number;
  readiness?: Readiness;
}

/**
 * Runs a graceful stop: readiness goes to "shutting down" at once (new work is turned away by the
 * listeners as they drain), then `stop` runs (finish in-flight requests, persist state, close).
 * A stop that outlasts the deadline rejects with SK_OPS_SHUTDOWN_TIMEOUT so the process exits
 * non-zero instead of hanging; the stop keeps running in the background until the exit.
 */
export async function gracefulShutdown(options: GracefulShutdownOptions, stop: () => Promise<void>): Promise<void> {
  options.readiness?.drain();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SubnetkitError(
            'SK_OPS_SHUTDOWN_TIMEOUT',
            `Shutdown did not finish within ${options.timeoutMs} ms; exiting with work unfinished (raise --shutdown-timeout).`,
            { timeoutMs: options.timeoutMs },
          ),
        ),
      options.timeoutMs,
    );
  });
  try {
    await Promise.race([stop(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error a second SIGTERM/SIGINT during a graceful shutdown exits with. */
export function forcedShutdownError(signal: string): SubnetkitError {
  return new SubnetkitError(
    'SK_OPS_SHUTDOWN_FORCED',
    `Second ${signal} during shutdown: exiting now without finishing in-flight work.`,
    { signal },
  );
}
