/**
 * sr25519 signing with the nonce work done ahead of time. A Schnorr signature is (R, s) with
 * R = r·B for a fresh secret scalar r, and s = r + k·a where k hashes the message, the public key
 * and R. Only R = r·B is expensive, and it does not depend on the message, so a pool of (r, R)
 * pairs is filled by a worker thread (or while the process is idle) and a signature then costs a
 * transcript hash and two scalar operations. r is uniformly random (libsodium) and used once;
 * schnorrkel instead derives it from the key's nonce half plus randomness, which verifiers cannot
 * tell apart. With no prepared nonce left, a signature falls back to the ordinary signer.
 */

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { Transcript } from '../crypto/merlin.js';
import { L, leToBigint, writeLe32 } from '../crypto/ristretto/scalar.js';
import { challenge, substrateContext } from '../crypto/schnorrkel.js';
import { getSodium } from './crypto-ready.js';

interface Nonce {
  readonly r: bigint;
  readonly R: Uint8Array;
}

/** Options of a presigned signer. */
export interface PresignOptions {
  /** Nonces kept ready. Default 256 (a fan-out's worth). */
  readonly poolSize?: number;
  /** Prepare nonces on a worker thread (default), or on this thread between other work. */
  readonly worker?: boolean;
}

const CHUNK = 64;

/** Worker source (CommonJS, eval'd): answers a count n with n × (r ‖ r·B), 64 bytes each. */
function workerSource(): string {
  const sodiumPath = createRequire(import.meta.url).resolve('libsodium-wrappers-sumo');
  return `const { parentPort } = require('node:worker_threads');
const sodium = require(${JSON.stringify(sodiumPath)});
sodium.ready.then(() => parentPort.on('message', (n) => {
  const out = new Uint8Array(n * 64);
  for (let i = 0; i < n; i++) {
    const r = sodium.crypto_core_ristretto255_scalar_random();
    out.set(r, i * 64);
    out.set(sodium.crypto_scalarmult_ristretto255_base(r), i * 64 + 32);
    r.fill(0);
  }
  parentPort.postMessage(out, [out.buffer]);
}));`;
}

/** A signer for one key whose nonces are prepared ahead (see the module comment). */
export class PresignedSigner {
  readonly address: string;
  readonly publicKey: Uint8Array;
  readonly #a: bigint;
  readonly #prefix: Transcript;
  /**
   * `sign`'s transcript and challenge, reused: signing is synchronous, and a fresh 200-byte state
   * and 64-byte challenge per signature were a visible part of its cost on a fan-out's path.
   */
  readonly #scratch: Transcript;
  readonly #challenge = new Uint8Array(64);
  readonly #pool: Nonce[] = [];
  readonly #poolSize: number;
  readonly #fallback: (message: Uint8Array) => Uint8Array;
  readonly #useWorker: boolean;
  #worker: Worker | undefined;
  /** Nonces asked of the worker and not yet received. */
  #pending = 0;
  #filling = false;
  #waiters: (() => void)[] = [];

  /**
   * @param scalar the canonical secret scalar a (bittensor's `privateKey` first half, little-endian).
   * @param fallback the ordinary signer of the same key, used when no prepared nonce is left.
   */
  constructor(
    scalar: Uint8Array,
    publicKey: Uint8Array,
    address: string,
    fallback: (message: Uint8Array) => Uint8Array,
    options: PresignOptions = {},
  ) {
    this.#a = leToBigint(scalar) % L;
    this.publicKey = publicKey;
    this.address = address;
    this.#fallback = fallback;
    this.#useWorker = options.worker ?? true;
    this.#poolSize = Math.max(1, options.poolSize ?? 256);
    // the transcript up to the message is the same for every signature: fork it
    this.#prefix = substrateContext();
    this.#scratch = new Transcript(this.#prefix);
  }

  /** Nonces ready now. */
  get ready(): number {
    return this.#pool.length;
  }

  /** sr25519 signature over `message`, verifiable by any schnorrkel verifier (context `substrate`). */
  sign(message: Uint8Array): Uint8Array {
    const n = this.#pool.pop();
    if (!n) return this.#fallback(message);
    const k = challenge(this.#scratch, this.#prefix, message, this.publicKey, n.R, this.#challenge);
    const s = (k * this.#a + n.r) % L;
    const sig = new Uint8Array(64);
    sig.set(n.R, 0);
    writeLe32(new DataView(sig.buffer), 32, s);
    sig[63] = (sig[63] as number) | 0x80; // schnorrkel's marker bit
    return sig;
  }

  /**
   * Tops the pool up to its size in the background: on the worker thread, or in small slices
   * between other work (setImmediate) so it never holds the event loop for long.
   */
  refill(): void {
    if (this.#useWorker) {
      this.#askWorker();
      return;
    }
    if (this.#filling || this.#pool.length >= this.#poolSize) return;
    this.#filling = true;
    const step = (): void => {
      for (let i = 0; i < 16 && this.#pool.length < this.#poolSize; i++) this.#pool.push(this.#nonce());
      if (this.#pool.length < this.#poolSize) setImmediate(step);
      else {
        this.#filling = false;
        this.#wake();
      }
    };
    setImmediate(step);
  }

  #askWorker(): void {
    let missing = this.#poolSize - this.#pool.length - this.#pending;
    if (missing <= 0) return;
    if (!this.#worker) {
      const w = new Worker(workerSource(), { eval: true });
      w.unref(); // a pool being filled never keeps the process alive
      w.on('message', (buf: Uint8Array) => this.#receive(buf));
      w.on('error', () => {
        // nonces then come from the fallback signer; nothing secret is lost
        this.#worker = undefined;
        this.#pending = 0;
        this.#wake();
      });
      this.#worker = w;
    }
    while (missing > 0) {
      const n = Math.min(CHUNK, missing);
      this.#worker.postMessage(n);
      this.#pending += n;
      missing -= n;
    }
  }

  /** Refills and resolves once the pool is full, or once no refill is under way (a failed worker). */
  whenFull(): Promise<void> {
    if (this.#pool.length >= this.#poolSize) return Promise.resolve();
    this.refill();
    if (!this.#refilling()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #refilling(): boolean {
    return this.#useWorker ? this.#worker !== undefined && this.#pending > 0 : this.#filling;
  }

  #wake(): void {
    if (this.#pool.length < this.#poolSize && this.#refilling()) return;
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  #receive(buf: Uint8Array): void {
    const n = buf.length / 64;
    this.#pending = Math.max(0, this.#pending - n);
    for (let i = 0; i < n; i++) {
      const rBytes = buf.subarray(i * 64, i * 64 + 32);
      this.#pool.push({ r: leToBigint(rBytes), R: buf.slice(i * 64 + 32, i * 64 + 64) });
      rBytes.fill(0);
    }
    this.#wake();
  }

  /** Stops the worker thread; prepared nonces are dropped. */
  async close(): Promise<void> {
    this.#pool.length = 0;
    const w = this.#worker;
    this.#worker = undefined;
    this.#pending = 0;
    this.#wake();
    await w?.terminate();
  }

  /** Fills the pool now (blocking, on this thread); for set-up before a latency-critical burst. */
  fill(): void {
    while (this.#pool.length < this.#poolSize) this.#pool.push(this.#nonce());
  }

  #nonce(): Nonce {
    const sodium = getSodium();
    const rBytes = sodium.crypto_core_ristretto255_scalar_random();
    const R = sodium.crypto_scalarmult_ristretto255_base(rBytes);
    const r = leToBigint(rBytes);
    rBytes.fill(0);
    return { r, R };
  }
}
