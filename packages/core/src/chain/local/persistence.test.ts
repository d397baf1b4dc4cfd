import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { devGenesis } from './dev-genesis.js';
import { createLocalChain } from './local-chain.js';
import { dev, include } from './test-helpers.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sk-chain-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('persistence', () => {
  it('reopens a data dir at the same head and state hash, and keeps producing', async () => {
    const dir = tempDir();
    const genesis = devGenesis({ subnets: 1 });
    const a = await createLocalChain({ dataDir: dir, genesis, blockTime: 'manual' });
    await include(a, dev.bob, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid: 1, hotkey: dev.minerHot.address },
    });
    await a.advance(15);
    const hash = a.stateHash();
    const head = await a.blockHash();
    await a.close();
    const b = await createLocalChain({ dataDir: dir, blockTime: 'manual' });
    expect(b.stateHash()).toBe(hash);
    expect(await b.blockHash()).toBe(head);
    expect(await b.blockNumber()).toBe(16);
    expect(await b.uidOf(1, dev.minerHot.address)).toBe(1);
    // the same blocks on a fresh in-memory chain give the same state hash
    const c = await createLocalChain({ genesis, blockTime: 'manual' });
    for (let n = 1; n <= 16; n++) {
      for (const x of b.storedBlock(n)?.extrinsics ?? []) {
        c.submitExtrinsic(new TextEncoder().encode(x)).catch(() => undefined);
      }
      await c.advance(1);
      expect(c.stateHash()).toBe(b.storedBlock(n)?.stateHash);
    }
    await b.advance(1);
    await c.advance(1);
    expect(b.stateHash()).toBe(c.stateHash());
    await b.close();
    await c.close();
  });

  it('refuses a data dir created with another genesis', async () => {
    const dir = tempDir();
    const a = await createLocalChain({ dataDir: dir, genesis: devGenesis({ subnets: 1 }), blockTime: 'manual' });
    await a.close();
    await expect(
      createLocalChain({ dataDir: dir, genesis: devGenesis({ subnets: 2 }), blockTime: 'manual' }),
    ).rejects.toMatchObject({
      code: 'SK_CHAIN_STORAGE',
    });
  });

  it('survives SIGKILL of a child process producing blocks: resumes at the last committed block', {
    timeout: 60_000,
  }, async () => {
    const dir = tempDir();
    const script = fileURLToPath(new URL('./crash-child.fixture.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let lastReported = { number: -1, stateHash: '' };
    const reports: { number: number; stateHash: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        let i = buf.indexOf('\n');
        while (i >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          const r = JSON.parse(line) as { number: number; stateHash: string };
          reports.push(r);
          lastReported = r;
          // kill mid-stream, while it is building blocks with extrinsics
          if (r.number >= 40) {
            child.kill('SIGKILL');
            resolve();
          }
          i = buf.indexOf('\n');
        }
      });
      child.on('error', reject);
      child.on('exit', () => resolve());
    });
    await new Promise((r) => child.once('exit', r).once('close', r));
    expect(lastReported.number).toBeGreaterThanOrEqual(40);
    const reopened = await createLocalChain({ dataDir: dir, blockTime: 'manual' });
    const head = await reopened.blockNumber();
    // at most the block being built is lost; what was reported committed is there
    expect(head).toBeGreaterThanOrEqual(lastReported.number);
    expect(reopened.storedBlock(lastReported.number)?.stateHash).toBe(lastReported.stateHash);
    expect(reopened.stateHash()).toBe(reopened.storedBlock(head)?.stateHash);
    await reopened.advance(2);
    expect(await reopened.blockNumber()).toBe(head + 2);
    await reopened.close();
  });
});
