import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { Clock } from '../util/clock.js';

/** Runs a batch; resolves with one output per item, in order. `signal` aborts once every item was cancelled. */
export type BatchRunner<I, O> = (items: I[], signal: AbortSignal) => Promise<O[]>;

/** Queue settings (all required here; the runtime fills defaults). */
export interface MicroBatcherOptions {
  maxBatchSize: number;
  maxWaitMs: number;
  maxConcurrency: number;
  maxQueue: number;
}

/** What a settled item reports about its trip through the queue. */
export interface BatchTiming {
  queuedMs: number;
  runMs: number;
  batchSize: number;
}

interface Entry<I, O> {
  item: I;
  key: string;
  enqueuedAt: number;
  resolve: (v: { value: O; timing: BatchTiming }) => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
  running: RunningBatch | null;
}

interface RunningBatch {
  controller: AbortController;
  live: number;
}

function cancelled(reason: unknown): SubnetkitError {
  return new SubnetkitError(
    'SK_MODEL_CANCELLED',
    'The model call was cancelled before it finished.',
    {},
    {
      cause: reason,
    },
  );
}

/**
 * A micro-batching queue: requests with the same batch key that arrive within `maxWaitMs`
 * (or pile up while all `maxConcurrency` slots are busy) run together, up to `maxBatchSize`.
 * A failed batch is retried item by item so one bad request cannot fail its neighbours.
 */
export class MicroBatcher<I, O> {
  readonly #run: BatchRunner<I, O>;
  readonly #key: (item: I) => string;
  readonly #opts: MicroBatcherOptions;
  readonly #clock: Clock;
  #pending: Entry<I, O>[] = [];
  #running = 0;
  #wakeAt: number | null = null;
  #wakeAbort: AbortController | null = null;
  #closed: SubnetkitError | null = null;
  #idle: (() => void)[] = [];
  batches = 0;
  batchedItems = 0;

  constructor(run: BatchRunner<I, O>, key: (item: I) => string, opts: MicroBatcherOptions, clock: Clock) {
    this.#run = run;
    this.#key = key;
    this.#opts = opts;
    this.#clock = clock;
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.#pending.length;
  }

  /** Batches running now. */
  get running(): number {
    return this.#running;
  }

  /** Queues one item; settles with its output, or rejects with SK_MODEL_CANCELLED / SK_MODEL_OVERLOADED. */
  submit(item: I, signal?: AbortSignal): Promise<{ value: O; timing: BatchTiming }> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (signal?.aborted) return Promise.reject(cancelled(signal.reason));
    if (this.#pending.length >= this.#opts.maxQueue) {
      return Promise.reject(
        new SubnetkitError(
          'SK_MODEL_OVERLOADED',
          `The model queue is full (${this.#opts.maxQueue} waiting); retry later or raise batch.maxQueue.`,
          { maxQueue: this.#opts.maxQueue },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const entry: Entry<I, O> = {
        item,
        key: this.#key(item),
        enqueuedAt: this.#clock.now(),
        resolve,
        reject,
        signal,
        onAbort: undefined,
        settled: false,
        running: null,
      };
      if (signal) {
        entry.onAbort = () => this.#abortEntry(entry);
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.#pending.push(entry);
      this.#pump(false);
    });
  }

  /** Rejects everything queued with `error`, refuses new items, and resolves once running batches finish. */
  close(error: SubnetkitError): Promise<void> {
    this.#closed = error;
    this.#wakeAbort?.abort();
    for (const e of this.#pending.splice(0)) this.#settle(e, () => e.reject(error));
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #abortEntry(entry: Entry<I, O>): void {
    if (entry.settled) return;
    const i = this.#pending.indexOf(entry);
    if (i >= 0) this.#pending.splice(i, 1);
    this.#settle(entry, () => entry.reject(cancelled(entry.signal?.reason)));
    // A running batch whose every caller gave up is told to stop early.
    const batch = entry.running;
    if (batch && --batch.live === 0) batch.controller.abort(entry.signal?.reason);
  }

  #settle(entry: Entry<I, O>, fn: () => void): void {
    if (entry.settled) return;
    entry.settled = true;
    if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
    fn();
  }

  /**
   * Starts every batch that may go. A partial batch whose wait is over starts only from a timer or a
   * finished batch (`dueAllowed`), never from inside `submit`: callers released together by one batch
   * resubmit in one synchronous chain, and on a busy machine that chain can outlast maxWaitMs.
   */
  #pump(dueAllowed: boolean): void {
    while (this.#running < this.#opts.maxConcurrency && this.#pending.length > 0) {
      const now = this.#clock.now();
      let chosen: Entry<I, O>[] | null = null;
      let nextDue = Number.POSITIVE_INFINITY;
      const seen = new Set<string>();
      // Oldest key first; a key's batch goes when it is full or its oldest request has waited enough.
      for (const head of this.#pending) {
        if (seen.has(head.key)) continue;
        seen.add(head.key);
        const group = this.#pending.filter((e) => e.key === head.key).slice(0, this.#opts.maxBatchSize);
        const due = head.enqueuedAt + this.#opts.maxWaitMs;
        if (group.length >= this.#opts.maxBatchSize || (now >= due && (dueAllowed || this.#opts.maxWaitMs === 0))) {
          chosen = group;
          break;
        }
        nextDue = Math.min(nextDue, due);
      }
      if (!chosen) {
        this.#wakeUpAt(nextDue);
        return;
      }
      const taken = new Set(chosen);
      this.#pending = this.#pending.filter((e) => !taken.has(e));
      void this.#dispatch(chosen, now);
    }
  }

