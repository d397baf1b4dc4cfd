import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Devnet, startDevnet } from '../chain/devnet/devnet-server.js';
import { localChainEngine } from '../chain/devnet/local-engine.js';
import { createLocalChain, devGenesis, type LocalChain } from '../chain/local/index.js';
import { createSubtensorChain } from '../chain/subtensor/subtensor-chain.js';
import type { Chain } from '../chain/types.js';
import { createLogger } from '../log/logger.js';
import { createModelRuntime } from '../models/model-runtime.js';
import { loadSubnet } from '../plugin/load-subnet.js';
import { captureLogs } from '../testing/capture-logs.js';
import type { MinerProfile } from '../testing/profiles.js';
import { reverseSubnet } from '../testing/reverse-subnet.fixture.js';
import { systemClock } from '../util/clock.js';
import { initCrypto } from '../wallet/crypto-ready.js';
import { Keypair } from '../wallet/keypair.js';
import { LocalNetwork } from './network.js';
import type { NetworkSummary } from './summary.js';

// The chain runs in "another process": its own LocalChain with timed blocks behind a devnet,
// reached only over WebSocket through the subtensor backend, as `localnet --network ws://…` does.
let host: LocalChain;
let devnet: Devnet;
let remote: Chain;
const stateDir = mkdtempSync(join(tmpdir(), 'subnetkit-join-'));
let alice: Keypair;

