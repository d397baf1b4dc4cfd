import { createDevSigner, createSubtensorChain } from '@subnetkit/core';
import { describe, expect, it, vi } from 'vitest';
import { sink } from '../capture.test-helper.js';
import { main } from '../main.js';
import { parseBlockTime } from './devnet.js';

describe('subnetkit devnet', () => {
  it('parses block times', () => {
    expect(parseBlockTime('12s')).toBe(12_000);
    expect(parseBlockTime('250ms')).toBe(250);
    expect(parseBlockTime('250')).toBe(250);
    expect(parseBlockTime('instant')).toBe('instant');
    expect(() => parseBlockTime('fast')).toThrow(expect.objectContaining({ code: 'SK_CLI_USAGE' }));
    expect(() => parseBlockTime('0s')).toThrow(expect.objectContaining({ code: 'SK_CLI_USAGE' }));
  });

  it('refuses a bad port with a usage error', async () => {
    const err = sink();
    const code = await main(['devnet', '--port', '70000'], { stdout: sink().stream, stderr: err.stream });
    expect(code).toBe(2);
    expect(err.text()).toMatch(/SK_CLI_USAGE/);
  });

  it('refuses a bad --history with a usage error', async () => {
    const err = sink();
    const code = await main(['devnet', '--history', '-1'], { stdout: sink().stream, stderr: err.stream });
    expect(code).toBe(2);
    expect(err.text()).toMatch(/SK_CLI_USAGE.*--history/);
  });

  it('serves the local chain to @polkadot/api clients until shutdown', async () => {
    const out = sink();
    const stop = new AbortController();
    const running = main(['devnet', '--port', '0', '--block-time', 'instant', '--json'], {
      stdout: out.stream,
      stderr: sink().stream,
      shutdown: stop.signal,
    });
    await vi.waitFor(() => expect(out.text()).toMatch(/"url"/), { timeout: 300_000 });
    const info = JSON.parse(out.text()) as { url: string; specVersion: number };
    expect(info.specVersion).toBe(343);
    const chain = await createSubtensorChain({ endpoint: info.url, timeoutMs: 10_000 });
    try {
      const alice = createDevSigner('//Alice');
      const bob = createDevSigner('//Bob');
      const before = await chain.balance(bob.address);
      const r = await chain.submit(alice, {
        pallet: 'Balances',
        method: 'transfer_keep_alive',
        args: { dest: bob.address, value: 10n ** 9n },
      });
      expect(r.events.map((e) => e.name)).toContain('Transfer');
      expect(await chain.balance(bob.address)).toBe(before + 10n ** 9n);
    } finally {
      await chain.close();
      stop.abort();
    }
    expect(await running).toBe(0);
  });
});
