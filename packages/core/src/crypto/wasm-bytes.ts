/** Byte encodings of the WebAssembly binary format, for the modules generated at load time here. */

/** Unsigned LEB128. */
export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};

/** Signed LEB128 of a value with |n| < 2^31. */
export const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};

/** A section: its id, then its body's length and the body. */
export const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** A name (an export's): its length, then its bytes. */
export const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'latin1')];
