/**
 * sr25519 verification in the generated ristretto module (`wasm.ts`), at a fraction of the cost
 * of @polkadot/wasm-crypto's verifier.
 *
 * Verifying (R, s) by A means checking that R encodes s·B − k·A (k hashes the message, A and R).
 * A key is decoded and multiplied by through an 8-entry table (~250 doublings). An axon hears
 * from the same few validator keys all day, so a key that has verified often gets a full table of
 * its multiples (B has one too): the product then costs at most 128 table additions and 4
 * doublings, and the encoding of the result one field exponentiation.
 *
 * Only keys that earned it get a table (`promoteAfter` good signatures, counted in a bounded map),
 * and tables live in a fixed number of slots reused least-recently-used first: a peer cycling
 * through fresh keys never makes the verifier build tables, and memory stays bounded. Anything
 * outside the plain case (a signature without schnorrkel's marker, a scalar that is not
 * canonical, bytes that are not a key) is left to the caller's general verifier (`undefined`).
 */

import { invert, mod } from '@noble/curves/abstract/modular';
import { Transcript } from '../merlin.js';
import { challenge, substrateContext } from '../schnorrkel.js';
import { L, leToBigint, writeLe32 } from './scalar.js';
import { LAYOUT, moduleBytes, TABLE_BYTES, TABLES_AT, WIDTH } from './wasm.js';

const P = (1n << 255n) - 19n;

const modP = (v: bigint): bigint => mod(v, P);
/** Edwards d = −121665/121666 (RFC 7748). */
const D = modP(-121665n * invert(121666n, P));
/** √−1 and 1/√(a − d) (RFC 9496 §4.1). */
export const SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752n;
export const INVSQRT_A_MINUS_D = 54469307008909316920995813868745141605393597292927456921205312896311721017578n;

/** A field element (0 ≤ v < p) as the module's ten limbs. */
export function toLimbs(v: bigint): bigint[] {
  const out: bigint[] = [];
  let x = modP(v);
  for (const w of WIDTH) {
    out.push(BigInt.asUintN(w, x));
    x >>= BigInt(w);
  }
  return out;
}

/** The value of ten (signed) limbs, reduced mod p. */
export function fromLimbs(limbs: ArrayLike<bigint>): bigint {
  let v = 0n;
  let at = 0n;
  for (let i = 0; i < 10; i++) {
    v += (limbs[i] as bigint) << at;
    at += BigInt(WIDTH[i] as number);
  }
  return modP(v);
}

/** The part of the WebAssembly API used here (this package's TypeScript libs do not declare it). */
interface Exports {
  m: { buffer: ArrayBuffer; grow(pages: number): number };
  build(src: number, dst: number, rows: number): void;
  dsm(tableA: number, tableB: number): void;
  dsmVar(small: number, tableB: number): void;
  decode(dst: number): number;
  encodeEq(): number;
  mul(h: number, f: number, g: number): void;
  sq(h: number, f: number): void;
  canon(h: number, f: number): void;
  dbl(p: number): void;
}
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Exports };
}

/** The ristretto module with its memory views (renewed when the memory grows). */
export class RistrettoModule {
  readonly fn: Exports;
  #buffer: ArrayBuffer;
  #i64: BigInt64Array;
  #bytes: Uint8Array;
  #digitsA: Int8Array;
  #digitsB: Int8Array;

  constructor(wa: Wasm) {
    this.fn = new wa.Instance(new wa.Module(moduleBytes())).exports;
    this.#buffer = this.fn.m.buffer;
    [this.#i64, this.#bytes, this.#digitsA, this.#digitsB] = this.#views();
    this.writeFe(LAYOUT.one, 1n);
    this.writeFe(LAYOUT.minusOne, -1n);
    this.writeFe(LAYOUT.sqrtM1, SQRT_M1);
    this.writeFe(LAYOUT.minusSqrtM1, -SQRT_M1);
    this.writeFe(LAYOUT.invsqrtAMinusD, INVSQRT_A_MINUS_D);
    this.writeFe(LAYOUT.d2, 2n * D);
    this.writeFe(LAYOUT.d, D);
    this.writeFe(LAYOUT.zero, 0n);
  }

  #views(): [BigInt64Array, Uint8Array, Int8Array, Int8Array] {
    const b = this.fn.m.buffer;
    return [
      new BigInt64Array(b),
      new Uint8Array(b),
      new Int8Array(b, LAYOUT.digitsA, 64),
      new Int8Array(b, LAYOUT.digitsB, 64),
    ];
  }

