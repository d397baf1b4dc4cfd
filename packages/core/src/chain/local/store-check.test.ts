import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { devGenesis } from './dev-genesis.js';
import { createLocalChain } from './local-chain.js';
import { openLocalChainReadOnly } from './open-read-only.js';
import { assertStoreIntact, inspectStoreFile } from './store-check.js';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sk-store-check-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A real store written by the local chain, a few blocks deep. */
async function storeIn(dir: string): Promise<string> {
  const chain = await createLocalChain({ dataDir: dir, genesis: devGenesis({ subnets: 1 }), blockTime: 'manual' });
  await chain.advance(5);
  await chain.close();
  return join(dir, 'data.mdb');
}

describe('damaged LMDB store, detected before it is mapped', () => {
  it('a whole store passes; truncated, emptied or foreign files are named with the reason', async () => {
    const dir = tempDir();
    const file = await storeIn(dir);
    expect(inspectStoreFile(file)).toBeUndefined();
    truncateSync(file, statSync(file).size - 4096);
    expect(inspectStoreFile(file)?.reason).toMatch(/truncated: \d+ bytes of the \d+/);
    truncateSync(file, 100);
    expect(inspectStoreFile(file)?.reason).toMatch(/shorter than its two meta pages|not an LMDB file/);
    truncateSync(file, 0);
    expect(inspectStoreFile(file)?.reason).toBe('the file is empty');
    writeFileSync(file, Buffer.alloc(16_384, 7));
    expect(inspectStoreFile(file)?.reason).toMatch(/not an LMDB file/);
  });

  it('opening a truncated store is SK_CHAIN_STORAGE (not a crash), and nothing in the folder changes', async () => {
    const dir = tempDir();
    const file = await storeIn(dir);
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const before = readFileSync(file);
    const error = { code: 'SK_CHAIN_STORAGE', details: expect.objectContaining({ file, damaged: true }) };
    expect(() => assertStoreIntact(dir)).toThrow(expect.objectContaining(error));
    await expect(createLocalChain({ dataDir: dir, blockTime: 'manual' })).rejects.toMatchObject(error);
    await expect(openLocalChainReadOnly(dir)).rejects.toMatchObject(error);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

describe('read-only open', () => {
  it('reads the stored chain and creates nothing where there is none', async () => {
    const dir = tempDir();
    await storeIn(dir);
    const chain = await openLocalChainReadOnly(dir);
    expect(await chain.blockNumber()).toBe(5);
    expect((await chain.subnets()).map((s) => s.netuid)).toContain(1);
    await chain.close();
    const empty = tempDir();
    await expect(openLocalChainReadOnly(join(empty, 'chain'))).rejects.toMatchObject({ code: 'SK_CHAIN_NOT_FOUND' });
    expect(readdirSync(empty)).toEqual([]);
  });
});
