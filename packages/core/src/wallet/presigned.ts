/**
 * sr25519 signing with the nonce work done ahead of time. A Schnorr signature is (R, s) with
 * R = r·B for a fresh secret scalar r, and s = r + k·a where k hashes the message, the public key
 * and R. Only R = r·B is expensive, and it does not depend on the message, so a pool of (r, R)
 * pairs is filled while the process is idle and a signature then costs a transcript hash and two
 * scalar operations. r is uniformly random (libsodium) and used once; schnorrkel instead derives
 * it from the key's nonce half plus randomness, which verifiers cannot tell apart.
 */
import { getSodium } from './crypto-ready.js';
import { Transcript } from './merlin.js';

/** The group order ℓ of ristretto255. */
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function leToBigint(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).reverse().toString('hex') || '0'}`);
}

function bigintToLe32(v: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex').reverse());
}

interface Nonce {
  readonly r: bigint;
  readonly R: Uint8Array;
}

/** Options of a presigned signer. */
export interface PresignOptions {
  /** Nonces kept ready. Default 256 (a fan-out's worth). */
  readonly poolSize?: number;
}

/** A signer for one key whose nonces are prepared ahead (see the module comment). */
export class PresignedSigner {
  readonly address: string;
  readonly publicKey: Uint8Array;
  readonly #a: bigint;
  readonly #prefix: Transcript;
  readonly #pool: Nonce[] = [];
  readonly #poolSize: number;
  #filling = false;

  /** @param scalar the canonical secret scalar a (bittensor's `privateKey` first half, little-endian). */
  constructor(scalar: Uint8Array, publicKey: Uint8Array, address: string, options: PresignOptions = {}) {
    this.#a = leToBigint(scalar) % L;
    this.publicKey = publicKey;
    this.address = address;
    this.#poolSize = Math.max(1, options.poolSize ?? 256);
    // the transcript up to the message is the same for every signature: fork it
    this.#prefix = new Transcript('SigningContext');
    this.#prefix.appendMessage('', new TextEncoder().encode('substrate'));
  }

  /** Nonces ready now. */
  get ready(): number {
    return this.#pool.length;
  }

  /** sr25519 signature over `message`, verifiable by any schnorrkel verifier (context `substrate`). */
  sign(message: Uint8Array): Uint8Array {
    const n = this.#pool.pop() ?? this.#nonce();
    const t = new Transcript(this.#prefix);
    t.appendMessage('sign-bytes', message);
    t.appendMessage('proto-name', SCHNORR_SIG);
    t.appendMessage('sign:pk', this.publicKey);
    t.appendMessage('sign:R', n.R);
    const k = leToBigint(t.challengeBytes('sign:c', 64)) % L;
    t.wipe();
    const s = (k * this.#a + n.r) % L;
    const sig = new Uint8Array(64);
    sig.set(n.R, 0);
    sig.set(bigintToLe32(s), 32);
    sig[63] = (sig[63] as number) | 0x80; // schnorrkel's marker bit
    return sig;
  }

  /**
   * Tops the pool up to its size in small slices between other work (setImmediate), so it never
   * holds the event loop for long. Idempotent while a refill runs.
   */
  refill(): void {
    if (this.#filling || this.#pool.length >= this.#poolSize) return;
    this.#filling = true;
    const step = (): void => {
      for (let i = 0; i < 16 && this.#pool.length < this.#poolSize; i++) this.#pool.push(this.#nonce());
      if (this.#pool.length < this.#poolSize) setImmediate(step);
      else this.#filling = false;
    };
    setImmediate(step);
  }

  /** Fills the pool now (blocking); for set-up before a latency-critical burst. */
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

const SCHNORR_SIG = new TextEncoder().encode('Schnorr-sig');
