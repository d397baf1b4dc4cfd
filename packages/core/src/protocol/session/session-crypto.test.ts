import { x25519 } from '@noble/curves/ed25519';
import { hkdf } from '@noble/hashes/hkdf';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ephemeralKey, SESSION_VERSION, sessionKey } from './session-crypto.js';

const P = (1n << 255n) - 19n;
const le = (v: bigint) => bytesToHex(Uint8Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn)));

describe('session key agreement (X25519 through node:crypto)', () => {
  it('derives the key an independent X25519 (@noble/curves) derives, for any hello digest (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (digest) => {
        const ours = ephemeralKey();
        expect(ours.pub).toMatch(/^[0-9a-f]{64}$/);
        const theirSecret = x25519.utils.randomSecretKey();
        const theirPub = bytesToHex(x25519.getPublicKey(theirSecret));
        const shared = x25519.getSharedSecret(theirSecret, hexToBytes(ours.pub));
        const want = hkdf(sha256, shared, digest, new TextEncoder().encode(`${SESSION_VERSION} mac`), 32);
        expect(sessionKey(ours.secret, theirPub, digest)).toEqual(Buffer.from(want));
      }),
      { numRuns: 40 },
    );
  });

  it('gives no key for a malformed or low-order peer key (RFC 7748 §6.1: the all-zero secret)', () => {
    const { secret } = ephemeralKey();
    const digest = new Uint8Array(32);
    // u = 0, 1, p − 1, p, p + 1 and the points of order 8 lead to the all-zero secret
    const lowOrder = [
      0n,
      1n,
      P - 1n,
      P,
      P + 1n,
      325606250916557431795983626356110631294008115727848805560023387167927233504n,
      39382357235489614581723060781553021112529911719440698176882885853963445705823n,
    ];
    for (const u of lowOrder) expect(sessionKey(secret, le(u), digest)).toBeUndefined();
    for (const bad of ['', 'zz', '00'.repeat(31), '00'.repeat(33), 'AB'.repeat(32)]) {
      expect(sessionKey(secret, bad, digest)).toBeUndefined();
    }
  });
});
