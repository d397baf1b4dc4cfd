import { compactAddLength, compactToU8a, u8aConcat } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';

/**
 * Substrate's ordered trie root (`ordered_trie_root`, the header's `extrinsics_root`): a
 * base-16 Patricia trie without extension nodes (sp-trie's node codec), keys `Compact<u32>(index)`,
 * values the encoded extrinsics, blake2-256, state version 1 (values of 33 bytes or more are stored
 * as their hash). No package on the npm registry computes it, so it is written out here.
 */
export function orderedTrieRoot(values: Uint8Array[]): Uint8Array {
  if (values.length === 0) return blake2AsU8a(EMPTY, 256);
  const pairs = values
    .map((v, i) => ({ key: nibbles(compactToU8a(i)), value: v }))
    .sort((a, b) => compareNibbles(a.key, b.key));
  return blake2AsU8a(encodeNode(pairs, 0, pairs.length, 0), 256);
}

const EMPTY = new Uint8Array([0]);
const LEAF = 0b01 << 6;
const BRANCH_NO_VALUE = 0b10 << 6;
const BRANCH_WITH_VALUE = 0b11 << 6;
const HASHED_LEAF = 0b001 << 5;
const HASHED_BRANCH = 0b0001 << 4;
/** Values at least this long are stored hashed (state version 1). */
const INLINE_LIMIT = 33;

interface Pair {
  key: number[];
  value: Uint8Array;
}

function nibbles(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (const b of bytes) out.push(b >> 4, b & 15);
  return out;
}

function compareNibbles(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return a.length - b.length;
}

/** Header: node kind in the top bits, nibble count in the rest, continued in bytes of 255. */
function header(prefix: number, prefixBits: number, count: number): Uint8Array {
  const max = 255 >> prefixBits;
  const first = Math.min(max, count);
  const out = [prefix | first];
  if (first === max) {
    let rest = count - first;
    while (rest >= 255) {
      out.push(255);
      rest -= 255;
    }
    out.push(rest);
  }
  return Uint8Array.from(out);
}

/** A partial key: an odd count starts with a lone nibble in its own byte. */
function partial(key: number[]): Uint8Array {
  const out: number[] = [];
  let i = 0;
  if (key.length % 2 === 1) out.push(key[i++] as number);
  for (; i < key.length; i += 2) out.push(((key[i] as number) << 4) | (key[i + 1] as number));
  return Uint8Array.from(out);
}

const hashedValue = (v: Uint8Array): boolean => v.length >= INLINE_LIMIT;
const valueBytes = (v: Uint8Array): Uint8Array => (hashedValue(v) ? blake2AsU8a(v, 256) : compactAddLength(v));

/** A child reference: the node itself when shorter than a hash, else its hash (length-prefixed either way). */
function childRef(encoded: Uint8Array): Uint8Array {
  return compactAddLength(encoded.length >= 32 ? blake2AsU8a(encoded, 256) : encoded);
}

/**
 * The node over the sorted pairs [lo, hi), which share their first `depth` nibbles: sorted keys
 * make every child a contiguous run, and a key that ends at the node its first pair.
 */
function encodeNode(pairs: Pair[], lo: number, hi: number, depth: number): Uint8Array {
  const first = pairs[lo] as Pair;
  if (hi - lo === 1) {
    const key = first.key.slice(depth);
    const hashed = hashedValue(first.value);
    return u8aConcat(
      hashed ? header(HASHED_LEAF, 3, key.length) : header(LEAF, 2, key.length),
      partial(key),
      valueBytes(first.value),
    );
  }
  // sorted: the prefix the first and last keys share is the one all share
  const last = (pairs[hi - 1] as Pair).key;
  let end = depth;
  while (end < first.key.length && first.key[end] === last[end]) end++;
  const key = first.key.slice(depth, end);
  const own = first.key.length === end ? first : null;
  const children: Uint8Array[] = [];
  let bitmap = 0;
  for (let i = own ? lo + 1 : lo; i < hi; ) {
    const nibble = (pairs[i] as Pair).key[end] as number;
    let j = i + 1;
    while (j < hi && (pairs[j] as Pair).key[end] === nibble) j++;
    bitmap |= 1 << nibble;
    children.push(childRef(encodeNode(pairs, i, j, end + 1)));
    i = j;
  }
  const head = !own
    ? header(BRANCH_NO_VALUE, 2, key.length)
    : hashedValue(own.value)
      ? header(HASHED_BRANCH, 4, key.length)
      : header(BRANCH_WITH_VALUE, 2, key.length);
  return u8aConcat(
    head,
    partial(key),
    Uint8Array.from([bitmap & 0xff, bitmap >> 8]),
    own ? valueBytes(own.value) : new Uint8Array(),
    ...children,
  );
}
