import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliInProcess, sink } from '../capture.test-helper.js';
import { createChainPool } from '../chain-pool.js';
import { main } from '../main.js';

// The same views and admin commands through the subtensor backend: an in-process devnet (one for
// this file) reached over ws://, as against a subtensor node. The commands share one connection to it
// (a pool, as a program calling `main` may): each new one would fetch and decode the whole metadata.
let root: string;
let network: string[];
let stop: AbortController;
let devnet: Promise<number>;
const chains = createChainPool();

const { run, json } = cliInProcess(() => root, { chains });

interface Row {
  name: string;
  value: string | number | boolean | null;
}
async function hyper(netuid: number): Promise<Record<string, Row['value']>> {
  const r = await json<{ hyperparameters: Row[] }>([
    'subnets',
    'hyperparameters',
    '--netuid',
    String(netuid),
    ...network,
  ]);
  return Object.fromEntries(r.hyperparameters.map((h) => [h.name, h.value]));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-cli-admin-devnet-'));
  stop = new AbortController();
  const out = sink();
  devnet = main(['devnet', '--port', '0', '--block-time', 'instant', '--data-dir', join(root, 'devnet'), '--json'], {
    stdout: out.stream,
    stderr: sink().stream,
    shutdown: stop.signal,
    cwd: root,
  });
  await vi.waitFor(() => expect(out.text()).toMatch(/"url"/), { timeout: 300_000, interval: 100 });
  network = ['--network', (JSON.parse(out.text()) as { url: string }).url];
});
afterAll(async () => {
  await chains.close();
  stop.abort();
  await devnet;
  await rm(root, { recursive: true, force: true });
});

