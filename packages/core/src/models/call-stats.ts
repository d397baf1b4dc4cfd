import { isSubnetkitError } from '../errors/subnetkit-error.js';
import { LatencyWindow } from './latency-window.js';
import type { MicroBatcher } from './micro-batcher.js';
import type { ModelCallOptions, ModelMetrics } from './types.js';

type CallFields = Pick<
  ModelMetrics,
  | 'requests'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'batches'
  | 'meanBatchSize'
  | 'queued'
  | 'running'
  | 'latencyMs'
  | 'queuedMs'
>;

/**
 * The per-handle call accounting every model provider reports the same way (local transformers.js
 * models and server-backed ones): outcome counts, latency and queueing windows, batch figures.
 */
export class CallStats {
  readonly #latency = new LatencyWindow();
  readonly #queued = new LatencyWindow();
  readonly #counts = { requests: 0, succeeded: 0, failed: 0, cancelled: 0 };

  /** Submits `request` to `batcher`, counting its outcome and reporting its timing to the caller. */
  async submit(
    batcher: MicroBatcher<unknown, unknown>,
    request: unknown,
    options: ModelCallOptions | undefined,
  ): Promise<unknown> {
    this.#counts.requests++;
    try {
      const { value, timing } = await batcher.submit(request, options?.signal);
      this.#counts.succeeded++;
      const totalMs = timing.queuedMs + timing.runMs;
      this.#latency.add(totalMs);
      this.#queued.add(timing.queuedMs);
      options?.onTiming?.({ ...timing, totalMs });
      return value;
    } catch (err) {
      if (isSubnetkitError(err, 'SK_MODEL_CANCELLED')) this.#counts.cancelled++;
      else this.#counts.failed++;
      throw err;
    }
  }

  /** The call fields of `ModelMetrics`; `batcher` is absent until the model has loaded. */
  fields(batcher: MicroBatcher<unknown, unknown> | null | undefined): CallFields {
    const q = this.#queued.summary();
    return {
      ...this.#counts,
      batches: batcher?.batches ?? 0,
      meanBatchSize: batcher && batcher.batches > 0 ? batcher.batchedItems / batcher.batches : 0,
      queued: batcher?.queued ?? 0,
      running: batcher?.running ?? 0,
      latencyMs: this.#latency.summary(),
      queuedMs: q ? { p50: q.p50, p99: q.p99 } : null,
    };
  }
}
