import { describe, expect, it } from 'vitest';
import type { ChainCall } from '../types.js';
import { devGenesis } from './dev-genesis.js';
import { encodeExtrinsic } from './extrinsic.js';
import { createLocalChain } from './local-chain.js';
import { dev } from './test-helpers.js';

const transfer = (value: bigint): ChainCall => ({
  pallet: 'Balances',
  method: 'transfer_keep_alive',
  args: { dest: dev.dave.address, value },
});

async function chain() {
  return createLocalChain({ blockTime: 'manual', genesis: devGenesis({ subnets: 0 }) });
}

describe('signed extrinsics', () => {
  it('applies a correctly signed extrinsic given as wire bytes', async () => {
    const c = await chain();
    const x = c.sign(dev.alice, transfer(5n));
    const before = await c.balance(dev.dave.address);
    const done = c.submitExtrinsic(encodeExtrinsic(x));
    await c.advance(1);
    const r = await done;
    expect(r.events.map((e) => e.name)).toEqual(['Transfer', 'ExtrinsicSuccess']);
    expect(await c.balance(dev.dave.address)).toBe(before + 5n);
    await c.close();
  });

  it('rejects a bad signature, a tampered call, a replay and a future nonce without changing state', async () => {
    const c = await chain();
    await c.advance(1);
    const hash = c.stateHash();
    const x = c.sign(dev.alice, transfer(5n));
    const flipped = { ...x, signature: `${x.signature.slice(0, -2)}${x.signature.endsWith('00') ? '01' : '00'}` };
    await expect(c.submitExtrinsic(flipped)).rejects.toMatchObject({ code: 'SK_CHAIN_BAD_SIGNATURE' });
    const tampered = { ...x, call: transfer(6n) };
    await expect(c.submitExtrinsic(tampered)).rejects.toMatchObject({ code: 'SK_CHAIN_BAD_SIGNATURE' });
    const wrongSigner = { ...x, signer: dev.bob.address };
    await expect(c.submitExtrinsic(wrongSigner)).rejects.toMatchObject({ code: 'SK_CHAIN_BAD_SIGNATURE' });
    const future = c.sign(dev.alice, transfer(5n), 3);
    await expect(c.submitExtrinsic(future)).rejects.toMatchObject({
      code: 'SK_CHAIN_BAD_NONCE',
      details: { chainError: 'Future' },
    });
    await expect(c.submitExtrinsic(new TextEncoder().encode('{"nope":1}'))).rejects.toMatchObject({
      code: 'SK_CHAIN_BAD_INPUT',
    });
    await expect(c.submitExtrinsic(new Uint8Array([0xff, 0x00]))).rejects.toMatchObject({ code: 'SK_CHAIN_BAD_INPUT' });
    await c.advance(1);
    // nothing was included: with no subnets the block step changes nothing either
    expect(c.stateHash()).toBe(hash);
    const ok = c.submitExtrinsic(x);
    await c.advance(1);
    await ok;
    await expect(c.submitExtrinsic(x)).rejects.toMatchObject({
      code: 'SK_CHAIN_BAD_NONCE',
      details: { chainError: 'Stale' },
    });
    await c.close();
  });

  it('a signature for another chain does not verify here', async () => {
    const a = await chain();
    const b = await createLocalChain({ blockTime: 'manual', genesis: { ...devGenesis({ subnets: 0 }), timestamp: 1 } });
    const x = a.sign(dev.alice, transfer(5n));
    await expect(b.submitExtrinsic(x)).rejects.toMatchObject({ code: 'SK_CHAIN_BAD_SIGNATURE' });
    await a.close();
    await b.close();
  });

  it('rejects malformed calls before signing', async () => {
    const c = await chain();
    const bad = {
      pallet: 'Balances',
      method: 'transfer_keep_alive',
      args: { dest: 'nope', value: 1n },
    } as unknown as ChainCall;
    await expect(c.submit(dev.alice, bad)).rejects.toMatchObject({ code: 'SK_CHAIN_BAD_INPUT' });
    const neg = transfer(-1n);
    await expect(c.submit(dev.alice, neg)).rejects.toMatchObject({ code: 'SK_CHAIN_BAD_INPUT' });
    await c.close();
  });

  it('instant mode seals a block per batch of submissions', async () => {
    const c = await createLocalChain({ blockTime: 'instant', genesis: devGenesis({ subnets: 0 }) });
    const [r1, r2] = await Promise.all([c.submit(dev.alice, transfer(1000n)), c.submit(dev.alice, transfer(1000n))]);
    expect(r1.blockNumber).toBe(1);
    expect(r2.blockNumber).toBe(1);
    expect(await c.blockNumber()).toBe(1);
    await c.close();
  });

  it('accepts externally authenticated calls with the same nonce rules', async () => {
    const c = await chain();
    await expect(c.submitAuthenticated(dev.alice.address, 1, transfer(5n))).rejects.toMatchObject({
      code: 'SK_CHAIN_BAD_NONCE',
    });
    const done = c.submitAuthenticated(dev.alice.address, 0, transfer(5n));
    await c.advance(1);
    expect((await done).blockNumber).toBe(1);
    expect(c.nonce(dev.alice.address)).toBe(1);
    expect(c.lastBlockExtrinsics()[0]).toContain('"auth":"external"');
    await c.close();
  });
});
