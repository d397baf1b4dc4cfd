/**
 * A stage is one check of the axon pipeline written against the request state alone (no hono
 * context): it throws an {@link AxonReject} to refuse, and returns a promise only when it must wait.
 * The hono middleware are thin wrappers over the stages, and the native node:http path
 * (`./native.ts`) runs the same stages in the same order, so both answer alike.
 */
import type { MiddlewareHandler } from 'hono';
import type { AxonEnv, AxonState } from './types.js';

export type AxonStage = (s: AxonState) => undefined | Promise<void>;

/** The hono middleware of a stage: run it on `c.var.axon`, then the rest of the chain. */
export function stageMiddleware(stage: AxonStage): MiddlewareHandler<AxonEnv> {
  return async (c, next) => {
    const pending = stage(c.var.axon);
    if (pending) await pending;
    await next();
  };
}

/**
 * Runs `stages[from..]` in order on `s`: synchronously while they complete synchronously, so a
 * request that never waits allocates no promise; a rejection is a throw or a rejected promise.
 */
export function runStages(stages: readonly AxonStage[], s: AxonState, from = 0): undefined | Promise<void> {
  for (let i = from; i < stages.length; i++) {
    const pending = (stages[i] as AxonStage)(s);
    if (pending) return pending.then(() => runStages(stages, s, i + 1));
  }
  return undefined;
}
