import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../util/clock.js';
import type { BlockHeader } from '../types.js';
import { devGenesis } from './dev-genesis.js';
import { createLocalChain } from './local-chain.js';
import { dev } from './test-helpers.js';

describe('block production on a timer', () => {
  it('produces a block per block time on the injected clock and includes pending extrinsics', async () => {
    const clock = new ManualClock();
    const chain = await createLocalChain({ blockTime: 250, clock, genesis: devGenesis({ subnets: 1 }) });
    const headers: BlockHeader[] = [];
    const next = () =>
      new Promise<BlockHeader>((resolve) => {
        const off = chain.onBlock((h) => {
          off();
          resolve(h);
        });
      });
    const submitted = chain.submit(dev.alice, {
      pallet: 'Balances',
      method: 'transfer_keep_alive',
      args: { dest: dev.bob.address, value: 1000n },
    });
    let waiting = next();
    clock.advance(250);
    headers.push(await waiting);
    const result = await submitted;
    expect(result.blockNumber).toBe(1);
    waiting = next();
    clock.advance(250);
    headers.push(await waiting);
    expect(headers.map((h) => h.number)).toEqual([1, 2]);
    expect(headers[1]?.parentHash).toBe(headers[0]?.hash);
    expect(headers[1]?.timestamp).toBe(clock.now());
    await chain.close();
    await expect(
      chain.submit(dev.alice, {
        pallet: 'Balances',
        method: 'transfer_keep_alive',
        args: { dest: dev.bob.address, value: 1n },
      }),
    ).rejects.toMatchObject({
      code: 'SK_CHAIN_CONNECTION',
    });
  });

  it('is deterministic: two chains with the same genesis and extrinsics agree block by block', async () => {
    const a = await createLocalChain({ blockTime: 'manual', genesis: devGenesis({ subnets: 2 }) });
    const b = await createLocalChain({ blockTime: 'manual', genesis: devGenesis({ subnets: 2 }) });
    for (let i = 0; i < 25; i++) {
      for (const c of [a, b]) {
        if (i % 3 === 0) {
          c.submit(dev.charlie, {
            pallet: 'SubtensorModule',
            method: 'add_stake',
            args: { hotkey: dev.ownerHot.address, netuid: 1 + (i % 2), amountStaked: 10n ** 9n },
          }).catch(() => undefined);
        }
        await c.advance(1);
      }
      expect(a.stateHash()).toBe(b.stateHash());
    }
    await a.close();
    await b.close();
  });
});
