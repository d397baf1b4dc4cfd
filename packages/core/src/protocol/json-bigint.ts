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
  // The marker of the native path below must not occur in the input (raw, or as a \u escape)
  if (!text.includes(PARSE_MARK) && !MARK_ESCAPE.test(text)) return parseMarked(text);
  return parseSlow(text);
}

// A run of 16+ digits, found without tokenising the strings around it; its whole number token
// is then read outwards over number characters.
const LONG_RUN = /\d{16,}/g;
const INT_TOKEN = /^-?(?:0|[1-9]\d*)$/;
const PARSE_MARK = '\uE002';
const MARK_ESCAPE = /\\u[eE]002/;

/** Digits, sign, point, exponent: the characters of a JSON number token. */
function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}
/** What may precede a value in JSON (besides the start): `:`, `,`, `[` or whitespace. */
function opensValue(c: number): boolean {
  return c === 0x3a || c === 0x2c || c === 0x5b || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
/** What may follow a value (besides the end): `,`, `}`, `]` or whitespace. */
function closesValue(c: number): boolean {
  return c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Native path: unsafe integer literals are quoted with a marker, `JSON.parse` does the parsing
 * and validation, and the marked strings become `bigint`. Equivalent to {@link parseSlow}.
 *
 * A digit run is marked when its token stands where a JSON value can (so digits inside a hex
 * signature or a word are left alone). A run inside a string that still looks like a value (say
 * `"a, 12345678901234567890 b"`) gets marked too; the quotes this inserts then break the string,
 * so `JSON.parse` fails or a marker comes back inside a longer string, and the hand-written
 * parser decides.
 */
function parseMarked(text: string): unknown {
  let out = '';
  let last = 0;
  let marked = 0;
  const len = text.length;
  LONG_RUN.lastIndex = 0;
  for (let m = LONG_RUN.exec(text); m !== null; m = LONG_RUN.exec(text)) {
    let start = m.index;
    while (start > last && isNumberChar(text.charCodeAt(start - 1))) start--;
    let end = m.index + m[0].length;
    while (end < len && isNumberChar(text.charCodeAt(end))) end++;
    LONG_RUN.lastIndex = end;
    if (start > 0 && !opensValue(text.charCodeAt(start - 1))) continue;
    if (end < len && !closesValue(text.charCodeAt(end))) continue;
    const tok = text.slice(start, end);
    if (!INT_TOKEN.test(tok) || Number.isSafeInteger(Number(tok))) continue;
    out += `${text.slice(last, start)}"${PARSE_MARK}${tok}"`;
    last = end;
    marked++;
  }
  if (marked === 0) return JSON.parse(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(out + text.slice(last));
  } catch {
    return parseSlow(text);
  }
  const found = { n: 0 };
  const value = unmark(parsed, 0, found);
  // invalid input can become valid once quoted (a stray backslash escaping our quote): every
  // marker must come back as a whole value, else the hand-written parser decides
  return found.n === marked ? value : parseSlow(text);
}

function unmark(v: unknown, depth: number, found: { n: number }): unknown {
  if (typeof v === 'string') {
    if (v.charCodeAt(0) !== 0xe002) return v;
    const digits = v.slice(1);
    if (!INT_TOKEN.test(digits)) return v;
    found.n++;
    return BigInt(digits);
  }
  if (v === null || typeof v !== 'object') return v;
  if (depth > MAX_DEPTH) throw new SyntaxError('JSON: nesting too deep');
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = unmark(v[i], depth + 1, found);
    return v;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const x = o[k];
    const y = unmark(x, depth + 1, found);
    // `k` is an own writable data property (JSON.parse makes them so, "__proto__" included), so a
    // plain assignment sets it; defineProperty did too, at ~35 µs per signed request in the axon's
    // pipeline (profiled) against ~2 µs for the whole walk now
    if (y !== x) o[k] = y;
  }
  return o;
}

/** Hand-written parser, for input that contains the marker character. */
function parseSlow(text: string): unknown {
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
  try {
    // most values hold no bigint: the native serialiser without a replacer is several times faster
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
  }
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