describe('wallet views and subnet admin over a devnet (subtensor backend)', () => {
  it('creates a subnet, sets owner and root hyperparameters, and shows the wallet on it', async () => {
    const wallets = ['--wallet-path', join(root, 'wallets')];
    expect((await run(['wallet', 'create', '--name', 'owner', '--no-password', ...wallets, '--json'])).code).toBe(0);
    const coldkey = (await json<{ coldkey: string }>(['wallet', 'show', '--name', 'owner', ...wallets])).coldkey;
    const me = ['--wallet', 'owner', ...wallets, ...network];
    await json(['transfer', ...network, '--from-uri', '//Alice', '--dest', coldkey, '--amount', '2000', '--yes']);
    expect((await json<{ wallets: { free: string }[] }>(['wallet', 'balance', ...me])).wallets[0]?.free).toBe(
      String(2000n * 1_000_000_000n),
    );

    const { netuid } = await json<{ netuid: number }>(['subnets', 'create', '--yes', ...me]);
    const n = String(netuid);
    const start = await hyper(netuid);
    expect(start.tempo).toEqual(expect.any(Number));

    await json(['sudo', 'set', '--netuid', n, '--param', 'rho', '--value', '21', '--yes', ...me]);
    await json([
      'sudo',
      'set',
      '--netuid',
      n,
      '--param',
      'kappa',
      '--value',
      '30001',
      '--yes',
      '--from-uri',
      '//Alice',
      ...network,
    ]);
    await json(['sudo', 'set', '--netuid', n, '--param', 'liquid_alpha_enabled', '--value', 'true', '--yes', ...me]);
    const after = await hyper(netuid);
    expect(after).toMatchObject({ rho: 21, kappa: 30001, liquid_alpha_enabled: true });
    expect(start).not.toMatchObject({ rho: 21, kappa: 30001, liquid_alpha_enabled: true });

    // the owner hotkey is registered on its new subnet
    const overview = await json<{ neurons: { netuid: number; hotkeyName: string | null }[] }>([
      'wallet',
      'overview',
      ...me,
    ]);
    expect(overview.neurons).toContainEqual(expect.objectContaining({ netuid, hotkeyName: 'default' }));
  });

  it('stake limits, moves, unstake_all and register_network_with_identity through the subtensor backend', async () => {
    const wallets = ['--wallet-path', join(root, 'wallets')];
    for (const name of ['staker', 'taker'])
      expect((await run(['wallet', 'create', '--name', name, '--no-password', ...wallets, '--json'])).code).toBe(0);
    type Shown = { coldkey: string; hotkeys: { name: string; address: string }[] };
    const staker = await json<Shown>(['wallet', 'show', '--name', 'staker', ...wallets]);
    const hotkey = staker.hotkeys[0]!.address;
    const taker = (await json<Shown>(['wallet', 'show', '--name', 'taker', ...wallets])).coldkey;
    const me = ['--wallet', 'staker', ...wallets, ...network];
    await json([
      'transfer',
      ...network,
      '--from-uri',
      '//Alice',
      '--dest',
      staker.coldkey,
      '--amount',
      '3000',
      '--yes',
    ]);
    await json(['register', '--netuid', '1', '--yes', ...me]);
    const ownerHotkey = (await json<{ netuid: number; ownerHotkey: string }[]>(['subnets', 'list', ...network])).find(
      (s) => s.netuid === 1,
    )!.ownerHotkey;
    const TAO = 1_000_000_000n;
    const stake = async (): Promise<bigint> =>
      BigInt(
        (
          await json<{ stakes: { netuid: number; hotkey: string; stake: string }[] }>(['stake', 'list', ...me])
        ).stakes.find((s) => s.netuid === 1 && s.hotkey === hotkey)?.stake ?? '0',
      );

    // a buy limit below the price: the chain refuses, one coded line, no stake bought
    const low = await run([
      'stake',
      'add',
      '--netuid',
      '1',
      '--amount',
      '5',
      '--limit-price',
      '0.000000001',
      '--yes',
      ...me,
    ]);
    expect(low.stderr).toMatch(/^error SK_CHAIN_EXTRINSIC_FAILED: add_stake_limit: .*PriceLimitExceeded/);
    expect(low.stderr.trim().split('\n')).toHaveLength(1);
    expect(low.code).toBe(1);
    expect(await stake()).toBe(0n);

    const added = await json<{ stake: string }>([
      'stake',
      'add',
      '--netuid',
      '1',
      '--amount',
      '20',
      '--limit-price',
      '1000',
      '--yes',
      ...me,
    ]);
    expect(BigInt(added.stake)).toBeGreaterThan(3n * TAO);

    const moved = await json<{ origin: { stake: string }; destination: { stake: string } }>([
      'stake',
      'move',
      '--origin-netuid',
      '1',
      '--dest-netuid',
      '1',
      '--dest-hotkey',
      ownerHotkey,
      '--amount',
      '1',
      '--yes',
      ...me,
    ]);
    expect(moved.destination.stake).toBe(String(TAO));
    expect(BigInt(moved.origin.stake)).toBeLessThan(BigInt(added.stake));
    const sent = await json<{ destination: { coldkey: string; stake: string } }>([
      'stake',
      'transfer',
      '--origin-netuid',
      '1',
      '--dest-coldkey',
      taker,
      '--amount',
      '1',
      '--yes',
      ...me,
    ]);
    expect(sent.destination).toMatchObject({ coldkey: taker, stake: String(TAO) });
    const swapped = await json<{ destination: { netuid: number; stake: string } }>([
      'stake',
      'swap',
      '--origin-netuid',
      '1',
      '--dest-netuid',
      '0',
      '--amount',
      '1',
      '--yes',
      ...me,
    ]);
    expect(swapped.destination.netuid).toBe(0);
    expect(BigInt(swapped.destination.stake)).toBeGreaterThan(0n);
    const before = await stake();
    const sold = await json<{ stake: string }>([
      'stake',
      'remove',
      '--netuid',
      '1',
      '--amount',
      '1',
      '--limit-price',
      '0.000000001',
      '--yes',
      ...me,
    ]);
    expect(BigInt(sold.stake)).toBeLessThan(before);
    const all = await json<{ stakes: { stake: string }[] }>(['stake', 'remove', '--all', '--yes', ...me]);
    expect(all.stakes.filter((s) => BigInt(s.stake) > 0n)).toEqual([]);

    const named = await json<{ netuid: number }>([
      'subnets',
      'create',
      '--identity',
      '{"subnet_name":"dev-id"}',
      '--yes',
      ...me,
    ]);
    const list = await json<{ netuid: number; name: string }[]>(['subnets', 'list', ...network]);
    expect(list.find((s) => s.netuid === named.netuid)?.name).toBe('dev-id');
  });
});
