import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { sr25519Verify } from '../crypto/sr25519.js';
import { initCrypto } from './crypto-ready.js';
import { Keypair, verify } from './keypair.js';

beforeAll(() => initCrypto());

describe('PresignedSigner', () => {
  it('makes signatures the schnorrkel verifier accepts, for any message and key (property)', () => {
    const keys = ['//Alice', '//Bob', '//Alice//stash', '//Bob/soft'].map((u) => Keypair.fromUri(u));
    const signers = keys.map((k) => k.presignedSigner({ poolSize: 8 }));
    fc.assert(
      fc.property(fc.nat({ max: keys.length - 1 }), fc.uint8Array({ maxLength: 600 }), (i, msg) => {
        const sig = signers[i]!.sign(msg);
        expect(sig).toHaveLength(64);
        expect(sr25519Verify(sig, msg, keys[i]!.publicKey)).toBe(true);
        expect(verify(msg, sig, keys[i]!.address)).toBe(true);
        // bound to the message and the key
        expect(sr25519Verify(sig, Uint8Array.of(...msg, 0), keys[i]!.publicKey)).toBe(false);
        expect(sr25519Verify(sig, msg, keys[(i + 1) % keys.length]!.publicKey)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('uses every prepared nonce once, falls back to the plain signer when empty, refills on a worker', async () => {
    const alice = Keypair.fromUri('//Alice');
    const s = alice.presignedSigner({ poolSize: 4 });
    try {
      expect(s.ready).toBe(0);
      s.fill();
      expect(s.ready).toBe(4);
      const msg = new TextEncoder().encode('fan-out');
      const sigs = Array.from({ length: 6 }, () => s.sign(msg));
      expect(s.ready).toBe(0);
      // fresh R (first 32 bytes) every time, prepared or not
      expect(new Set(sigs.map((x) => Buffer.from(x.subarray(0, 32)).toString('hex'))).size).toBe(6);
      for (const sig of sigs) expect(sr25519Verify(sig, msg, alice.publicKey)).toBe(true);
      await s.whenFull();
      expect(s.ready).toBe(4);
      const fromWorker = Array.from({ length: 4 }, () => s.sign(msg));
      expect(s.ready).toBe(0);
      for (const sig of fromWorker) expect(sr25519Verify(sig, msg, alice.publicKey)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('refills on this thread when asked to', async () => {
    const bob = Keypair.fromUri('//Bob');
    const s = bob.presignedSigner({ poolSize: 20, worker: false });
    s.refill();
    await until(() => s.ready === 20);
    const msg = Uint8Array.of(1, 2, 3);
    expect(sr25519Verify(s.sign(msg), msg, bob.publicKey)).toBe(true);
    expect(s.ready).toBe(19);
  });
});

/** Resolves once `cond` holds, checking after each turn of the event loop (no timed sleeps). */
function until(cond: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = (): void => (cond() ? resolve() : void setImmediate(poll));
    poll();
  });
}
