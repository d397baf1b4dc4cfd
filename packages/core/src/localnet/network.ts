import { join } from 'node:path';
import { createLocalChain, type LocalChain } from '../chain/local/index.js';
import { FAST_HYPERPARAMETERS, type Hyper } from '../chain/local/params.js';
import type { Chain, ChainEvent, Metagraph } from '../chain/types.js';
import { configSchema } from '../config/schema.js';
import { createRuntime, type Runtime } from '../di/create-runtime.js';
import type { Logger } from '../log/logger.js';
import type { ModelRuntime } from '../models/model-runtime.js';
import { composeMiner, composeValidator } from '../neuron/compose.js';
import { Miner } from '../neuron/miner.js';
import { Validator } from '../neuron/validator.js';
import type { LoadedSubnet } from '../plugin/load-subnet.js';
// the demo's cheaters come from the testing kit: the production miner ships none
import {
  AnswerBoard,
  type MinerBehaviour,
  type MinerProfile,
  minerBehaviour,
  profileName,
} from '../testing/profiles.js';
import type { Clock } from '../util/clock.js';
import type { Signer } from '../util/signer.js';
import { initCrypto } from '../wallet/crypto-ready.js';
import { appendHistory, loadHistory } from './history.js';
import { type JoinResult, joinChain } from './join.js';
import { devKey, localnetKeys, type NeuronKeys } from './keys.js';
import {
  type EpochSnapshot,
  type NetworkSummary,
  type NeuronSummary,
  neuronFigures,
  type SubnetSummary,
} from './summary.js';
import { pumpUntil, TrackedChain } from './tracked-chain.js';

const TAO = 1_000_000_000n;
/** Free balance of each neuron coldkey, for its burn. */
const NEURON_FUNDS = 100n * TAO;

export interface LocalNetworkOptions {
  subnets: readonly LoadedSubnet[];
  /**
   * Join a chain another process runs (a `subnetkit devnet`, a subtensor dev node) instead of
   * embedding one: `funder` funds the subnet owners and sets the hyperparameters (the sudo key on
   * a dev chain). Development chains only: a 'Live' one is refused before anything is sent. The
   * caller owns `chain` and closes it after `stop()`. Needs timed blocks.
   */
  join?: { chain: Chain; funder: Signer; progress?: (message: string) => void };
  /** Validators per subnet (default 2). */
  validators?: number;
  /** Miner profiles per subnet, in uid order (default honest×3, lazy, random, copycat); custom behaviours allowed. */
  miners?: readonly MinerBehaviour[];
  /** Blocks per epoch (default 10). */
  tempo?: number;
  /** Block time in ms, or 'manual' (tests: `runEpochs` produces the blocks). Ignored when joining. */
  blockTime: number | 'manual';
  /** Chain database (embedded chain only); omitted → in memory. */
  dataDir?: string;
  stateDir: string;
  /**
   * Per-epoch history file (JSON lines): loaded at start, so epoch numbers continue across
   * restarts and `history()` covers every run; each new epoch is appended. Omitted → in memory.
   */
  historyFile?: string;
  /** Seed of the dev keys and of challenge randomness; absent: keys from 'localnet', challenges from OS entropy. */
  seed?: string;
  models: ModelRuntime;
  log: Logger;
  clock: Clock;
  /** Extra hyperparameters for every subnet. */
  hyperparameters?: Partial<Hyper>;
  /** Caps every subnet's query timeout (default 3 s), so a step never waits long on slow miners. */
  queryTimeoutMs?: number;
  /** Stake each validator adds from its coldkey (default 1,000 TAO). */
  validatorStake?: bigint;
}

interface SubnetPlan {
  subnet: LoadedSubnet;
  netuid: number;
  validators: NeuronKeys[];
  miners: { profile: MinerBehaviour; keys: NeuronKeys }[];
}

