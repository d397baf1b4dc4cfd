import type { ModelRuntime } from '../models/model-runtime.js';
import type { CallTiming, ModelCallOptions, ModelDeclarations, ModelTask } from '../models/types.js';
import { errorCode, type OpsMetrics } from './metrics.js';

/** Where each task's handle takes its options (zero-shot has the labels before them). */
const OPTIONS_INDEX: Record<ModelTask, number> = {
  'text-generation': 1,
  'feature-extraction': 1,
  'image-to-image': 1,
  'zero-shot-image-classification': 2,
  'time-series-forecasting': 1,
};

/**
 * Wraps a model runtime so every handle call reports its batch size (from the runtime's own
 * `onTiming`, which local and server-backed models both fire) and its outcome. The plugin's
 * handles keep their types and methods (`stream`, `logProbs`, `info` pass through).
 */
export function instrumentModelRuntime(inner: ModelRuntime, metrics: OpsMetrics): ModelRuntime {
  const wrapAll = <H>(declarations: ModelDeclarations, handles: H): H => {
    const out: Record<string, unknown> = {};
    for (const [name, handle] of Object.entries(handles as Record<string, unknown>)) {
      const decl = declarations[name];
      out[name] = decl ? wrapHandle(handle as (...a: unknown[]) => unknown, decl.model, decl.task, metrics) : handle;
    }
    return out as H;
  };
  return {
    handles: (declarations) => wrapAll(declarations, inner.handles(declarations)),
    load: async (declarations) => wrapAll(declarations, await inner.load(declarations)),
    metrics: () => inner.metrics(),
    dispose: () => inner.dispose(),
  };
}

function wrapHandle(
  handle: (...args: unknown[]) => unknown,
  model: string,
  task: ModelTask,
  metrics: OpsMetrics,
): unknown {
  const at = OPTIONS_INDEX[task];
  const timed = (given: ModelCallOptions = {}): ModelCallOptions => ({
    ...given,
    onTiming: (timing: CallTiming) => {
      metrics.modelBatchSize.observe({ model }, timing.batchSize);
      given.onTiming?.(timing);
    },
  });
  const ok = (): void => {
    metrics.modelCalls.inc({ model, outcome: 'ok' });
  };
  const failed = (err: unknown): never => {
    metrics.modelCalls.inc({ model, outcome: errorCode(err) });
    metrics.countError(err);
    throw err;
  };
  // text streams run through the same slot (alone in their batch): counted when they end
  async function* counted(pieces: AsyncIterable<string>): AsyncIterable<string> {
    try {
      yield* pieces;
      ok();
    } catch (err) {
      failed(err);
    }
  }
  return new Proxy(handle, {
    apply(target, thisArg, args: unknown[]) {
      const next = [...args];
      next[at] = timed(args[at] as ModelCallOptions | undefined);
      return (Reflect.apply(target, thisArg, next) as Promise<unknown>).then((value) => {
        ok();
        return value;
      }, failed);
    },
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (prop !== 'stream' || typeof value !== 'function') return value;
      return (prompt: string, options?: ModelCallOptions) =>
        counted(
          (value as (p: string, o: ModelCallOptions) => AsyncIterable<string>).call(target, prompt, timed(options)),
        );
    },
  });
}