  /** Grows the memory to at least `bytes`. */
  ensure(bytes: number): void {
    const have = this.fn.m.buffer.byteLength;
    if (bytes > have) this.fn.m.grow(Math.ceil((bytes - have) / 65536));
    if (this.fn.m.buffer !== this.#buffer) {
      this.#buffer = this.fn.m.buffer;
      [this.#i64, this.#bytes, this.#digitsA, this.#digitsB] = this.#views();
    }
  }

  get bytes(): Uint8Array {
    return this.#bytes;
  }

  writeFe(at: number, v: bigint): void {
    this.#i64.set(toLimbs(v), at / 8);
  }

  readFe(at: number): bigint {
    return fromLimbs(this.#i64.subarray(at / 8, at / 8 + 10));
  }

  /** Writes signed limbs as they are (tests use it for non-canonical inputs). */
  writeLimbs(at: number, limbs: readonly bigint[]): void {
    this.#i64.set(limbs, at / 8);
  }

  readLimbs(at: number): bigint[] {
    return Array.from(this.#i64.subarray(at / 8, at / 8 + 10));
  }

  /** Writes a point's extended coordinates (X, Y, Z, T) at `at`. */
  writePoint(at: number, p: { X: bigint; Y: bigint; Z: bigint; T: bigint }): void {
    this.writeFe(at, p.X);
    this.writeFe(at + 80, p.Y);
    this.writeFe(at + 160, p.Z);
    this.writeFe(at + 240, p.T);
  }

  /** Signed radix-16 digits of a scalar below 2^255 (32 little-endian bytes), negated on request. */
  setDigits(which: 'A' | 'B', scalar: Uint8Array, negate: boolean): void {
    const e = which === 'A' ? this.#digitsA : this.#digitsB;
    for (let i = 0; i < 32; i++) {
      const b = scalar[i] as number;
      e[2 * i] = b & 15;
      e[2 * i + 1] = b >> 4;
    }
    // digits in [−8, 8): carry the excess of each into the next
    for (let i = 0; i < 63; i++) {
      const carry = ((e[i] as number) + 8) >> 4;
      e[i] = (e[i] as number) - (carry << 4);
      e[i + 1] = (e[i + 1] as number) + carry;
    }
    if (negate) for (let i = 0; i < 64; i++) e[i] = -(e[i] as number);
  }
}

export interface KeyTableOptions {
  /** Key tables kept (~80 KB each). Default 64: a subnet's validators with a permit. */
  readonly slots?: number;
  /** Good signatures before a key gets a table. Default 8. */
  readonly promoteAfter?: number;
  /**
   * Rejections per second handed to the wasm verifier for a second opinion (a token bucket of as
   * many). Default 64: enough to catch a fault in this verifier, too few for junk signatures to
   * cost more than before it (past the budget a rejection stands).
   */
  readonly confirmPerSecond?: number;
}

/** The encoding of ristretto255's generator (RFC 9496 §4.4's first multiple). */
const BASEPOINT = Buffer.from('e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76', 'hex');
const BASE_AT = TABLES_AT;
const COUNTED_KEYS = 4096;

/** The per-key verifier (see the module comment). One per thread, through `keyTables()`. */
export class KeyTableVerifier {
  readonly #m: RistrettoModule;
  readonly #slots: number;
  readonly #promoteAfter: number;
  /** key (32 bytes as latin1) → slot */
  readonly #tables = new Map<string, number>();
  readonly #slotKey: string[] = [];
  /** Last use of each slot (a counter), for least-recently-used reuse. */
  #lastUse: number[] = [];
  #clock = 0;
  /** Good signatures per key without a table yet. */
  readonly #counts = new Map<string, number>();
  /** The signing context's transcript (`substrate`), forked per signature into `#t`. */
  readonly #prefix: Transcript;
  readonly #t: Transcript;
  readonly #challenge = new Uint8Array(64);
  readonly #k = new Uint8Array(32);
  readonly #kView = new DataView(this.#k.buffer);
  #disabled = false;
  readonly #confirmPerSecond: number;
  #confirmTokens: number;
  #confirmAt = performance.now();

  constructor(m: RistrettoModule, options: KeyTableOptions = {}) {
    this.#m = m;
    this.#slots = Math.max(1, options.slots ?? 64);
    this.#promoteAfter = Math.max(1, options.promoteAfter ?? 8);
    this.#confirmPerSecond = Math.max(0, options.confirmPerSecond ?? 64);
    this.#confirmTokens = this.#confirmPerSecond;
    m.ensure(BASE_AT + TABLE_BYTES);
    m.bytes.set(BASEPOINT, LAYOUT.key);
    m.fn.decode(LAYOUT.source);
    m.fn.build(LAYOUT.source, BASE_AT, 32);
    this.#prefix = substrateContext();
    this.#t = new Transcript(this.#prefix);
  }

  /** Keys with a table now. */
  get tables(): number {
    return this.#tables.size;
  }

  /** Whether `publicKey` has a table now. */
  hasTable(publicKey: Uint8Array): boolean {
    return this.#tables.has(keyOf(publicKey));
  }

  /** False after the table path once disagreed with the general verifier (it is then never used). */
  get enabled(): boolean {
    return !this.#disabled;
  }

  /**
   * true / false for a signature of the plain form (schnorrkel's marker, a canonical s) by a key
   * that decodes; undefined when the caller's general verifier must decide. Keys with a table
   * take the table path; the others decode the key and multiply by it here.
   */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean | undefined {
    if (this.#disabled) return undefined;
    const top = signature[63] as number;
    // schnorrkel's marker bit, and s < ℓ (ℓ's top byte is 0x10): other cases go the general way
    if ((top & 0x80) === 0 || (top & 0x7f) > 0x10) return undefined;
    const sBytes = signature.subarray(32, 64);
    if ((top & 0x7f) === 0x10) {
      const s = leToBigint(sBytes) & ((1n << 255n) - 1n);
      if (s >= L) return undefined;
    }
    const m = this.#m;
    const key = keyOf(publicKey);
    const slot = this.#tables.get(key);
    if (slot === undefined) {
      m.bytes.set(publicKey, LAYOUT.key);
      if (m.fn.decode(LAYOUT.source) === 0) return undefined;
      m.fn.build(LAYOUT.source, LAYOUT.small, 1);
    } else {
      this.#lastUse[slot] = ++this.#clock;
    }
    const k = challenge(this.#t, this.#prefix, message, publicKey, signature.subarray(0, 32), this.#challenge);
    writeLe32(this.#kView, 0, k);
    m.setDigits('A', this.#k, true);
    const sCopy = this.#k; // reuse the buffer: k's digits are already written
    sCopy.set(sBytes);
    sCopy[31] = top & 0x7f;
    m.setDigits('B', sCopy, false);
    m.bytes.set(signature.subarray(0, 32), LAYOUT.expected);
    if (slot === undefined) m.fn.dsmVar(LAYOUT.small, BASE_AT);
    else m.fn.dsm(this.#tableAt(slot), BASE_AT);
    const ok = m.fn.encodeEq() === 1;
    if (ok && slot === undefined) this.#count(key);
    return ok;
  }

  /** Whether a rejection by this verifier gets the wasm verifier's second opinion now (budgeted). */
  confirmRejection(): boolean {
    const now = performance.now();
    this.#confirmTokens = Math.min(
      this.#confirmPerSecond,
      this.#confirmTokens + ((now - this.#confirmAt) / 1000) * this.#confirmPerSecond,
    );
    this.#confirmAt = now;
    if (this.#confirmTokens < 1) return false;
    this.#confirmTokens -= 1;
    return true;
  }

  /**
   * What the general verifier said of a signature this verifier left to it (`fast` undefined)
   * or rejected (`fast` false): a rejection it overturns switches this verifier off for good.
   */
  record(ok: boolean, fast: boolean | undefined): void {
    if (fast === false && ok) {
      // the wasm verifier has the last word; a path that rejected a good signature is wrong
      // somewhere, so it is never trusted again in this process (and says so, once)
      this.#disabled = true;
      process.emitWarning('the sr25519 key-table verifier rejected a signature the wasm verifier accepts; it is off', {
        code: 'SK_CRYPTO_KEY_TABLES_OFF',
      });
    }
  }

  /**
   * One more good signature by a key without a table (just verified: its point is still at
   * `source`); the `promoteAfter`th builds its table from there.
   */
  #count(key: string): void {
    const n = (this.#counts.get(key) ?? 0) + 1;
    if (n < this.#promoteAfter) {
      if (this.#counts.size >= COUNTED_KEYS) this.#counts.clear();
      this.#counts.set(key, n);
      return;
    }
    this.#counts.delete(key);
    let slot = this.#slotKey.length;
    if (slot >= this.#slots) {
      slot = 0;
      for (let i = 1; i < this.#slotKey.length; i++)
        if ((this.#lastUse[i] as number) < (this.#lastUse[slot] as number)) slot = i;
      this.#tables.delete(this.#slotKey[slot] as string);
    }
    this.#m.ensure(this.#tableAt(slot) + TABLE_BYTES);
    this.#m.fn.build(LAYOUT.source, this.#tableAt(slot), 32);
    this.#slotKey[slot] = key;
    this.#lastUse[slot] = ++this.#clock;
    this.#tables.set(key, slot);
  }

  #tableAt(slot: number): number {
    return BASE_AT + (slot + 1) * TABLE_BYTES;
  }
}

function keyOf(publicKey: Uint8Array): string {
  return Buffer.from(publicKey.buffer, publicKey.byteOffset, 32).toString('latin1');
}

let shared: KeyTableVerifier | null | undefined;
let off = false;
let configured: KeyTableOptions = {};

/** This thread's verifier; null where WebAssembly is unavailable or after `useKeyTables(false)`. */
export function keyTables(): KeyTableVerifier | null {
  if (off) return null;
  if (shared === undefined) {
    const wa = (globalThis as { WebAssembly?: Wasm }).WebAssembly;
    shared = wa ? new KeyTableVerifier(new RistrettoModule(wa), configured) : null;
  }
  return shared;
}

/**
 * Turns this thread's verifier off (every signature then goes to the wasm verifier) or on again,
 * with fresh `options` when given (e.g. `promoteAfter: Infinity`: no key ever gets a table).
 */
export function useKeyTables(on: boolean, options?: KeyTableOptions): void {
  off = !on;
  if (options) {
    configured = options;
    shared = undefined;
  }
}
