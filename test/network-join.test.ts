import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Chain, createSubtensorChain, createWallet, initCrypto } from '@subnetkit/core';
import { freePort } from '@subnetkit/core/testing';
import { afterAll, describe, expect, test, vi } from 'vitest';

// Three processes, as three users would run them: a devnet (the chain), a localnet joining it
// with --network, and a miner started with `subnetkit run --network`. They share nothing but
// the chain's WebSocket and the miners' HTTP.
const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'packages/cli/dist/bin.js');
const tmp = mkdtempSync(join(tmpdir(), 'subnetkit-join-e2e-'));
const children: ChildProcess[] = [];
let chain: Chain | undefined;
afterAll(async () => {
  await chain?.close();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

function start(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    err += String(d);
  });
  return { child, stdout: () => out, stderr: () => err };
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', (code) => r(code)));
}

interface NetworkFile {
  subnets: { netuid: number; name: string; neurons: { uid: number; hotkey: string; profile: string }[] }[];
}

describe('localnet --network and run --network across processes', { tags: ['slow'] }, () => {
  test('a localnet joins a devnet, a miner from a third process joins that subnet and earns', async () => {
    const devnet = start(['devnet', '--port', '0', '--block-time', '100ms', '--json']);
    await vi.waitFor(() => expect(devnet.stdout()).toMatch(/"url"/), { timeout: 300_000, interval: 100 });
    const { url } = JSON.parse(devnet.stdout()) as { url: string };

    const dataDir = join(tmp, 'localnet');
    const localnet = start([
      'localnet',
      '--network',
      url,
      '--subnets',
      '@subnetkit/subnet-predict',
      '--validators',
      '1',
      '--profiles',
      'honest:1,lazy:1',
      '--tempo',
      '5',
      '--data-dir',
      dataDir,
    ]);
    // a miner's wallet, made while the localnet joins (it needs no chain), in this process with the
    // API `wallet create --no-password` calls (that command has its own tests; a child cost ~1.5 CPU-s)
    const walletPath = join(tmp, 'wallets');
    const cli = async (args: string[]) =>
      JSON.parse((await exec(process.execPath, [bin, ...args], { cwd: root })).stdout);
    const created = createWallet({ name: 'm', hotkey: 'h', path: walletPath, coldkeyPassword: null });
    // the miner's wallet, funded from the devnet's //Bob by a fourth process while the localnet
    // joins (//Alice is the localnet's funder: two senders of one account would race for nonces);
    // every second the localnet waits costs its validator a step per block
    const sent = created.then(
      async (keys) =>
        (await cli([
          'transfer',
          '--from-uri',
          '//Bob',
          '--dest',
          keys.coldkey.address,
          '--amount',
          '50',
          '--network',
          url,
          '--yes',
          '--json',
        ])) as { balance: string },
    );
    // observed now so a failure while the localnet starts is not an unhandled rejection
    sent.catch(() => undefined);
    const networkFile = join(dataDir, 'network.json');
    await vi.waitFor(() => expect(existsSync(networkFile)).toBe(true), { timeout: 300_000, interval: 200 });
    const predict = (JSON.parse(readFileSync(networkFile, 'utf8')) as NetworkFile).subnets[0]!;
    expect(predict.name).toBe('predict');
    expect(localnet.stderr()).toMatch(new RegExp(`predict: netuid ${predict.netuid} on ws://`));

    const keys = await created;
    const wallet = { coldkey: keys.coldkey.address, hotkey: keys.hotkey.address };
    expect(BigInt((await sent).balance)).toBeGreaterThan(0n);
    await initCrypto();
    chain = await createSubtensorChain({ endpoint: url, timeoutMs: 20_000 });
    expect(await chain.balance(wallet.coldkey)).toBe(50n * 10n ** 9n);

    const port = await freePort();
    // no --netuid: the localnet named its subnet on chain, so `run` finds it by the package's name
    const miner = start([
      'run',
      '@subnetkit/subnet-predict',
      '--role',
      'miner',
      '--network',
      url,
      '--wallet',
      'm',
      '--hotkey',
      'h',
      '--wallet-path',
      walletPath,
      '--port',
      String(port),
      '--yes',
    ]);
    // the localnet's validator finds the newcomer in the metagraph, queries it, and Yuma pays it
    const netuid = predict.netuid;
    await vi.waitFor(
      async () => {
        const mg = await chain!.metagraph(netuid);
        const uid = mg.hotkeys.indexOf(wallet.hotkey);
        expect(uid, miner.stderr()).toBeGreaterThanOrEqual(0);
        expect(mg.axons[uid]?.port).toBe(port);
        expect(mg.incentive[uid]).toBeGreaterThan(0);
      },
      { timeout: 300_000, interval: 500 },
    );

    miner.child.kill('SIGINT');
    localnet.child.kill('SIGINT');
    expect(await exited(miner.child)).toBe(0);
    expect(await exited(localnet.child)).toBe(0);
    // the report lists the outsider among the subnet's neurons
    const report = readFileSync(join(dataDir, 'report.html'), 'utf8');
    expect(report).toContain('external');
    expect(report).toContain(`(predict) on ${url}`);
    devnet.child.kill('SIGINT');
    expect(await exited(devnet.child)).toBe(0);
  });
});