interface NeuronEntry {
  subnet: string;
  netuid: number;
  role: 'validator' | 'miner';
  profile: string;
  keys: NeuronKeys;
  runtime: Miner | Validator;
}

export const DEFAULT_MINER_PROFILES: readonly MinerProfile[] = [
  'honest',
  'honest',
  'lazy',
  'random',
  'copycat',
  'slow',
];

/**
 * A whole network in one process: the local chain, and per subnet an owner, validators and miners
 * (honest and cheating profiles) that register with the burn, stake, serve axons on 127.0.0.1 and
 * talk signed HTTP. Used by `subnetkit localnet` (timed blocks) and `@subnetkit/core/testing`
 * (manual blocks).
 */
export class LocalNetwork {
  readonly #o: LocalNetworkOptions;
  readonly #neurons: NeuronEntry[] = [];
  readonly #epochs = new Map<number, number>();
  readonly #history: EpochSnapshot[] = [];
  readonly #netuids = new Map<string, number>();
  readonly #owners = new Map<number, string>();
  /** The embedded chain; undefined when the network joined an external one. */
  #local: LocalChain | undefined;
  #joined: JoinResult | undefined;
  #runtime!: Runtime;
  #tracked!: TrackedChain;
  #unsubscribe: (() => void)[] = [];
  #epochListeners: ((record: EpochSnapshot) => void)[] = [];
  #stopped = false;

  private constructor(options: LocalNetworkOptions) {
    this.#o = options;
  }

  /** Creates the chain (or reopens it from `dataDir`) and starts every neuron. */
  static async start(options: LocalNetworkOptions): Promise<LocalNetwork> {
    const net = new LocalNetwork(options);
    try {
      await net.#start();
    } catch (err) {
      await net.stop().catch(() => undefined);
      throw err;
    }
    return net;
  }

  get chain(): Chain {
    return this.#tracked.chain;
  }

