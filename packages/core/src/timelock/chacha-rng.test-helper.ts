import { createCipheriv } from 'node:crypto';
import { bls12_381 as bls } from '@noble/curves/bls12-381.js';

/**
 * Rust's `ChaCha20Rng::seed_from_u64(seed)` (rand_core 0.6.4 / rand_chacha 0.3.1), only to
 * replay the fixed-seed recipes of tle's and subtensor's tests (docs/timelock.md §3.6): the 32-byte
 * key is eight PCG32 outputs, the stream is the ChaCha20 keystream (zero nonce, counter 0) read
 * as little-endian u32 words.
 */
export class RustChaCha20Rng {
  readonly #stream: Buffer;
  #word = 0;

  constructor(seed: bigint) {
    const MASK = (1n << 64n) - 1n;
    let state = seed & MASK;
    const key = Buffer.alloc(32);
    for (let i = 0; i < 8; i++) {
      state = (state * 6364136223846793005n + 11634580027462260723n) & MASK;
      const xorshifted = Number((((state >> 18n) ^ state) >> 27n) & 0xffff_ffffn);
      const rot = Number(state >> 59n);
      const x = ((xorshifted >>> rot) | (xorshifted << ((32 - rot) & 31))) >>> 0;
      key.writeUInt32LE(x, i * 4);
    }
    // OpenSSL's chacha20 IV is counter(4, LE) ‖ nonce(12): all zero = block 0 of stream 0
    const c = createCipheriv('chacha20', key, Buffer.alloc(16));
    this.#stream = Buffer.concat([c.update(Buffer.alloc(64 * 64)), c.final()]);
  }

  nextU32(): number {
    const v = this.#stream.readUInt32LE(this.#word * 4);
    this.#word++;
    return v;
  }

  nextU64(): bigint {
    const lo = BigInt(this.nextU32());
    const hi = BigInt(this.nextU32());
    return lo | (hi << 32n);
  }

  /** fill_bytes: whole u32 words, little-endian, the last one truncated. */
  fillBytes(n: number): Uint8Array {
    const out = Buffer.alloc(Math.ceil(n / 4) * 4);
    for (let i = 0; i < out.length / 4; i++) out.writeUInt32LE(this.nextU32(), i * 4);
    return Uint8Array.from(out.subarray(0, n));
  }

  /**
   * ark-ff 0.4 `Fr::rand`: four u64 limbs (least significant first), top bit masked, resampled
   * while ≥ r, and taken as the Montgomery form, so the value is raw · 2^-256 mod r.
   */
  frRand(): bigint {
    const r = bls.fields.Fr.ORDER;
    for (;;) {
      let raw = 0n;
      for (let i = 0; i < 4; i++) raw |= this.nextU64() << BigInt(64 * i);
      raw &= (1n << 255n) - 1n;
      if (raw < r) return (raw * bls.fields.Fr.inv((1n << 256n) % r)) % r;
    }
  }
}
