import { beforeAll, expect, test } from 'vitest';
import { initCrypto } from '../wallet/crypto-ready.js';
import { Keypair } from '../wallet/keypair.js';
import { devKey, localnetKeys } from './keys.js';

beforeAll(() => initCrypto());

// devKey skips the phrase's PBKDF2 by starting from its cached mini-secret: the keys must be the
// very ones `fromUri` derives from the dev phrase (a localnet's accounts and other processes joining
// it by URI depend on it), hard and soft junctions alike.
test('devKey derives the same keys as Keypair.fromUri, for every kind of path', () => {
  for (const path of ['//Alice', '//subnetkit/localnet/text/miner-3', '//subnetkit/s1/predict/validator-0//hot']) {
    const a = devKey(path);
    const b = Keypair.fromUri(path);
    expect(a.address, path).toBe(b.address);
    // the secret halves match too: b's public key accepts a's signature
    expect(b.verify('x', a.sign('x'))).toBe(true);
  }
});

test('devKey from a cached parent (junction by junction) is the key fromUri derives in one go', () => {
  devKey('//subnetkit/cache/text');
  for (const path of ['//subnetkit/cache/text/miner-9', '//subnetkit/cache/text/miner-9//hot', '//subnetkit/cache']) {
    const a = devKey(path);
    const b = Keypair.fromUri(path);
    expect(a.address, path).toBe(b.address);
    expect(b.verify('y', a.sign('y'))).toBe(true);
    expect(a.verify('z', b.sign('z'))).toBe(true);
  }
});

test('localnetKeys: a cold and a hot key per neuron, distinct per subnet, role and index', () => {
  const k = localnetKeys('localnet', 'text', 'miner', 0);
  expect(k.coldkey.address).toBe(Keypair.fromUri('//subnetkit/localnet/text/miner-0').address);
  expect(k.hotkey.address).toBe(Keypair.fromUri('//subnetkit/localnet/text/miner-0//hot').address);
  const others = [
    localnetKeys('localnet', 'text', 'miner', 1),
    localnetKeys('localnet', 'image', 'miner', 0),
    localnetKeys('localnet', 'text', 'validator', 0),
    localnetKeys('other', 'text', 'miner', 0),
  ].flatMap((x) => [x.coldkey.address, x.hotkey.address]);
  expect(new Set([k.coldkey.address, k.hotkey.address, ...others]).size).toBe(2 + others.length);
});