  /** The embedded chain (manual blocks, persistence, serving it over RPC); absent when joined. */
  get localChain(): LocalChain {
    if (!this.#local) throw new Error('this network joined an external chain: it has no embedded one');
    return this.#local;
  }

  /** What joining an external chain did (subnets created, hyperparameters refused); undefined otherwise. */
  get joined(): JoinResult | undefined {
    return this.#joined;
  }

  netuidOf(subnet: string): number {
    const n = this.#netuids.get(subnet);
    if (n === undefined) throw new Error(`no subnet ${subnet}`);
    return n;
  }

  validators(): Validator[] {
    return this.#neurons.flatMap((n) => (n.runtime instanceof Validator ? [n.runtime] : []));
  }

  miners(): Miner[] {
    return this.#neurons.flatMap((n) => (n.runtime instanceof Miner ? [n.runtime] : []));
  }

  /** Epochs each subnet has run: since this process started it, or since the history file began. */
  epochs(netuid: number): number {
    return this.#epochs.get(netuid) ?? 0;
  }

  history(): readonly EpochSnapshot[] {
    return this.#history;
  }

  onEpoch(listener: (record: EpochSnapshot) => void): void {
    this.#epochListeners.push(listener);
  }

  async #start(): Promise<void> {
    const o = this.#o;
    await initCrypto();
    if (o.historyFile) {
      const { records, droppedPartialLine } = loadHistory(o.historyFile);
      if (droppedPartialLine) o.log.warn({ event: 'localnet.history_repaired' }, 'dropped a half-written history line');
      this.#history.push(...records);
    }
    const seed = o.seed ?? 'localnet';
    const owners = o.subnets.map((s) => localnetKeys(seed, s.definition.name, 'owner', 0));
    const validatorCount = o.validators ?? 2;
    const profiles = o.miners ?? DEFAULT_MINER_PROFILES;
    if (o.join && o.blockTime === 'manual') throw new Error('a network joining an external chain needs timed blocks');
    const plan: SubnetPlan[] = o.subnets.map((s, i) => ({
      subnet: s,
      netuid: i + 1,
      validators: Array.from({ length: validatorCount }, (_, k) =>
        localnetKeys(seed, s.definition.name, 'validator', k),
      ),
      miners: profiles.map((p, k) => ({ profile: p, keys: localnetKeys(seed, s.definition.name, 'miner', k) })),
    }));
    const stake = o.validatorStake ?? 1000n * TAO;
    const queryTimeout = o.queryTimeoutMs ?? 3_000;
    const hyper: Partial<Hyper> = {
      ...FAST_HYPERPARAMETERS,
      tempo: o.tempo ?? 10,
      // room for everyone plus the owner, and no registration throttling on a dev network
      maxAllowedUids: Math.max(64, 1 + validatorCount + profiles.length),
      maxRegistrationsPerBlock: 256,
      targetRegistrationsPerInterval: 256,
      // embedded: the chain's default (commit-reveal on, v4), opened by the local chain's own beacon;
      // joined: off, since a dev node offline has no drand feed and nothing would ever be revealed
      ...(o.join ? { commitRevealWeightsEnabled: false } : {}),
      ...o.hyperparameters,
    };
    if (o.join) {
      this.#joined = await joinChain({
        chain: o.join.chain,
        funder: o.join.funder,
        subnets: plan.map((p, i) => ({
          name: p.subnet.definition.name,
          owner: owners[i]!,
          validators: p.validators,
          miners: p.miners.map((m) => m.keys),
        })),
        hyperparameters: hyper,
        validatorStake: stake,
        neuronFunds: NEURON_FUNDS,
        log: o.log.child({ component: 'localnet-join' }),
        ...(o.join.progress ? { progress: o.join.progress } : {}),
      });
      for (const p of plan) p.netuid = this.#joined.netuids.get(p.subnet.definition.name)!;
      this.#tracked = new TrackedChain(o.join.chain);
    } else {
      this.#local = await this.#createLocalChain(plan, owners, hyper, stake);
      this.#tracked = new TrackedChain(this.#local);
    }
    // the composition root: shared services in the root, one child container per neuron
    this.#runtime = createRuntime({
      // challenges from OS entropy unless a seed was given: dev keys may be public, challenges not
      config: configSchema.parse(o.seed === undefined ? {} : { seed: o.seed }),
      logger: o.log,
      clock: o.clock,
      chain: this.chain,
      models: o.models,
    });
    for (const [i, p] of plan.entries()) {
      this.#netuids.set(p.subnet.definition.name, p.netuid);
      this.#owners.set(p.netuid, owners[i]!.hotkey.address);
      // epochs go on from the last one recorded for this subnet
      const last = this.#history.filter((r) => r.netuid === p.netuid && r.subnet === p.subnet.definition.name).at(-1);
      if (last) this.#epochs.set(p.netuid, last.epoch);
    }
    this.#unsubscribe.push(this.chain.onEvents((events) => this.#onEvents(events)));
    await this.#startNeurons(plan, stake, queryTimeout);
  }

  async #createLocalChain(plan: SubnetPlan[], owners: NeuronKeys[], hyper: Partial<Hyper>, stake: bigint) {
    const o = this.#o;
    const accounts = [
      // the public dev accounts, so other processes joining over RPC have funds (never of value)
      ...['//Alice', '//Bob', '//Charlie'].map((uri) => ({
        address: devKey(uri).address,
        balance: 100_000n * TAO,
      })),
      ...owners.map((k) => ({ address: k.coldkey.address, balance: 10_000n * TAO })),
      ...plan.flatMap((p) => [
        ...p.validators.map((k) => ({ address: k.coldkey.address, balance: stake + NEURON_FUNDS })),
        ...p.miners.map((m) => ({ address: m.keys.coldkey.address, balance: NEURON_FUNDS })),
      ]),
    ];
    return createLocalChain({
      ...(o.dataDir ? { dataDir: join(o.dataDir, 'chain') } : {}),
      blockTime: o.blockTime,
      clock: o.clock,
      logger: o.log.child({ component: 'chain' }),
      genesis: {
        accounts,
        subnets: plan.map((p, i) => ({
          netuid: p.netuid,
          name: p.subnet.definition.name,
          owner: owners[i]!.coldkey.address,
          ownerHotkey: owners[i]!.hotkey.address,
          hyperparameters: hyper,
        })),
      },
    });
  }

  async #startNeurons(plan: SubnetPlan[], stake: bigint, queryTimeout: number): Promise<void> {
    const o = this.#o;
    const starts: Promise<unknown>[] = [];
    for (const p of plan) {
      const board = new AnswerBoard();
      const name = p.subnet.definition.name;
      for (const [k, keys] of p.validators.entries()) {
        const runtime = composeValidator(
          this.#runtime,
          `${name}/validator-${k}`,
          { subnet: p.subnet, netuid: p.netuid, hotkey: keys.hotkey, coldkey: keys.coldkey },
          // a dev network's blocks come quickly: no fsync per step (the write stays atomic); all
          // validators share this process, where a nonce worker each cost more than it saved
          {
            stateFile: join(o.stateDir, name, `validator-${k}.json`),
            timeoutMs: queryTimeout,
            durableState: false,
            presign: false,
          },
        );
        this.#neurons.push({ subnet: name, netuid: p.netuid, role: 'validator', profile: 'validator', keys, runtime });
        starts.push(runtime.start().then(() => this.#ensureStake(keys, p.netuid, stake)));
      }
      for (const [k, m] of p.miners.entries()) {
        const runtime = composeMiner(
          this.#runtime,
          `${name}/miner-${k}`,
          { subnet: p.subnet, netuid: p.netuid, hotkey: m.keys.hotkey, coldkey: m.keys.coldkey },
          { behaviour: minerBehaviour(m.profile, board, queryTimeout) },
        );
        this.#neurons.push({
          subnet: name,
          netuid: p.netuid,
          role: 'miner',
          profile: profileName(m.profile),
          keys: m.keys,
          runtime,
        });
        starts.push(runtime.start());
      }
    }
    // every start settles before a failure is reported, so stop() finds each axon that came up
    const all = Promise.allSettled(starts).then((results) => {
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    });
    const local = this.#local;
    if (local && o.blockTime === 'manual') await pumpUntil(this.#tracked, () => local.advance(1), all);
    else await all;
    if (!local || o.blockTime !== 'manual') {
      // timed blocks: validators step as blocks arrive, one step at a time each
      this.#unsubscribe.push(
        this.chain.onBlock((h) => {
          for (const v of this.validators()) {
            v.tick(h.number).catch((err: unknown) =>
              o.log.error({ event: 'validator.tick_failed', err }, 'validator step failed'),
            );
          }
        }),
      );
    }
  }

  async #ensureStake(keys: NeuronKeys, netuid: number, amount: bigint): Promise<void> {
    const have = await this.chain.stake(keys.hotkey.address, keys.coldkey.address, netuid);
    if (have > 0n) return; // a restarted network keeps its stake
    await this.chain.submit(keys.coldkey, {
      pallet: 'SubtensorModule',
      method: 'add_stake',
      args: { hotkey: keys.hotkey.address, netuid, amountStaked: amount },
    });
  }

  #onEvents(events: ChainEvent[]): void {
    for (const e of events) {
      if (e.name !== 'IncentiveAlphaEmittedToMiners') continue;
      const netuid = Number(e.data.netuid);
      if (!this.#owners.has(netuid)) continue; // a subnet of someone else on a joined chain
      const epoch = (this.#epochs.get(netuid) ?? 0) + 1;
      this.#epochs.set(netuid, epoch);
      // recorded asynchronously: the metagraph read sees the epoch's outputs
      void this.#record(netuid, epoch);
    }
  }

  async #record(netuid: number, epoch: number): Promise<void> {
    try {
      const subnet = await this.#subnetSummary(netuid);
      const record: EpochSnapshot = {
        block: await this.chain.blockNumber(),
        netuid,
        subnet: subnet.name,
        epoch,
        neurons: subnet.neurons,
      };
      this.#history.push(record);
      if (this.#o.historyFile) appendHistory(this.#o.historyFile, record);
      for (const l of this.#epochListeners) l(record);
    } catch (err) {
      this.#o.log.warn({ event: 'localnet.record_failed', err }, 'could not record epoch');
    }
  }

  /**
   * Manual blocks only: produces blocks one by one, letting every validator finish its step on
   * each, until every subnet has run `n` more epochs.
   */
  async runEpochs(n: number, maxBlocks = 10_000): Promise<NetworkSummary> {
    const local = this.#manual();
    const target = new Map([...this.#netuids.values()].map((u) => [u, this.epochs(u) + n]));
    for (let i = 0; i < maxBlocks; i++) {
      if ([...target].every(([u, t]) => this.epochs(u) >= t)) break;
      const head = await local.advance(1);
      await Promise.all(this.validators().map((v) => v.tick(head.number)));
    }
    await this.settle();
    return this.summary();
  }

  /**
   * Manual blocks only: produces blocks until every validator's last submission is included
   * (weights sent on the last block wait for one more), so `stop()` finds nothing pending.
   */
  async settle(): Promise<void> {
    const local = this.#manual();
    await pumpUntil(this.#tracked, () => local.advance(1), Promise.all(this.validators().map((v) => v.settled())));
  }

  /** Produces one block and lets the validators step (manual blocks). */
  async advance(blocks = 1): Promise<void> {
    const local = this.#manual();
    for (let i = 0; i < blocks; i++) {
      const head = await local.advance(1);
      await Promise.all(this.validators().map((v) => v.tick(head.number)));
    }
  }

  #manual(): LocalChain {
    if (!this.#local || this.#o.blockTime !== 'manual')
      throw new Error('this needs an embedded chain with blockTime "manual"');
    return this.#local;
  }

  async summary(): Promise<NetworkSummary> {
    const subnets: SubnetSummary[] = [];
    for (const netuid of [...this.#netuids.values()].sort((a, b) => a - b))
      subnets.push(await this.#subnetSummary(netuid));
    return { block: await this.chain.blockNumber(), totalIssuance: await this.chain.totalIssuance(), subnets };
  }

  async #subnetSummary(netuid: number): Promise<SubnetSummary> {
    const m: Metagraph = await this.chain.metagraph(netuid);
    const byHotkey = new Map(this.#neurons.filter((x) => x.netuid === netuid).map((x) => [x.keys.hotkey.address, x]));
    const owner = this.#owners.get(netuid);
    const name = [...this.#netuids].find(([, u]) => u === netuid)?.[0] ?? String(netuid);
    const neurons: NeuronSummary[] = m.uids.map((uid) => {
      const hotkey = m.hotkeys[uid]!;
      const entry = byHotkey.get(hotkey);
      const role = entry?.role ?? (hotkey === owner ? 'owner' : 'miner');
      return {
        uid,
        hotkey,
        role,
        profile: entry?.profile ?? (role === 'owner' ? 'owner' : 'external'),
        ...neuronFigures(m, uid, role),
      };
    });
    return { netuid, name, epochs: this.epochs(netuid), neurons };
  }

  /** Stops every neuron (axons drain), then the embedded chain (a joined one stays open). Safe to call twice. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const u of this.#unsubscribe.splice(0)) u();
    // disposing the runtime disposes every neuron's container, which stops the neuron (axons drain)
    await Promise.all(this.#neurons.map((n) => n.runtime.stop().catch(() => undefined)));
    await this.#runtime?.dispose();
    await this.#local?.close();
  }
}
