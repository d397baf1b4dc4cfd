import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keccakF1600, keccakF1600Portable } from './keccak-f.js';

describe('keccakF1600 (generated WebAssembly)', () => {
  it('permutes the all-zero state to the FIPS 202 known answer', () => {
    const st = new Uint8Array(200);
    keccakF1600(st);
    // first and last lanes of Keccak-f[1600](0), from the Keccak team's KeccakF-1600-IntermediateValues
    expect(Buffer.from(st.subarray(0, 8)).reverse().toString('hex')).toBe('f1258f7940e1dde7');
    expect(Buffer.from(st.subarray(192, 200)).reverse().toString('hex')).toBe('eaf1ff7b5ceca249');
  });

  it('agrees with @noble/hashes keccakP on any state (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 200, maxLength: 200 }), (bytes) => {
        const a = bytes.slice();
        const b = bytes.slice();
        keccakF1600(a);
        keccakF1600Portable(b);
        expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('works on a state that is a view into a larger buffer, and refuses another size', () => {
    const big = new Uint8Array(264).fill(7);
    const view = big.subarray(32, 232);
    const copy = view.slice();
    keccakF1600(view);
    keccakF1600Portable(copy);
    expect(Buffer.from(view).equals(Buffer.from(copy))).toBe(true);
    expect(big[31]).toBe(7);
    expect(big[232]).toBe(7);
    expect(() => keccakF1600(new Uint8Array(199))).toThrow(/200 bytes/);
  });
});
