import type { Chain } from '@subnetkit/core';
import { describe, expect, it } from 'vitest';
import { createChainPool } from './chain-pool.js';

// The pool's own rules, with a stand-in for the chain (only `close` and identity matter here; the
// devnet tests run real commands through a pool).
function standIn(): Chain & { closes: number } {
  const chain = {
    kind: 'subtensor',
    closes: 0,
    async close() {
      chain.closes += 1;
    },
  };
  return chain as unknown as Chain & { closes: number };
}

describe('chain pool', () => {
  it('opens one chain per key, ignores commands closing it, and closes it once itself', async () => {
    const pool = createChainPool();
    const opened: (Chain & { closes: number })[] = [];
    const open = async () => {
      const c = standIn();
      opened.push(c);
      return c;
    };
    const a = await pool.get('ws://a', open);
    await a.close();
    const again = await pool.get('ws://a', open);
    expect(again.kind).toBe('subtensor');
    await pool.get('ws://b', open);
    expect(opened).toHaveLength(2);
    expect(opened.map((c) => c.closes)).toEqual([0, 0]);
    await pool.close();
    expect(opened.map((c) => c.closes)).toEqual([1, 1]);
  });

  it('keeps no failed connection: the next command tries again', async () => {
    const pool = createChainPool();
    let tries = 0;
    const open = async () => {
      tries += 1;
      if (tries === 1) throw new Error('refused');
      return standIn();
    };
    await expect(pool.get('ws://a', open)).rejects.toThrow('refused');
    await expect(pool.get('ws://a', open)).resolves.toMatchObject({ kind: 'subtensor' });
    expect(tries).toBe(2);
    await pool.close();
  });
});
