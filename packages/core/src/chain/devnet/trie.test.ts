/**
 * The ordered trie root pinned on inputs that exercise every node kind (leaves, branches with and
 * without a value, inline and hashed values, one- and two-byte compact keys). The expected roots
 * were computed by the first version of trie.ts (filter-per-nibble), so a rewrite that changes any
 * block's extrinsics root fails here.
 */
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex, cryptoWaitReady } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { orderedTrieRoot } from './trie.js';

/** `count` values of 0..69 bytes: some inline (< 33 bytes), some stored hashed. */
const values = (count: number): Uint8Array[] =>
  Array.from({ length: count }, (_, i) => Uint8Array.from({ length: (i * 7) % 70 }, (_, j) => (i * 31 + j) & 255));

const PINNED: [number, string][] = [
  [1, '0x8077a6c7a347a74bf93a813cad4edc5e1b53566593dac5e6b19f7b48c365842b'],
  [2, '0x741df5b270157f1d390f5b7fc4802aaa140777cdb9fe046d1b20338ca30527aa'],
  [16, '0x9e26c30b06216268b5252f5ed0ada5d7b702d3f1c5267f90ffce85f03ed1dbf6'],
  [17, '0x4f865383403c4dc01a258a03c6a0e1346edc022febc9bb1092f90b68aded79d5'],
  [65, '0x0554206d75432774e35595390e0f1a34cd92fead5fe6c3f7a8ec55dee32ea49d'],
  [150, '0xd791f7a9a1a9fdfab636127043472d98cfedfb4d9350bcf3aa3a7823129632fd'],
  [300, '0x70dfb0cb8bced519489e0bba72a0c5787431458ab74ade6db133c24b94cf0ab2'],
];

describe('ordered trie root', () => {
  beforeAll(async () => {
    await cryptoWaitReady();
  });

  it('is blake2-256 of 0x00 for no values', () => {
    expect(u8aToHex(orderedTrieRoot([]))).toBe(blake2AsHex(new Uint8Array([0]), 256));
  });

  it.each(PINNED)('keeps the root of %i values', (count, root) => {
    expect(u8aToHex(orderedTrieRoot(values(count)))).toBe(root);
  });

  it('depends on every value and on their order', () => {
    const base = values(40);
    const root = u8aToHex(orderedTrieRoot(base));
    const changed = base.map((v) => v.slice());
    (changed[37] as Uint8Array)[0] = ((changed[37] as Uint8Array)[0] as number) ^ 1;
    expect(u8aToHex(orderedTrieRoot(changed))).not.toBe(root);
    const swapped = [...base];
    [swapped[3], swapped[4]] = [swapped[4] as Uint8Array, swapped[3] as Uint8Array];
    expect(u8aToHex(orderedTrieRoot(swapped))).not.toBe(root);
  });
});
