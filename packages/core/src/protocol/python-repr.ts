/**
 * Python `str()` / `repr()` rendering of JSON values, as the SDK's body hash feeds them to
 * SHA3-256. JSON cannot tell `1` from `1.0`, so every value is rendered against a type.
 */

/** The Python type of a synapse field, derived from its zod schema. */
export type PyType =
  | { readonly k: 'int' }
  | { readonly k: 'float' }
  | { readonly k: 'str' }
  | { readonly k: 'bool' }
  | { readonly k: 'any' }
  | { readonly k: 'list'; readonly item: PyType }
  | { readonly k: 'tuple'; readonly items: readonly PyType[]; readonly rest: PyType | undefined }
  | { readonly k: 'dict'; readonly value: PyType }
  | { readonly k: 'model'; readonly fields: readonly (readonly [string, PyType])[] };

export const PY_ANY: PyType = { k: 'any' };

/** Python `str(value)` for a field of type `t` (top-level strings are used raw). */
export function pyStr(value: unknown, t: PyType = PY_ANY): string {
  if (typeof value === 'string') return value;
  return pyRepr(value, t);
}

/** Python `repr(value)` for a value of type `t`. */
export function pyRepr(value: unknown, t: PyType = PY_ANY): string {
  if (value === null || value === undefined) return 'None';
  switch (typeof value) {
    case 'boolean':
      return value ? 'True' : 'False';
    case 'bigint':
      return value.toString();
    case 'string':
      return pyStrRepr(value);
    case 'number':
      if (t.k === 'float') return pyFloatRepr(value);
      if (Number.isInteger(value) && (t.k === 'int' || t.k === 'any' || t.k === 'bool')) {
        return BigInt(value).toString();
      }
      return pyFloatRepr(value);
    case 'object':
      break;
    default:
      return 'None';
  }
  if (Array.isArray(value)) {
    if (t.k === 'tuple') {
      const parts = value.map((v, i) => pyRepr(v, t.items[i] ?? t.rest ?? PY_ANY));
      return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
    }
    const item = t.k === 'list' ? t.item : PY_ANY;
    return `[${value.map((v) => pyRepr(v, item)).join(', ')}]`;
  }
  const obj = value as Record<string, unknown>;
  if (t.k === 'model') {
    // model_dump emits every declared field, in declaration order
    return `{${t.fields.map(([name, ft]) => `${pyStrRepr(name)}: ${pyRepr(obj[name], ft)}`).join(', ')}}`;
  }
  const vt = t.k === 'dict' ? t.value : PY_ANY;
  return `{${Object.keys(obj)
    .map((k) => `${pyStrRepr(k)}: ${pyRepr(obj[k], vt)}`)
    .join(', ')}}`;
}

/** Python `repr(float)`: shortest round-trip digits, `.0` for integral values, `1e-05` style exponents. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip, like Python
  const [mant, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.padEnd(exp + 1, '0').slice(0, exp + 1);
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac === '' ? '0' : frac}`;
}

// Characters Python's str.isprintable() rejects (other than the ASCII space).
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python `repr(str)`: single quotes unless the text has `'` and no `"`; Python's escapes. */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f || (ch !== ' ' && !NON_PRINTABLE.test(ch))) out += ch;
    else if (ch === ' ') out += ch;
    else if (cp < 0x100) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return out + quote;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}
