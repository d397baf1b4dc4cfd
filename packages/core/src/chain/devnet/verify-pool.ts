import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { sr25519Verify } from '../../crypto/sr25519.js';

/** One sr25519 signature to check. */
export interface SignatureCheck {
  signature: Uint8Array;
  message: Uint8Array;
  publicKey: Uint8Array;
}

// Plain CommonJS so the same worker runs from sources (tsx, vitest) and from dist; it loads the
// same wasm verifier as the main thread (crypto/sr25519.ts), by the path the main thread resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const wasm = require(workerData.wasmCrypto);
wasm.waitReady().then(() => {
  parentPort.on('message', ({ id, checks }) => {
    const ok = new Uint8Array(checks.length);
    for (let i = 0; i < checks.length; i++) {
      const c = checks[i];
      try {
        ok[i] = c.signature.length === 64 && c.publicKey.length === 32 && wasm.sr25519Verify(c.signature, c.message, c.publicKey) ? 1 : 0;
      } catch {
        ok[i] = 0;
      }
    }
    parentPort.postMessage({ id, ok });
  });
  parentPort.postMessage({ ready: true });
});
`;

/** Checks per batch: large enough to amortise a hand-off, small enough to overlap with decoding. */
const MAX_BATCH = 64;

interface VerifyWorker {
  worker: Worker;
  ready: boolean;
}

/**
 * sr25519 verification for the devnet's submit path, batched per event-loop turn: the checks of
 * extrinsics that arrive together go out as one batch, split over worker threads when there are
 * enough of them to pay for the hand-off (a burst), verified on the calling thread otherwise (a
 * lone extrinsic, or before the workers are up). Each check's callback runs once with its
 * result; callbacks of one batch run in one turn, in submission order.
 */
export class VerifyPool {
  readonly #size: number;
  readonly #minBatch: number;
  #workers: VerifyWorker[] = [];
  #queue: { check: SignatureCheck; done: (ok: boolean) => void }[] = [];
  #scheduled = false;
  #nextId = 1;
  readonly #inFlight = new Map<
    number,
    { worker: VerifyWorker; checks: SignatureCheck[]; cb: (ok: Uint8Array) => void }
  >();
  #started = false;
  #closed = false;

  /**
   * `workers`: threads to start on the first burst (default: the cores less two, at most 4: the
   * server's thread and its clients keep one each; on 2 cores the hand-off cost more CPU per
   * transfer than it saved in `npm run bench -- devnet`; 0 verifies everything on the calling
   * thread). `minBatch`: the smallest batch sent to them.
   */
  constructor(workers = Math.max(0, Math.min(4, availableParallelism() - 2)), minBatch = 8) {
    this.#size = Math.max(0, workers);
    this.#minBatch = minBatch;
  }

  /**
   * Queues a check; `done` gets its result in a later turn, or at once when this check fills a
   * batch that is verified inline. A full batch goes out at once, so the workers verify one
   * batch while this thread decodes the next.
   */
  verify(check: SignatureCheck, done: (ok: boolean) => void): void {
    this.#queue.push({ check, done });
    if (this.#queue.length >= MAX_BATCH) {
      this.#flush();
      return;
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  /** Checks verified on the calling thread and by workers so far. */
  readonly counts = { inline: 0, workers: 0 };

  /** Starts the workers now (rather than on the first burst); resolves with how many are ready. */
  start(): Promise<number> {
    this.#start();
    return Promise.all(
      this.#workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.ready) return resolve();
            w.worker.once('message', () => resolve());
            w.worker.once('exit', () => resolve());
          }),
      ),
    ).then(() => this.#workers.filter((w) => w.ready).length);
  }

  #flush(): void {
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    const ready = this.#workers.filter((w) => w.ready);
    if (batch.length >= this.#minBatch && !this.#closed) this.#start();
    if (ready.length === 0 || batch.length < this.#minBatch) {
      this.counts.inline += batch.length;
      for (const { check, done } of batch) done(sr25519Verify(check.signature, check.message, check.publicKey));
      return;
    }
    // consecutive slices, one per ready worker; results are applied in batch order once all are back
    this.counts.workers += batch.length;
    const per = Math.ceil(batch.length / ready.length);
    const results: (Uint8Array | null)[] = [];
    let waiting = 0;
    const settle = (): void => {
      let i = 0;
      for (const part of results) {
        for (const ok of part as Uint8Array) (batch[i++] as (typeof batch)[number]).done(ok === 1);
      }
    };
    for (let start = 0, k = 0; start < batch.length; start += per, k++) {
      const slot = results.length;
      results.push(null);
      waiting++;
      const id = this.#nextId++;
      const worker = ready[k] as VerifyWorker;
      const checks = batch.slice(start, start + per).map((b) => b.check);
      this.#inFlight.set(id, {
        worker,
        checks,
        cb: (ok) => {
          results[slot] = ok;
          if (--waiting === 0) settle();
        },
      });
      worker.worker.postMessage({ id, checks });
    }
  }

  /** Starts the workers (once); until one reports ready, checks are verified inline. */
  #start(): void {
    if (this.#started || this.#size === 0) return;
    this.#started = true;
    const wasmCrypto = createRequire(import.meta.url).resolve('@polkadot/wasm-crypto');
    for (let i = 0; i < this.#size; i++) {
      const w: VerifyWorker = {
        worker: new Worker(WORKER_SOURCE, { eval: true, workerData: { wasmCrypto } }),
        ready: false,
      };
      // a devnet never waits on its workers to exit
      w.worker.unref();
      w.worker.on('message', (m: { ready?: boolean; id?: number; ok?: Uint8Array }) => {
        if (m.ready) w.ready = true;
        else if (m.id !== undefined && m.ok) {
          const job = this.#inFlight.get(m.id);
          this.#inFlight.delete(m.id);
          job?.cb(m.ok);
        }
      });
      w.worker.on('error', () => this.#drop(w));
      w.worker.on('exit', () => this.#drop(w));
      this.#workers.push(w);
    }
  }

  /** A worker that failed or exited takes no more batches; the batches it held are verified inline. */
  #drop(w: VerifyWorker): void {
    w.ready = false;
    this.#workers = this.#workers.filter((x) => x !== w);
    for (const [id, job] of [...this.#inFlight]) {
      if (job.worker !== w) continue;
      this.#inFlight.delete(id);
      job.cb(Uint8Array.from(job.checks, (c) => (sr25519Verify(c.signature, c.message, c.publicKey) ? 1 : 0)));
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.#workers;
    // batches still out are answered inline as the workers exit (#drop)
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}
