import type { Clock } from '../util/clock.js';

/** Token-bucket limits per caller hotkey. */
export interface RateLimitOptions {
  /** Sustained requests per second per hotkey. */
  readonly perSecond: number;
  /** Bucket size (burst). */
  readonly burst: number;
  /** Most hotkeys tracked (least recently seen evicted). */
  readonly maxKeys?: number;
}

/** Per-hotkey token buckets with bounded memory. */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #opts: Required<RateLimitOptions>;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(clock: Clock, options: RateLimitOptions) {
    this.#clock = clock;
    this.#opts = { maxKeys: 10_000, ...options };
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): boolean {
    const now = this.#clock.now();
    const b = this.#buckets.get(key) ?? { tokens: this.#opts.burst, at: now };
    b.tokens = Math.min(this.#opts.burst, b.tokens + ((now - b.at) / 1000) * this.#opts.perSecond);
    b.at = now;
    this.#buckets.delete(key);
    this.#buckets.set(key, b);
    if (this.#buckets.size > this.#opts.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

/** Why a request was not admitted. */
export type AdmissionRefusal = 'queue-full' | 'evicted' | 'aborted';

/** Thrown by `PriorityGate.acquire` when a request is not admitted. */
export class AdmissionError extends Error {
  constructor(readonly reason: AdmissionRefusal) {
    super(reason);
  }
}

interface Waiter {
  readonly priority: number;
  readonly seq: number;
  readonly resolve: (release: () => void) => void;
  readonly reject: (e: AdmissionError) => void;
  readonly cleanup: () => void;
}

/**
 * At most `maxConcurrent` forwards run at once; the rest wait in a bounded queue served highest
 * priority first (FIFO within equal priority). A full queue drops its lowest-priority waiter
 * when a higher one arrives, else refuses the newcomer.
 */
export class PriorityGate {
  #running = 0;
  #seq = 0;
  // sorted: best (highest priority, then oldest) first
  readonly #queue: Waiter[] = [];

  constructor(
    readonly maxConcurrent: number,
    readonly maxQueue: number,
  ) {}

  get running(): number {
    return this.#running;
  }
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * A free slot now (nobody waiting ahead), as its release function; undefined when the caller
   * must queue through {@link acquire}. Spares the common uncontended case a promise.
   */
  tryAcquire(): (() => void) | undefined {
    if (this.#running >= this.maxConcurrent || this.#queue.length > 0) return undefined;
    this.#running++;
    return this.#releaser();
  }

  /** Waits for a slot; resolves to the release function. Rejects with `AdmissionError`. */
  acquire(priority: number, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new AdmissionError('aborted'));
    if (this.#running < this.maxConcurrent && this.#queue.length === 0) {
      this.#running++;
      return Promise.resolve(this.#releaser());
    }
    if (this.#queue.length >= this.maxQueue) {
      const worst = this.#queue[this.#queue.length - 1];
      if (this.maxQueue === 0 || worst === undefined || worst.priority >= priority) {
        return Promise.reject(new AdmissionError('queue-full'));
      }
      this.#queue.pop();
      worst.cleanup();
      worst.reject(new AdmissionError('evicted'));
    }
    return new Promise<() => void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#queue.indexOf(waiter);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(new AdmissionError('aborted'));
      };
      const waiter: Waiter = {
        priority,
        seq: this.#seq++,
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      let i = this.#queue.length;
      while (i > 0 && (this.#queue[i - 1] as Waiter).priority < priority) i--;
      this.#queue.splice(i, 0, waiter);
    });
  }

  #releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.#queue.shift();
      if (next) {
        next.cleanup();
        next.resolve(this.#releaser());
      } else {
        this.#running--;
      }
    };
  }
}