beforeAll(async () => {
  await initCrypto();
  alice = Keypair.fromUri('//Alice');
  host = await createLocalChain({ blockTime: 40, genesis: devGenesis() });
  devnet = await startDevnet({ engine: localChainEngine(host), port: 0 });
  remote = await createSubtensorChain({ endpoint: devnet.url, timeoutMs: 10_000 });
});
afterAll(async () => {
  await remote?.close();
  await devnet?.close();
  await host?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

async function joinNetwork(
  seed: string,
  funder: Keypair,
  miners: MinerProfile[] = ['honest', 'lazy'],
  chain: Chain = remote,
) {
  const logs = captureLogs('debug');
  const steps: string[] = [];
  const network = await LocalNetwork.start({
    join: { chain, funder, progress: (m) => steps.push(m) },
    subnets: [await loadSubnet(reverseSubnet, { cwd: process.cwd() })],
    validators: 1,
    miners,
    tempo: 5,
    blockTime: 40,
    stateDir,
    seed,
    models: createModelRuntime({ logger: createLogger({ level: 'silent' }), useFixtures: true, allowRemote: false }),
    log: logs.logger,
    clock: systemClock,
  });
  return { network, logs, steps };
}

/**
 * Resolves with the summary after the first epoch (seen on the chain's event stream, not a timer)
 * whose outputs pass `done`; rejects if `maxEpochs` go by without it.
 */
function epochUntil(network: LocalNetwork, done: (s: NetworkSummary) => boolean, maxEpochs: number) {
  const netuid = network.netuidOf('reverse');
  return new Promise<NetworkSummary>((resolve, reject) => {
    let settled = false;
    network.onEpoch(() => {
      if (settled) return;
      const epoch = network.epochs(netuid);
      network.summary().then((s) => {
        if (settled) return;
        if (done(s)) {
          settled = true;
          resolve(s);
        } else if (epoch >= maxEpochs) {
          settled = true;
          reject(
            new Error(
              `condition not met after ${epoch} epochs: ${JSON.stringify(s, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`,
            ),
          );
        }
      }, reject);
    });
  });
}

describe('LocalNetwork joining a chain served by another process', { tags: ['slow'] }, () => {
  test('registers its subnet, sets the hyperparameters, and honest miners earn; a rerun reuses everything', async () => {
    const subnetsBefore = (await remote.subnets()).length;
    let otherEpochs = 0;
    const off = remote.onEvents((events) => {
      otherEpochs += events.filter((e) => e.name === 'IncentiveAlphaEmittedToMiners' && e.data.netuid === 1).length;
    });
    const first = await joinNetwork('join', alice);
    let netuid: number;
    try {
      netuid = first.network.netuidOf('reverse');
      expect(first.network.joined?.created).toEqual(['reverse']);
      // one line per step that did something (the funder's and the owner's steps interleave)
      expect(first.steps).toHaveLength(6);
      expect(first.steps).toEqual(
        expect.arrayContaining([
          'reverse: funding the subnet owner',
          expect.stringMatching(/^reverse: registering the subnet \(lock \d+ TAO\)$/),
          expect.stringMatching(/^reverse: naming subnet \d+$/),
          expect.stringMatching(/^reverse: setting .*tempo=5/),
          'reverse: start_call',
          'reverse: the owner funds 3 neurons',
        ]),
      );
      expect(netuid).toBeGreaterThan(1); // the devnet's genesis subnet keeps netuid 1
      expect((await remote.subnets()).length).toBe(subnetsBefore + 1);
      const hp = await remote.hyperparameters(netuid);
      expect(hp.tempo).toBe(5);
      expect(hp.commitRevealWeightsEnabled).toBe(false);
      expect(hp.weightsRateLimit).toBe(1);
      expect(first.network.joined?.refused).toEqual([]);
      expect(await remote.subnet(netuid)).toMatchObject({ started: true, name: 'reverse' });

      // consensus has run on the validator's weights once a miner earns
      const summary = await epochUntil(first.network, (s) => s.subnets[0]!.neurons.some((n) => n.incentive > 0), 40);
      const neurons = summary.subnets[0]!.neurons;
      const of = (profile: string) => neurons.find((n) => n.profile === profile)!;
      expect(of('honest').incentive).toBeGreaterThan(of('lazy').incentive);
      expect(of('validator').stake).toBeGreaterThan(0n);
      expect(of('validator').validatorPermit).toBe(true);
      // the devnet's own subnet 1 runs epochs too; the network records only its own subnet's
      expect(new Set(first.network.history().map((h) => h.netuid))).toEqual(new Set([netuid]));
      expect(otherEpochs).toBeGreaterThan(0);
      // the dev keys' URIs are their secrets: never logged
      expect(first.logs.text()).not.toMatch(/\/\/subnetkit\/|\/\/Alice/);
    } finally {
      off();
      await first.network.stop();
    }

    const funderBefore = await remote.balance(alice.address);
    const second = await joinNetwork('join', alice);
    try {
      expect(second.network.joined?.created).toEqual([]);
      expect(second.steps).toEqual([]); // nothing left to do
      expect(second.network.netuidOf('reverse')).toBe(netuid);
      expect((await remote.subnets()).length).toBe(subnetsBefore + 1);
      // everyone is registered, staked and funded: the funder paid nothing this time
      expect(await remote.balance(alice.address)).toBe(funderBefore);
      const uids = (await remote.metagraph(netuid)).n;
      expect(uids).toBe(4); // owner, validator, two miners: nobody registered twice
    } finally {
      await second.network.stop();
    }
  });

  test('an unfunded funder gets a typed error naming the step, and no subnet is registered', async () => {
    const subnetsBefore = (await remote.subnets()).length;
    const broke = Keypair.fromUri('//nobody-funds-this');
    const err = await joinNetwork('join-broke', broke).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: 'SK_LOCALNET_JOIN_FAILED',
      details: { subnet: 'reverse', step: 'funding the subnet owner' },
    });
    expect((err as Error).message).toMatch(/--funder/);
    expect((err as Error).message).not.toMatch(/nobody-funds-this/);
    expect((await remote.subnets()).length).toBe(subnetsBefore);
  });

  test('refuses a live chain before sending anything', async () => {
    // the same engine, served as a node that says it is a live network
    const live = await startDevnet({ engine: localChainEngine(host), port: 0, chainType: 'Live' });
    const liveChain = await createSubtensorChain({ endpoint: live.url, timeoutMs: 10_000 });
    try {
      expect(liveChain.chainType).toBe('Live');
      expect(remote.chainType).toBe('Development');
      const funderBefore = await remote.balance(alice.address);
      const subnetsBefore = (await remote.subnets()).length;
      const err = await joinNetwork('join-live', alice, ['honest'], liveChain).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'SK_LOCALNET_JOIN_FAILED', details: { step: 'checking the chain' } });
      expect((err as Error).message).toMatch(/Live network.*development chains/);
      expect(await remote.balance(alice.address)).toBe(funderBefore);
      expect((await remote.subnets()).length).toBe(subnetsBefore);
    } finally {
      await liveChain.close();
      await live.close();
    }
  });
});
