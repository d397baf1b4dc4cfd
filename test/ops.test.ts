import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  createLocalChain,
  Dendrite,
  type Devnet,
  devGenesis,
  initCrypto,
  Keypair,
  type LocalChain,
  loadSubnet,
  localChainEngine,
  startDevnet,
  subnetSynapses,
  Wallet,
} from '@subnetkit/core';
import { freePort } from '@subnetkit/core/testing';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';

// `subnetkit run` as operators run it: a miner and a validator in child processes on a devnet
// (served from this process), scraped over their ops ports and stopped with SIGTERM. The miner
// serves test/fixtures/gated-subnet.mjs, whose answers wait on a gate this test opens.
const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'packages/cli/dist/bin.js');
const subnetPath = join(root, 'test/fixtures/gated-subnet.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'subnetkit-ops-e2e-'));
const walletPath = join(tmp, 'wallets');
const NETUID = 1;
const TAO = 1_000_000_000n;
const children: ChildProcess[] = [];
let host: LocalChain;
let devnet: Devnet;
let gate: Gate;

/** An HTTP endpoint that holds every request until `open()`: in-flight miner work on demand. */
interface Gate {
  url: string;
  held(): number;
  open(): void;
  close(): Promise<void>;
}

async function startGate(): Promise<Gate> {
  const waiting: ServerResponse[] = [];
  let opened = false;
  const server: Server = createServer((_req, res) => {
    if (opened) res.end('open');
    else waiting.push(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    held: () => waiting.length,
    open() {
      opened = true;
      for (const res of waiting.splice(0)) res.end('open');
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function start(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    out += String(d);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

/** The ops URL a `run` child prints on start. */
async function opsUrl(run: ReturnType<typeof start>): Promise<string> {
  await vi.waitFor(() => expect(run.output()).toMatch(/ops endpoints on (http:\/\/\S+)/), {
    timeout: 240_000,
    interval: 100,
  });
  return /ops endpoints on (http:\/\/\S+)/.exec(run.output())![1]!;
}

/** One sample of a Prometheus exposition (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return 0;
}

const scrape = async (url: string) => (await fetch(`${url}/metrics`)).text();

// written in this process with the wallet API the CLI's `wallet regen-hotkey` calls (that command
// has its own tests): a CLI child per wallet cost about 1.2 CPU-s for two files
async function hotkeyWallet(name: string, uri: string): Promise<string> {
  const created = await new Wallet({ name, path: walletPath }).createHotkey({ hotkey: 'h', uri, password: null });
  return created.address;
}

const common = (wallet: string) => [
  'run',
  subnetPath,
  '--network',
  devnet.url,
  '--netuid',
  String(NETUID),
  '--wallet',
  wallet,
  '--hotkey',
  'h',
  '--wallet-path',
  walletPath,
  '--ops-port',
  '0',
  '--json',
];

beforeAll(async () => {
  await initCrypto();
  host = await createLocalChain({
    blockTime: 100,
    genesis: devGenesis({ hyperparameters: { tempo: 5, commitRevealWeightsEnabled: false, weightsRateLimit: 0 } }),
  });
  devnet = await startDevnet({ engine: localChainEngine(host), port: 0 });
  gate = await startGate();
  const [minerHotkey, validatorHotkey] = await Promise.all([
    hotkeyWallet('m', '//OpsMiner'),
    hotkeyWallet('v', '//OpsValidator'),
  ]);
  expect(validatorHotkey).toBe(Keypair.fromUri('//OpsValidator').address);
  // registered (and the validator staked) by //Alice beforehand: `run` needs no coldkey then
  const alice = Keypair.fromUri('//Alice');
  for (const hotkey of [minerHotkey, validatorHotkey]) {
    await host.submit(alice, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid: NETUID, hotkey },
    });
  }
  await host.submit(alice, {
    pallet: 'SubtensorModule',
    method: 'add_stake',
    args: { hotkey: validatorHotkey, netuid: NETUID, amountStaked: 1000n * TAO },
  });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  gate?.open();
  await gate?.close();
  await devnet?.close();
  await host?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('ops endpoints and graceful shutdown of `subnetkit run`', { tags: ['slow'] }, () => {
  test('bad ops flags are usage errors before anything starts', async () => {
    const cases = [
      ['--ops-port', 'abc'],
      ['--ops-port', '70000'],
      ['--shutdown-timeout', 'soon'],
    ] as const;
    const runs = await Promise.all(
      cases.map(([flag, value]) =>
        exec(process.execPath, [bin, 'run', subnetPath, '--role', 'miner', flag, value], { cwd: root }).then(
          () => ({ code: 0, stderr: '' }),
          (e: { code: number; stderr: string }) => e,
        ),
      ),
    );
    runs.forEach((r, i) => {
      expect(r.code).toBe(2);
      const line = new RegExp(`^error SK_CLI_USAGE: ${cases[i]![0]}`);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(line)]);
    });
  });

  test('a validator and a miner are scraped while they work; SIGTERM drains the miner and saves the validator', async () => {
    const axonPort = await freePort();
    const miner = start([...common('m'), '--role', 'miner', '--port', String(axonPort), '--shutdown-timeout', '60s']);
    const stateDir = join(tmp, 'state');
    const validator = start([...common('v'), '--role', 'validator', '--state-dir', stateDir]);
    const minerOps = await opsUrl(miner);
    const validatorOps = await opsUrl(validator);
    expect(new URL(minerOps).hostname).toBe('127.0.0.1');
    expect((await fetch(`${minerOps}/healthz`)).status).toBe(200);
    await vi.waitFor(
      async () => {
        expect((await fetch(`${minerOps}/readyz`)).status, miner.output()).toBe(200);
        expect((await fetch(`${validatorOps}/readyz`)).status, validator.output()).toBe(200);
      },
      { timeout: 240_000, interval: 200 },
    );

    // the validator queries the miner, scores it and sets weights: every counter moves
    await vi.waitFor(
      async () => {
        const v = await scrape(validatorOps);
        expect(sample(v, 'subnetkit_weights_set_total', { kind: 'set_weights' }), validator.output()).toBeGreaterThan(
          0,
        );
        expect(v).toMatch(/subnetkit_validator_score\{[^}]*uid="\d+"[^}]*\} (0\.\d+|1)/);
        expect(sample(v, 'subnetkit_chain_calls_total', { call: 'metagraph', outcome: 'ok' })).toBeGreaterThan(0);
      },
      { timeout: 300_000, interval: 500 },
    );
    const m = await scrape(minerOps);
    // labelled by the synapse the subnet serves (GatedSynapse), never by the raw path
    expect(
      sample(m, 'subnetkit_requests_total', { service: 'axon', route: 'GatedSynapse', status: '200' }),
    ).toBeGreaterThan(0);
    expect(
      sample(m, 'subnetkit_request_duration_seconds_count', { service: 'axon', route: 'GatedSynapse' }),
    ).toBeGreaterThan(0);
    expect(m).toContain('subnet="gated"');
    expect(m).toContain('role="miner"');

    // in-flight work: three requests held at the gate, signed by the registered validator hotkey
    const subnet = await loadSubnet(subnetPath, { cwd: root });
    const synapse = subnetSynapses(subnet.definition).unary;
    const dendrite = new Dendrite({ signer: Keypair.fromUri('//OpsValidator') });
    const axon = { ip: '127.0.0.1', port: axonPort, hotkey: Keypair.fromUri('//OpsMiner').address };
    const inFlight = ['alpha', 'bravo', 'charlie'].map((word) =>
      dendrite.query(axon, synapse, { word, gate: gate.url } as never, { timeoutMs: 60_000 }),
    );
    await vi.waitFor(() => expect(gate.held()).toBe(3), { timeout: 60_000, interval: 50 });

    miner.child.kill('SIGTERM');
    // draining: not ready, and new work is refused while the held requests are still running
    await vi.waitFor(async () => expect((await fetch(`${minerOps}/readyz`)).status).toBe(503), {
      timeout: 60_000,
      interval: 50,
    });
    const late = await dendrite.query(axon, synapse, { word: 'late' } as never, { timeoutMs: 10_000 });
    expect(late.ok).toBe(false);
    expect(miner.child.exitCode).toBeNull();
    gate.open();
    const results = await Promise.all(inFlight);
    expect(results.map((r) => [r.ok, (r.response as { reversed?: string } | undefined)?.reversed])).toEqual([
      [true, 'ahpla'],
      [true, 'ovarb'],
      [true, 'eilrahc'],
    ]);
    expect(await miner.exited, miner.output()).toBe(0);
    await dendrite.close?.();

    // the validator: SIGTERM → its state file is there, with the steps it ran, and it exits 0
    validator.child.kill('SIGTERM');
    expect(await validator.exited, validator.output()).toBe(0);
    const stateFile = join(stateDir, `gated-${NETUID}.json`);
    expect(existsSync(stateFile)).toBe(true);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { step: number; scores: unknown[] };
    expect(state.step).toBeGreaterThan(0);
    expect(state.scores.length).toBeGreaterThan(0);
  });

  test('a second SIGTERM while requests are in flight forces the exit with SK_OPS_SHUTDOWN_FORCED', async () => {
    const axonPort = await freePort();
    const reopened = await startGate();
    try {
      const miner = start([...common('m'), '--role', 'miner', '--port', String(axonPort)]);
      const ops = await opsUrl(miner);
      await vi.waitFor(async () => expect((await fetch(`${ops}/readyz`)).status).toBe(200), {
        timeout: 240_000,
        interval: 200,
      });
      const subnet = await loadSubnet(subnetPath, { cwd: root });
      const synapse = subnetSynapses(subnet.definition).unary;
      const dendrite = new Dendrite({ signer: Keypair.fromUri('//OpsValidator') });
      const axon = { ip: '127.0.0.1', port: axonPort, hotkey: Keypair.fromUri('//OpsMiner').address };
      const held = dendrite.query(axon, synapse, { word: 'held', gate: reopened.url } as never, { timeoutMs: 60_000 });
      await vi.waitFor(() => expect(reopened.held()).toBe(1), { timeout: 60_000, interval: 50 });
      miner.child.kill('SIGTERM');
      await vi.waitFor(async () => expect((await fetch(`${ops}/readyz`)).status).toBe(503), {
        timeout: 60_000,
        interval: 50,
      });
      miner.child.kill('SIGTERM');
      expect(await miner.exited).toBe(130);
      expect(miner.output()).toContain('SK_OPS_SHUTDOWN_FORCED');
      expect((await held).ok).toBe(false);
      await dendrite.close?.();
    } finally {
      reopened.open();
      await reopened.close();
    }
  });
});
