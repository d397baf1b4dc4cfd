import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hyper } from '../chain/local/params.js';
import { LocalNetwork, type LocalNetwork as LocalNetworkType } from '../localnet/network.js';
import type { NetworkSummary } from '../localnet/summary.js';
import type { Logger } from '../log/logger.js';
import { createLogger } from '../log/logger.js';
import { createModelRuntime, type ModelRuntime } from '../models/model-runtime.js';
import { loadSubnet, type SubnetSpec } from '../plugin/load-subnet.js';
import { systemClock } from '../util/clock.js';
import type { MinerBehaviour } from './profiles.js';

export interface TestNetworkOptions {
  /** The subnet under test: its definition, a package name or a path. */
  subnet: SubnetSpec;
  /** Miner profiles in uid order (default three honest, one of each cheater); custom behaviours allowed. */
  miners?: readonly MinerBehaviour[];
  validators?: number;
  /** Blocks per epoch (default 10). */
  tempo?: number;
  /**
   * Seed of keys and challenges (default 'test': reproducible). `null` runs as `subnetkit localnet`
   * without --seed does: dev keys from 'localnet', challenges from fresh OS entropy.
   */
  seed?: string | number | null;
  /** A logger to capture logs (see `captureLogs`); default silent. */
  logger?: Logger;
  /** Extra folders searched for model fixtures. */
  fixturesDirs?: string[];
  /** Where package names and relative paths resolve from (default process.cwd()). */
  cwd?: string;
  /** Subnet hyperparameters on top of the fast local defaults, e.g. `{ commitRevealWeightsEnabled: true }`. */
  hyperparameters?: Partial<Hyper>;
}

/** An in-process network with manual blocks, for plugin authors' test suites. */
export interface TestNetwork {
  /** Produces blocks until every subnet ran `n` more epochs; returns the network summary. */
  runEpochs(n: number): Promise<NetworkSummary>;
  /** Produces `n` blocks (validators step on each). */
  advance(n?: number): Promise<void>;
  summary(): Promise<NetworkSummary>;
  /** The underlying network (chain, miners, validators) for deeper assertions. */
  readonly network: LocalNetworkType;
  close(): Promise<void>;
}

/**
 * Starts a whole network for one subnet: a local chain with manual blocks, validators and
 * miners (honest and cheating profiles) registered with the burn and talking signed HTTP on
 * 127.0.0.1, models loaded from their offline fixtures. Nothing is mocked.
 *
 * @example
 * const net = await createTestNetwork({ subnet, miners: ['honest', 'honest', 'lazy', 'random', 'copycat'] });
 * const summary = await net.runEpochs(3);
 * await net.close();
 */
export async function createTestNetwork(options: TestNetworkOptions): Promise<TestNetwork> {
  const log = options.logger ?? createLogger({ level: 'silent' });
  const subnet = await loadSubnet(options.subnet, { cwd: options.cwd ?? process.cwd() });
  const stateDir = mkdtempSync(join(tmpdir(), 'subnetkit-test-network-'));
  const models: ModelRuntime = createModelRuntime({
    logger: log,
    useFixtures: true,
    allowRemote: false,
    ...(options.fixturesDirs ? { fixturesDirs: options.fixturesDirs } : {}),
  });
  let network: LocalNetwork;
  try {
    network = await LocalNetwork.start({
      subnets: [subnet],
      ...(options.validators !== undefined ? { validators: options.validators } : {}),
      ...(options.miners ? { miners: options.miners } : {}),
      ...(options.tempo !== undefined ? { tempo: options.tempo } : {}),
      ...(options.hyperparameters ? { hyperparameters: options.hyperparameters } : {}),
      blockTime: 'manual',
      stateDir,
      ...(options.seed === null ? {} : { seed: String(options.seed ?? 'test') }),
      models,
      log,
      clock: systemClock,
    });
  } catch (err) {
    await models.dispose();
    rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
  return {
    network,
    runEpochs: (n) => network.runEpochs(n),
    advance: (n = 1) => network.advance(n),
    summary: () => network.summary(),
    close: async () => {
      await network.stop();
      await models.dispose();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
