import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBig, stringifyJsonBig } from './json-bigint.js';

function rounded(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(rounded);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: rounded(x), enumerable: true });
    return out;
  }
  return v;
}

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
    // a big integer under "__proto__" becomes that own key's value, not the object's prototype
    const w = parseJsonBig('{"__proto__": 12345678901234567890}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(w)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(w, '__proto__')?.value).toBe(12345678901234567890n);
  });
  it('keeps digits inside strings, escapes included, and reads the 19-digit nonce of a synapse body', () => {
    const v = parseJsonBig(
      '{"s": "\\"12345678901234567890\\"", "k\\"": 12345678901234567890, "d": {"nonce": 1718000000123456789}, "f": 1.12345678901234567, "e": 12345678901234567e2}',
    ) as Record<string, unknown>;
    expect(v.s).toBe('"12345678901234567890"');
    expect(v['k"']).toBe(12345678901234567890n);
    expect(v.d).toEqual({ nonce: 1718000000123456789n });
    expect(v.f).toBe(Number('1.12345678901234567')); // floats stay numbers, rounded as JSON.parse rounds them
    expect(v.e).toBe(Number('12345678901234567e2'));
  });
  it('takes the hand-written path when the input holds the marker, with the same result', () => {
    expect(parseJsonBig('["\uE002", "\\uE002", 12345678901234567890]')).toEqual([
      '\uE002',
      '\uE002',
      12345678901234567890n,
    ]);
  });
  it('throws exactly when JSON.parse throws, on text mixing quotes, escapes and long digit runs (property)', () => {
    const piece = fc.constantFrom(
      '"',
      '\\',
      ' ',
      '12345678901234567890',
      '-9007199254740993',
      '1',
      ',',
      ':',
      '[',
      ']',
      '{',
      '}',
      'e',
      '.',
      '\n',
      'u',
      'true',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (parts) => {
        const text = parts.join('');
        let expected: unknown;
        let threw = false;
        try {
          expected = JSON.parse(text);
        } catch {
          threw = true;
        }
        if (threw) expect(() => parseJsonBig(text)).toThrow(SyntaxError);
        // the same value once bigints are rounded the way JSON.parse rounds them
        else expect(rounded(parseJsonBig(text))).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });
  it('reads unsafe integers exactly as the hand-written parser does, digits in strings and hex included (property)', () => {
    const piece = fc.constantFrom(
      '"',
      '\\',
      ' ',
      '12345678901234567890',
      '-9007199254740993',
      '9007199254740993',
      '1',
      ',',
      ':',
      '[',
      ']',
      '{',
      '}',
      'e',
      '.',
      'ab',
      '0x',
      '"a, ',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (parts) => {
        const text = parts.join('');
        try {
          JSON.parse(text);
        } catch {
          return;
        }
        // the marker character in the text sends parseJsonBig down the hand-written parser
        const exact = (parseJsonBig(`[${text}, "\uE002"]`) as unknown[])[0];
        expect(parseJsonBig(text)).toEqual(exact);
      }),
      { numRuns: 5000 },
    );
    const sig = `0x${'1234567890'.repeat(12)}12345678`;
    const body = `{"dendrite": {"nonce": 1718000000123456789, "signature": "${sig}"}, "n": [12345678901234567890]}`;
    expect(parseJsonBig(body)).toEqual({
      dendrite: { nonce: 1718000000123456789n, signature: sig },
      n: [12345678901234567890n],
    });
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
