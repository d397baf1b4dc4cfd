import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBig, stringifyJsonBig } from './json-bigint.js';

describe('parseJsonBig / stringifyJsonBig', () => {
  it('keeps integers above 2^53 exact and leaves safe numbers as numbers', () => {
    const v = parseJsonBig(
      '{"nonce": 1718000000123456789, "small": 7, "f": 12.0, "neg": -9223372036854775808, "s": "12345678901234567890"}',
    );
    expect(v).toEqual({
      nonce: 1718000000123456789n,
      small: 7,
      f: 12,
      neg: -9223372036854775808n,
      s: '12345678901234567890',
    });
    expect(stringifyJsonBig(v)).toBe(
      '{"nonce":1718000000123456789,"small":7,"f":12,"neg":-9223372036854775808,"s":"12345678901234567890"}',
    );
  });
  it('rejects what JSON.parse rejects', () => {
    for (const bad of [
      '{"a": 12345678901234567890',
      '[1234567890123456789,]',
      '{"a":1} x',
      '01234567890123456789',
      '"\u0001"12345678901234567',
    ]) {
      expect(() => parseJsonBig(bad)).toThrow(SyntaxError);
    }
  });
  it('keeps __proto__ keys as data', () => {
    const v = parseJsonBig('{"__proto__": {"x": 1}, "n": 12345678901234567890}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__', 'n']);
  });
  it('agrees with JSON.parse on ordinary JSON, with or without long digit runs (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = `[${JSON.stringify(value)}, "1234567890123456789"]`;
        // unsafe integers come back as bigint by design; their text is the same
        expect(stringifyJsonBig(parseJsonBig(text))).toBe(JSON.stringify(JSON.parse(text)));
      }),
      { numRuns: 300 },
    );
  });
});
