import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from '../capture.test-helper.js';

// One embedded local chain (dev genesis: //Alice funded and sudo, subnet 1 owned by Alice) for the
// whole file, driven only through the CLI's in-process entry.
let root: string;
let chain: string[];
let owner: string[];
let coldkey: string;

const { run, json, refused } = cliInProcess(() => root);

interface Row {
  name: string;
  value: string | number | boolean | null;
  settableBy: 'owner' | 'root' | null;
}

async function hyper(netuid: number): Promise<Record<string, Row>> {
  const r = await json<{ hyperparameters: Row[] }>([
    'subnets',
    'hyperparameters',
    '--netuid',
    String(netuid),
    ...chain,
  ]);
  return Object.fromEntries(r.hyperparameters.map((h) => [h.name, h]));
}

const netuids = async () => (await json<{ netuid: number }[]>(['subnets', 'list', ...chain])).map((s) => s.netuid);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sk-cli-admin-'));
  chain = ['--network', 'local', '--data-dir', join(root, 'chain')];
  const wallets = ['--wallet-path', join(root, 'wallets')];
  expect((await run(['wallet', 'create', '--name', 'owner', '--no-password', ...wallets, '--json'])).code).toBe(0);
  coldkey = (await json<{ coldkey: string }>(['wallet', 'show', '--name', 'owner', ...wallets])).coldkey;
  owner = ['--wallet', 'owner', ...wallets, ...chain];
  await json(['transfer', ...chain, '--from-uri', '//Alice', '--dest', coldkey, '--amount', '5000', '--yes']);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('subnets hyperparameters, subnets create and sudo set on the local chain', () => {
  it('lists every registry hyperparameter with its value and who may set it', async () => {
    const h = await hyper(1);
    expect(h.tempo).toEqual({ name: 'tempo', value: 10, settableBy: 'owner' });
    expect(h.kappa?.settableBy).toBe('root');
    expect(h.commit_reveal_weights_enabled?.value).toBe(true);
    // read-only on subtensor: shown, no setter
    expect(h.max_weights_limit?.settableBy).toBeNull();
    const table = await run(['subnets', 'hyperparameters', '--netuid', '1', ...chain]);
    expect(table.stdout).toMatch(/^tempo\s+10\s+owner$/m);
    await refused(['subnets', 'hyperparameters', '--netuid', '77', ...chain], 'SK_CHAIN_NOT_FOUND', 1);
  });

  it('subnets create registers a subnet owned by the wallet, after the lock cost is confirmed', async () => {
    const before = await netuids();
    // no terminal and no --yes: nothing is registered
    await refused(['subnets', 'create', ...owner], 'SK_CLI_ABORTED', 1);
    await refused(['subnets', 'create', '--identity', '{}', '--yes', ...owner], 'SK_CLI_USAGE');
    await refused(
      ['subnets', 'create', '--identity', '{"subnet_name":"x","discord":"d"}', '--yes', ...owner],
      'SK_CLI_NOT_AVAILABLE',
      1,
    );
    expect(await netuids()).toEqual(before);

    const created = await json<{ netuid: number; owner: string; locked: string }>([
      'subnets',
      'create',
      '--name',
      'mine',
      '--yes',
      ...owner,
    ]);
    expect(before).not.toContain(created.netuid);
    expect(created.owner).toBe(coldkey);
    const list = await json<{ netuid: number; owner: string; name: string }[]>(['subnets', 'list', ...chain]);
    expect(list.find((s) => s.netuid === created.netuid)).toMatchObject({ owner: coldkey, name: 'mine' });
    const balance = await json<{ wallets: { free: string }[] }>(['wallet', 'balance', ...owner]);
    expect(BigInt(balance.wallets[0]!.free)).toBe(5000n * 1_000_000_000n - BigInt(created.locked));

    // --identity: register_network_with_identity names the subnet in the same extrinsic
    const named = await json<{ netuid: number; name: string; block: number }>([
      'subnets',
      'create',
      '--identity',
      '{"subnet_name":"with-id","github_repo":""}',
      '--yes',
      ...owner,
    ]);
    expect(named.name).toBe('with-id');
    const after = await json<{ netuid: number; owner: string; name: string }[]>(['subnets', 'list', ...chain]);
    expect(after.find((s) => s.netuid === named.netuid)).toMatchObject({ owner: coldkey, name: 'with-id' });
  });

  it('sudo set: the owner sets owner params, //Alice root params; refusals change nothing', async () => {
    const netuid = (await json<{ netuid: number; owner: string }[]>(['subnets', 'list', ...chain])).find(
      (s) => s.owner === coldkey,
    )!.netuid;
    const n = String(netuid);
    const start = await hyper(netuid);
    const rhoOfSubnet1 = (await hyper(1)).rho?.value;

    const set = await json<{ param: string; value: number }>([
      'sudo',
      'set',
      '--netuid',
      n,
      '--param',
      'rho',
      '--value',
      '20',
      '--yes',
      ...owner,
    ]);
    expect(set).toMatchObject({ param: 'rho', before: start.rho?.value, value: 20 });
    expect((await hyper(netuid)).rho?.value).toBe(20);

    // root-only without the sudo key, a stranger's subnet, bad names and values: refused before submitting
    await refused(
      ['sudo', 'set', '--netuid', n, '--param', 'kappa', '--value', '30000', '--yes', ...owner],
      'SK_CLI_USAGE',
    );
    await refused(
      ['sudo', 'set', '--netuid', '1', '--param', 'rho', '--value', '21', '--yes', ...owner],
      'SK_CLI_USAGE',
    );
    await refused(['sudo', 'set', '--netuid', n, '--param', 'nope', '--value', '1', '--yes', ...owner], 'SK_CLI_USAGE');
    await refused(
      ['sudo', 'set', '--netuid', n, '--param', 'rho', '--value', '70000', '--yes', ...owner],
      'SK_CLI_USAGE',
    );
    await refused(
      ['sudo', 'set', '--netuid', n, '--param', 'liquid_alpha_enabled', '--value', 'maybe', '--yes', ...owner],
      'SK_CLI_USAGE',
    );
    const unchanged = await hyper(netuid);
    expect(unchanged.kappa?.value).toBe(start.kappa?.value);
    expect(unchanged.rho?.value).toBe(20);
    expect((await hyper(1)).rho?.value).toBe(rhoOfSubnet1);

    const bySudo = await run([
      'sudo',
      'set',
      '--netuid',
      n,
      '--param',
      'kappa',
      '--value',
      '30000',
      '--yes',
      '--from-uri',
      '//Alice',
      ...chain,
    ]);
    expect(bySudo.code).toBe(0);
    expect(bySudo.stdout).toMatch(new RegExp(`^kappa of subnet ${netuid}: ${start.kappa?.value} → 30000`));
    expect((await hyper(netuid)).kappa?.value).toBe(30000);
  });
});
