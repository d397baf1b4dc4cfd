import { bls12_381 as bls } from '@noble/curves/bls12-381.js';
import { describe, expect, test } from 'vitest';
import vectors from './fixtures/vectors.json' with { type: 'json' };
import { identityPoint } from './identity.js';
import { g2FromBytes } from './points.js';
import { QUICKNET } from './quicknet.js';
import {
  beaconKey,
  clearRoundPairingCache,
  gtPow,
  ROUND_PAIRING_CACHE_LIMIT,
  roundPairing,
  roundPairingCacheSizes,
} from './round-pairing.js';
import { timelockDecrypt, timelockEncrypt } from './tle.js';

const Fp12 = bls.fields.Fp12;
const R = bls.fields.Fr.ORDER;
const pkBytes = Uint8Array.from(Buffer.from(QUICKNET.publicKey, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const signature1000 = (vectors.pulses[0] as { signature: string }).signature;

describe('per-round pairing cache and GT exponentiation', () => {
  test('gtPow agrees with the generic Fp12 power, and e(Q, pk)^r is the textbook e(Q, r·pk)', () => {
    const g = roundPairing(1000n, beaconKey(pkBytes));
    for (const e of [0n, 1n, 17n, R - 1n, R + 5n, (R * 7n) / 11n]) {
      expect(Fp12.eql(gtPow(g, e), Fp12.pow(g, e))).toBe(true);
    }
    const r = (R * 3n) / 5n;
    const textbook = bls.pairing(identityPoint(1000), g2FromBytes(pkBytes).multiply(r));
    expect(Fp12.eql(gtPow(g, r), textbook)).toBe(true);
    // a different round is a different pairing (the cache key includes the round)
    expect(Fp12.eql(roundPairing(1001n, beaconKey(pkBytes)), g)).toBe(false);
  });

  test('cold and warm cache give byte-identical ciphertexts that open with drand’s real round-1000 signature', () => {
    const plaintext = Uint8Array.from(Buffer.from('cached or not'));
    const fixed = { esk: new Uint8Array(32).fill(5), t: 987654321n, nonce: new Uint8Array(12).fill(9) };
    clearRoundPairingCache();
    const cold = timelockEncrypt(plaintext, 1000, QUICKNET.publicKey, fixed);
    const warm = timelockEncrypt(plaintext, 1000, QUICKNET.publicKey, fixed);
    expect(hex(warm)).toBe(hex(cold));
    expect(Buffer.from(timelockDecrypt(warm, signature1000)).toString()).toBe('cached or not');
    // a second reveal with the same signature (hex with 0x this time) reuses the parsed point
    expect(Buffer.from(timelockDecrypt(cold, `0x${signature1000}`)).toString()).toBe('cached or not');
    expect(roundPairingCacheSizes().signatures).toBe(1);
  });

  test('one pairing per (round, key), and both caches stay bounded', () => {
    clearRoundPairingCache();
    const key = beaconKey(pkBytes);
    const first = roundPairing(1000n, key);
    expect(roundPairing(1000n, beaconKey(pkBytes))).toBe(first);
    expect(roundPairingCacheSizes()).toEqual({ keys: 1, pairings: 1, signatures: 0 });
    // distinct valid keys (multiples of the G2 generator) push the oldest entries out
    for (let k = 2n; k <= BigInt(ROUND_PAIRING_CACHE_LIMIT + 2); k++) {
      beaconKey(bls.G2.ProjectivePoint.BASE.multiply(k).toRawBytes(true));
    }
    expect(roundPairingCacheSizes().keys).toBe(ROUND_PAIRING_CACHE_LIMIT);
    // an evicted key is parsed again and still yields the same pairing
    expect(Fp12.eql(roundPairing(1000n, beaconKey(pkBytes)), first)).toBe(true);
  });
});
