import { blake2AsU8a } from '@polkadot/util-crypto';

/**
 * Canonical JSON: object keys sorted, bigint tagged as "#b<digits>", strings that start with "#"
 * escaped as "#s…". The same value always gives the same text, which the state hash, the
 * database and the signing payload rely on.
 */
export function canonicalEncode(value: unknown): string {
  return JSON.stringify(canonicalise(value));
}

function canonicalise(value: unknown): unknown {
  if (typeof value === 'bigint') return `#b${value.toString()}`;
  if (typeof value === 'string') return value.startsWith('#') ? `#s${value}` : value;
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number');
    return value;
  }
  if (Array.isArray(value)) return value.map(canonicalise);
  if (value instanceof Uint8Array) throw new TypeError('bytes must be hex strings in canonical JSON');
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = canonicalise(v);
  }
  return out;
}

/** Inverse of `canonicalEncode`. */
export function canonicalDecode<T = unknown>(text: string): T {
  return JSON.parse(text, (_k, v) => {
    if (typeof v === 'string' && v.startsWith('#')) {
      if (v.startsWith('#b')) return BigInt(v.slice(2));
      if (v.startsWith('#s')) return v.slice(2);
    }
    return v;
  }) as T;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** blake2b-256 as a 0x-hex string. */
export function blake2Hex(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? utf8(data) : data;
  return `0x${Buffer.from(blake2AsU8a(bytes, 256)).toString('hex')}`;
}

/** blake2b-256 as a bigint (for the additive state-hash accumulator). */
export function blake2Big(data: string): bigint {
  return BigInt(`0x${Buffer.from(blake2AsU8a(utf8(data), 256)).toString('hex')}`);
}

/** 0x-hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes).toString('hex')}`;
}

/** Bytes of a 0x-hex string, or null when malformed. */
export function fromHex(hex: unknown, length?: number): Uint8Array | null {
  if (typeof hex !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(hex)) return null;
  const bytes = new Uint8Array(Buffer.from(hex.slice(2), 'hex'));
  if (length !== undefined && bytes.length !== length) return null;
  return bytes;
}
