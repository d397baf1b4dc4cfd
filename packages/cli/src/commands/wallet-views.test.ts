import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from '../capture.test-helper.js';

// One embedded local chain (dev genesis: //Alice funded, subnet 1) for the whole file, driven
// only through the CLI's in-process entry, as a user would drive it.
let root: string;
let chainArgs: string[];
let walletArgs: string[];
let coldkey: string;

const { run, json } = cliInProcess(() => root);

interface Balances {
  wallets: { name: string; coldkey: string; free: string; staked: string; total: string; stakes: unknown[] }[];
  totals: { free: string; staked: string; total: string };
}

const TAO = 1_000_000_000n;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-cli-views-'));
  chainArgs = ['--network', 'local', '--data-dir', join(root, 'chain')];
  walletArgs = ['--wallet-path', join(root, 'wallets')];
  for (const name of ['views', 'idle']) {
    const created = await run(['wallet', 'create', '--name', name, '--no-password', ...walletArgs, '--json']);
    expect(created.code).toBe(0);
  }
  coldkey = (await json<{ coldkey: string }>(['wallet', 'show', '--name', 'views', ...walletArgs])).coldkey;
  await json(['transfer', ...chainArgs, '--from-uri', '//Alice', '--dest', coldkey, '--amount', '100', '--yes']);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('wallet balance and wallet overview on the local chain', () => {
  it('balance shows the transferred TAO, then the stake bought with part of it', async () => {
    const me = ['--wallet', 'views', ...walletArgs, ...chainArgs];
    const before = await json<Balances>(['wallet', 'balance', ...me]);
    expect(before.wallets).toHaveLength(1);
    expect(before.wallets[0]).toMatchObject({ name: 'views', coldkey, free: String(100n * TAO), staked: '0' });

    await json(['register', '--netuid', '1', '--yes', ...me]);
    await json(['stake', 'add', '--netuid', '1', '--amount', '10', '--yes', ...me]);
    const after = await json<Balances>(['wallet', 'balance', ...me]);
    const w = after.wallets[0]!;
    expect(BigInt(w.free)).toBeLessThan(90n * TAO);
    expect(BigInt(w.staked)).toBeGreaterThan(0n);
    expect(BigInt(w.total)).toBe(BigInt(w.free) + BigInt(w.staked));
    expect(w.stakes).toEqual([expect.objectContaining({ netuid: 1 })]);

    const table = await run(['wallet', 'balance', ...me]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/free τ\s+staked τ\s+total τ/);
    expect(table.stdout).toContain(coldkey);
  });

  it('overview lists the registered hotkey with its uid and stake; --all sums every wallet', async () => {
    const me = ['--wallet', 'views', ...walletArgs, ...chainArgs];
    const uid = (await json<{ uid: number }>(['register', '--netuid', '1', '--yes', ...me])).uid;
    const overview = await json<{ coldkey: string; neurons: Record<string, unknown>[] }>(['wallet', 'overview', ...me]);
    expect(overview.coldkey).toBe(coldkey);
    expect(overview.neurons).toEqual([expect.objectContaining({ netuid: 1, uid, hotkeyName: 'default' })]);
    expect(BigInt(overview.neurons[0]!.stake as string)).toBeGreaterThan(0n);
    const table = await run(['wallet', 'overview', ...me]);
    expect(table.stdout).toMatch(/netuid\s+uid\s+hotkey\s+stake α\s+rank\s+trust\s+consensus\s+incentive/);

    const idle = await json<{ neurons: unknown[] }>([
      'wallet',
      'overview',
      '--wallet',
      'idle',
      ...walletArgs,
      ...chainArgs,
    ]);
    expect(idle.neurons).toEqual([]);

    const all = await json<Balances>(['wallet', 'balance', '--all', ...walletArgs, ...chainArgs]);
    expect(all.wallets.map((x) => x.name).sort()).toEqual(['idle', 'views']);
    const sum = all.wallets.reduce((a, x) => a + BigInt(x.total), 0n);
    expect(BigInt(all.totals.total)).toBe(sum);
  });

  it('bad input: one coded line, non-zero exit', async () => {
    const both = await run(['wallet', 'balance', '--all', '--wallet', 'views', ...walletArgs, ...chainArgs]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^error SK_CLI_USAGE: .*--all/);
    const missing = await run(['wallet', 'balance', '--wallet', 'nobody', ...walletArgs, ...chainArgs]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^error SK_WALLET_NOT_FOUND: /);
  });
});
