import { bls12_381 } from '@noble/curves/bls12-381.js';
import { describe, expect, test } from 'vitest';
import { bls, FR_ORDER } from './curve.js';

describe('the lazily loaded BLS12-381 curve', () => {
  test("FR_ORDER is noble's scalar field order, and bls() is the curve (the same one on every call)", () => {
    expect(FR_ORDER).toBe(bls12_381.fields.Fr.ORDER);
    const curve = bls();
    expect(bls()).toBe(curve);
    expect(curve.fields.Fr.ORDER).toBe(FR_ORDER);
    // its generator serialises as noble's ESM build writes it
    expect(curve.G1.ProjectivePoint.BASE.toHex(true)).toBe(bls12_381.G1.ProjectivePoint.BASE.toHex(true));
  });
});
