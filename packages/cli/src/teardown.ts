import { SubnetkitError } from '@subnetkit/core/light';

/**
 * What a command started, stopped in reverse order whatever happens: a fatal error anywhere must
 * leave no axon, port or timer behind (the process would otherwise stay up after its error line).
 */
export class Teardown {
  readonly #steps: (() => Promise<unknown> | unknown)[] = [];

  /** Registers how to stop something right after it started. */
  add(step: () => Promise<unknown> | unknown): void {
    this.#steps.push(step);
  }

  /** Runs every step once, newest first; a failing step does not keep the others from running. */
  async run(): Promise<void> {
    for (const step of this.#steps.splice(0).reverse()) {
      try {
        await step();
      } catch {
        // stopping is best effort: the error that brought us here is the one to report
      }
    }
  }
}

/** The error a Ctrl-C during start-up ends a command with (exit 130, like a shell). */
export function interrupted(stage: string): SubnetkitError {
  return new SubnetkitError('SK_CLI_ABORTED', `Interrupted (Ctrl-C) ${stage}; everything started was stopped.`, {
    signal: 'SIGINT',
  });
}

/**
 * Awaits a start-up step unless Ctrl-C comes first. A step cut short keeps running in the
 * background, so `teardown` gets a step that waits for it and stops what it made.
 */
export async function unlessAborted<T>(
  signal: AbortSignal,
  step: Promise<T>,
  stage: string,
  teardown: Teardown,
  stop: (value: T) => Promise<unknown> | unknown,
): Promise<T> {
  if (signal.aborted) {
    teardown.add(() => step.then(stop, () => undefined));
    throw interrupted(stage);
  }
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(interrupted(stage));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const value = await Promise.race([step, aborted]);
    teardown.add(() => stop(value));
    return value;
  } catch (err) {
    if (signal.aborted) teardown.add(() => step.then(stop, () => undefined));
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
    aborted.catch(() => undefined);
  }
}
