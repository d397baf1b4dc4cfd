import { u8aToHex } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';
import { describe, expect, test } from 'vitest';
import { publicKeyFromAddress } from '../wallet/keypair.js';
import { publicKeyOf } from './address.js';

// Alice's well-known dev key (//Alice, sr25519)
const ALICE_PK = '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d';
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';

describe('publicKeyOf: the one address decoder', () => {
  test('decodes SS58 of any prefix unless a prefix is required', () => {
    const polkadot = encodeAddress(ALICE_PK, 0);
    expect(u8aToHex(publicKeyOf(ALICE) ?? undefined)).toBe(ALICE_PK);
    expect(u8aToHex(publicKeyOf(polkadot) ?? undefined)).toBe(ALICE_PK);
    expect(u8aToHex(publicKeyOf(ALICE, 42) ?? undefined)).toBe(ALICE_PK);
    expect(publicKeyOf(polkadot, 42)).toBeNull();
  });

  test('a hex key decodes only when no network prefix is required', () => {
    expect(u8aToHex(publicKeyOf(ALICE_PK) ?? undefined)).toBe(ALICE_PK);
    expect(publicKeyOf(ALICE_PK, 42)).toBeNull();
  });

  test('anything else is null, never a throw', () => {
    for (const bad of ['', 'x', `${ALICE.slice(0, -1)}Z`, ALICE.repeat(2), '0x1234', 42, null, undefined, {}]) {
      expect(publicKeyOf(bad)).toBeNull();
      expect(publicKeyOf(bad, 42)).toBeNull();
    }
  });

  test("the wallet's throwing wrapper hands out a copy, so the shared cache cannot be corrupted", () => {
    const key = publicKeyFromAddress(ALICE);
    key.fill(0);
    expect(u8aToHex(publicKeyOf(ALICE) ?? undefined)).toBe(ALICE_PK);
    expect(() => publicKeyFromAddress('nope')).toThrow(expect.objectContaining({ code: 'SK_WALLET_BAD_ADDRESS' }));
  });
});
