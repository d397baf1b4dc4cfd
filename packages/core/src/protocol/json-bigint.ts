/**
 * JSON that keeps 19-digit integers exact. Bittensor puts nanosecond nonces (> 2^53) in bodies
 * as bare numbers; plain `JSON.parse` would round them.
 */

const LONG_DIGITS = /\d{16}/;
const MAX_DEPTH = 512;

/**
 * Parses JSON text; integer literals outside the safe range become `bigint`. Throws `SyntaxError`
 * on malformed input (as `JSON.parse` does).
 */
export function parseJsonBig(text: string): unknown {
  // Fast path: a value with fewer than 16 consecutive digits cannot hold an unsafe integer.
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  const p = new Parser(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail('unexpected trailing characters');
  return v;
}

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw new SyntaxError(`JSON: ${what} at position ${this.i}`);
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    const c = this.s[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    if (this.s.startsWith('true', this.i)) {
      this.i += 4;
      return true;
    }
    if (this.s.startsWith('false', this.i)) {
      this.i += 5;
      return false;
    }
    if (this.s.startsWith('null', this.i)) {
      this.i += 4;
      return null;
    }
    return this.fail('unexpected token');
  }

  object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a string key');
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail("expected ':'");
      this.i++;
      this.ws();
      const v = this.value(depth + 1);
      // defineProperty so a "__proto__" key stays an own data property, as with JSON.parse
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  string(): string {
    const s = this.s;
    const start = this.i;
    this.i++;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        // JSON.parse validates escapes and control characters for us
        return JSON.parse(s.slice(start, this.i)) as string;
      }
      this.i += c === 0x5c ? 2 : 1;
    }
    return this.fail('unterminated string');
  }

  number(): number | bigint {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) return this.fail('bad number');
    this.i += m[0].length;
    const isInt = m[1] === undefined && m[2] === undefined;
    if (isInt) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    return Number(m[0]);
  }
}

/** `JSON.stringify` that writes `bigint` values as bare integer literals. */
export function stringifyJsonBig(value: unknown): string {
  let sawBigint = false;
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') {
      sawBigint = true;
      return `${MARK}${v.toString()}${MARK}`;
    }
    return v;
  });
  if (!sawBigint) return text;
  return text.replace(MARK_RE, '$1');
}

// A marker made of private-use characters: JSON.stringify keeps them verbatim, and a genuine
// string holding exactly `<mark>digits<mark>` is vanishingly unlikely.
const MARK = '\uE000\uE001bigint\uE001\uE000';
const MARK_RE = new RegExp(`"${MARK}(-?\\d+)${MARK}"`, 'g');
