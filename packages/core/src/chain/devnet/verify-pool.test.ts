/**
 * The devnet's sr25519 verify pool: every check gets its own result once, in submission order,
 * whether verified on the calling thread or by a worker, and also when the workers go away with
 * batches in flight.
 */
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type SignatureCheck, VerifyPool } from './verify-pool.js';

describe('verify pool', () => {
  let checks: SignatureCheck[];
  let expected: boolean[];

  beforeAll(async () => {
    await cryptoWaitReady();
    const pair = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
    checks = [];
    expected = [];
    for (let i = 0; i < 150; i++) {
      const message = new TextEncoder().encode(`transfer ${i}`);
      const signature = pair.sign(message);
      // every third one is signed over another message, every seventh has a short signature
      if (i % 3 === 0)
        checks.push({ signature, message: new TextEncoder().encode(`other ${i}`), publicKey: pair.publicKey });
      else if (i % 7 === 0) checks.push({ signature: signature.subarray(0, 63), message, publicKey: pair.publicKey });
      else checks.push({ signature, message, publicKey: pair.publicKey });
      expected.push(i % 3 !== 0 && i % 7 !== 0);
    }
  });

  /** Submits every check in one turn; resolves with the results in the order the callbacks ran. */
  const run = (pool: VerifyPool): Promise<{ order: number[]; ok: boolean[] }> =>
    new Promise((resolve) => {
      const order: number[] = [];
      const ok: boolean[] = [];
      for (const [i, c] of checks.entries()) {
        pool.verify(c, (valid) => {
          order.push(i);
          ok[i] = valid;
          if (order.length === checks.length) resolve({ order, ok });
        });
      }
    });

  it('verifies on the calling thread without workers', async () => {
    const pool = new VerifyPool(0);
    const { order, ok } = await run(pool);
    expect(ok).toEqual(expected);
    expect(order).toEqual(checks.map((_, i) => i));
    expect(pool.counts).toEqual({ inline: checks.length, workers: 0 });
    await pool.close();
  });

  it('verifies bursts on worker threads, answering in submission order', async () => {
    const pool = new VerifyPool(2);
    expect(await pool.start()).toBe(2);
    const { order, ok } = await run(pool);
    expect(ok).toEqual(expected);
    expect(order).toEqual(checks.map((_, i) => i));
    // the burst went out in full batches; only a short tail may stay on this thread
    expect(pool.counts.workers).toBeGreaterThanOrEqual(128);
    await pool.close();
  });

  it('answers batches still in flight when the workers stop', async () => {
    const pool = new VerifyPool(1);
    expect(await pool.start()).toBe(1);
    const done = run(pool);
    await pool.close();
    const { order, ok } = await done;
    expect(ok).toEqual(expected);
    expect(order).toEqual(checks.map((_, i) => i));
  });
});
