/**
 * Keccak-f[1600] (FIPS 202 §3) as a small WebAssembly function, generated here at load time from
 * the specification's constants: wasm has native 64-bit lanes, where JavaScript needs pairs of
 * 32-bit words, so one permutation costs several times less CPU than @noble/hashes' keccakP. A
 * merlin transcript runs three or four per sr25519 signature, on a fan-out's critical path.
 * Falls back to @noble/hashes where WebAssembly is unavailable.
 */
import { keccakP } from '@noble/hashes/sha3';
import { name, section, uleb } from './wasm-bytes.js';

/** Round constants (FIPS 202 algorithm 5, computed with the usual 8-bit LFSR form). */
function roundConstants(): bigint[] {
  const out: bigint[] = [];
  let r = 1;
  for (let round = 0; round < 24; round++) {
    let rc = 0n;
    for (let j = 0; j < 7; j++) {
      r = ((r << 1) ^ ((r >> 7) * 0x71)) & 0xff;
      if (r & 2) rc ^= 1n << BigInt((1 << j) - 1);
    }
    out.push(rc);
  }
  return out;
}

/** ρ offsets per lane x + 5y (FIPS 202 algorithm 2). */
function rotations(): number[] {
  const rot = new Array<number>(25).fill(0);
  let x = 1;
  let y = 0;
  for (let t = 0; t < 24; t++) {
    rot[x + 5 * y] = (((t + 1) * (t + 2)) / 2) % 64;
    [x, y] = [y, (2 * x + 3 * y) % 5];
  }
  return rot;
}

/** Round constants live in memory after the 200-byte state. */
const RC_AT = 200;

/** The module: memory `m` (state at 0, round constants at 200), function `f()` permutes the state. */
function moduleBytes(): Uint8Array {
  // locals: a0..a24 the state, b0..b24 after ρ and π, c0..c4 column parities, d0..d4 θ terms
  const A = 0;
  const B = 25;
  const C = 50;
  const D = 55;
  const ROUND = 60; // i32: byte offset of this round's constant
  const get = (i: number): number[] => [0x20, i];
  const set = (i: number): number[] => [0x21, i];
  const XOR = 0x85;
  const ROTL = 0x89;
  const i64 = (v: number): number[] => [0x42, v]; // small values only (−64 … 63)
  const rot = rotations();
  const code: number[] = [];
  for (let i = 0; i < 25; i++) code.push(0x41, 0, 0x29, 3, ...uleb(8 * i), ...set(A + i));
  code.push(0x41, 0, ...set(ROUND));
  code.push(0x03, 0x40); // loop
  // θ
  for (let x = 0; x < 5; x++) {
    code.push(...get(A + x));
    for (let y = 1; y < 5; y++) code.push(...get(A + x + 5 * y), XOR);
    code.push(...set(C + x));
  }
  for (let x = 0; x < 5; x++) {
    code.push(...get(C + ((x + 4) % 5)), ...get(C + ((x + 1) % 5)), ...i64(1), ROTL, XOR, ...set(D + x));
  }
  // θ applied, then ρ and π: B[y, 2x + 3y] = rotl(A[x, y] ^ D[x], r[x, y])
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      const i = x + 5 * y;
      code.push(...get(A + i), ...get(D + x), XOR);
      if (rot[i] !== 0) code.push(...i64(rot[i] as number), ROTL);
      code.push(...set(B + y + 5 * ((2 * x + 3 * y) % 5)));
    }
  }
  // χ: A[x, y] = B[x, y] ^ (~B[x + 1, y] & B[x + 2, y])
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      code.push(...get(B + x + 5 * y), ...get(B + ((x + 1) % 5) + 5 * y), ...i64(-1 & 0x7f), XOR);
      code.push(...get(B + ((x + 2) % 5) + 5 * y), 0x83, XOR, ...set(A + x + 5 * y));
    }
  }
  // ι
  code.push(...get(A), ...get(ROUND), 0x29, 3, ...uleb(RC_AT), XOR, ...set(A));
  // next round while the offset is below 24 constants
  code.push(...get(ROUND), 0x41, 8, 0x6a, 0x22, ROUND, 0x41, ...[0xc0, 0x01], 0x49, 0x0d, 0);
  code.push(0x0b); // end loop
  for (let i = 0; i < 25; i++) code.push(0x41, 0, ...get(A + i), 0x37, 3, ...uleb(8 * i));
  code.push(0x0b); // end function
  const body = [2, 60, 0x7e, 1, 0x7f, ...code];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 0, 0]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, 1]),
    ...section(7, [2, ...name('f'), 0, 0, ...name('m'), 2, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/** The part of the WebAssembly API used here (this package's TypeScript libs do not declare it). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { f: () => void; m: { buffer: ArrayBuffer } } };
}

function instantiate(): ((state: Uint8Array) => void) | undefined {
  const wa = (globalThis as { WebAssembly?: Wasm }).WebAssembly;
  if (!wa) return undefined;
  const { exports } = new wa.Instance(new wa.Module(moduleBytes()));
  const f = exports.f;
  const mem = new Uint8Array(exports.m.buffer, 0, RC_AT + 24 * 8);
  const rc = new DataView(mem.buffer, RC_AT, 24 * 8);
  for (const [i, v] of roundConstants().entries()) rc.setBigUint64(8 * i, v, true);
  const state = mem.subarray(0, 200);
  return (st) => {
    state.set(st);
    f();
    st.set(state);
  };
}

const wasm = instantiate();
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Applies Keccak-f[1600] in place to a 200-byte state whose lanes are little-endian 64-bit words
 * (the byte layout STROBE and FIPS 202 use).
 */
export function keccakF1600(state: Uint8Array): void {
  if (state.length !== 200) throw new Error('keccak-f: the state is 200 bytes');
  if (wasm) wasm(state);
  else keccakF1600Portable(state);
}

/** The portable implementation, for tests that compare the two. */
export function keccakF1600Portable(state: Uint8Array): void {
  // keccakP works on 32-bit lanes: the byte layout holds on little-endian hosts only
  if (!LITTLE_ENDIAN) throw new Error('keccak-f: the portable permutation needs a little-endian host');
  keccakP(new Uint32Array(state.buffer, state.byteOffset, 50));
}