  #wakeUpAt(at: number): void {
    if (this.#wakeAt !== null && this.#wakeAt <= at) return;
    this.#wakeAbort?.abort();
    const ctrl = new AbortController();
    this.#wakeAbort = ctrl;
    this.#wakeAt = at;
    this.#clock.sleep(Math.max(0, at - this.#clock.now()), ctrl.signal).then(
      () => {
        if (this.#wakeAbort !== ctrl) return;
        this.#wakeAt = null;
        this.#wakeAbort = null;
        this.#pump(true);
      },
      () => {},
    );
  }

  async #dispatch(group: Entry<I, O>[], startedAt: number): Promise<void> {
    this.#running++;
    this.batches++;
    this.batchedItems += group.length;
    const batch: RunningBatch = { controller: new AbortController(), live: group.length };
    for (const e of group) e.running = batch;
    try {
      let outputs: O[] | null = null;
      let failure: unknown = null;
      try {
        outputs = await this.#run(
          group.map((e) => e.item),
          batch.controller.signal,
        );
        if (outputs.length !== group.length) throw new Error(`batch runner returned ${outputs.length} outputs`);
      } catch (err) {
        failure = err;
      }
      if (outputs) {
        const runMs = this.#clock.now() - startedAt;
        group.forEach((e, i) => {
          this.#settle(e, () =>
            e.resolve({
              value: outputs[i] as O,
              timing: { queuedMs: startedAt - e.enqueuedAt, runMs, batchSize: group.length },
            }),
          );
        });
      } else if (group.length === 1) {
        const e = group[0] as Entry<I, O>;
        this.#settle(e, () => e.reject(failure));
      } else {
        // Isolate the failure: rerun each live item alone, so only the bad one fails.
        for (const e of group) {
          if (e.settled) continue;
          const t0 = this.#clock.now();
          const solo = new AbortController();
          e.running = { controller: solo, live: 1 };
          try {
            const [value] = await this.#run([e.item], solo.signal);
            const runMs = this.#clock.now() - t0;
            this.#settle(e, () =>
              e.resolve({ value: value as O, timing: { queuedMs: startedAt - e.enqueuedAt, runMs, batchSize: 1 } }),
            );
          } catch (err) {
            this.#settle(e, () => e.reject(err));
          }
        }
      }
    } finally {
      this.#running--;
      if (this.#closed) {
        if (this.#running === 0) for (const done of this.#idle.splice(0)) done();
      } else {
        this.#pump(true);
      }
    }
  }
}
