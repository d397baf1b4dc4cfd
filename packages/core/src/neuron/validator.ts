// commit-reveal salts must be unpredictable to other validators, so they come from the OS, not the seeded RNG
import { randomInt } from 'node:crypto';
import { weightCommitHash } from '../chain/codec/commit-hash.js';
import type { Chain, Metagraph } from '../chain/types.js';
import { injectableWith } from '../di/injectable-with.js';
import { CHAIN, CLOCK, LOGGER, MODELS, RANDOM } from '../di/tokens.js';
import { isSubnetkitError } from '../errors/subnetkit-error.js';
import type { Logger } from '../log/logger.js';
import type { ModelRuntime } from '../models/model-runtime.js';
import { Dendrite } from '../protocol/dendrite.js';
import { encodeWeightsPayload } from '../timelock/payload.js';
import { COMMIT_REVEAL_VERSION } from '../timelock/quicknet.js';
import { timelockEncrypt } from '../timelock/tle.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import { publicKeyFromAddress } from '../wallet/keypair.js';
import { dialableIp } from './axon-address.js';
import { MetagraphSync } from './metagraph-sync.js';
import type { NeuronOptions, NeuronSeat } from './options.js';
import { ensureRegistered } from './registration.js';
import { resetChangedHotkeys } from './scores.js';
import { subnetSynapses } from './subnet-synapse.js';
import { SEAT, VALIDATOR_SETTINGS } from './tokens.js';
import { loadValidatorState, saveValidatorState, type ValidatorState } from './validator-state.js';
import { applyRewards, type QueryResult, scoreDeferred, scoreRound } from './validator-step.js';
import { chooseRevealRound, weightMode } from './weight-mode.js';
import { weightsFromScores } from './weights.js';

/** What a validator is told beyond its seat; the services come from its container. */
export interface ValidatorSettings {
  /** Where scores and step state persist (atomic JSON). */
  stateFile: string;
  /**
   * fsync each state write before its rename (default true), so a power loss leaves the old or
   * the new file. A development network sets false: it writes on every quick block, and a lost
   * step there costs nothing; the write stays atomic against a crash of the process.
   */
  durableState?: boolean;
  /**
   * Prepare request-signing nonces on a worker thread (default true: a fan-out then signs with a
   * hash). A process that runs many validators side by side (a local network) sets false: a
   * worker per validator costs more CPU to start than it saves there.
   */
  presign?: boolean;
  /** Miners queried per step (default 16). */
  sampleSize?: number;
  /** Run a step every N blocks (default 1). */
  stepEveryBlocks?: number;
  /** EMA factor of the scores (default 0.1). */
  scoreAlpha?: number;
  /** Caps the task's query timeout (a local network keeps steps short). */
  timeoutMs?: number;
  /** Longest a challenge may wait for its truth, in blocks, before it is dropped (default 1000). */
  maxDeferredBlocks?: number;
}

type Rewards = { uid: number; hotkey: string; reward: number }[];

/** A validator's seat, settings and services together (what its methods work from). */
export type ValidatorOptions = NeuronOptions & ValidatorSettings;

/** What one step did, with a latency breakdown (for the live view and the benchmark). */
export interface StepReport {
  step: number;
  block: number;
  queried: number;
  answered: number;
  deferred: boolean;
  rewards: { uid: number; reward: number }[];
  /** Each queried miner's round trip (dashboards: latency per neuron); `ok` false for a failed or timed-out call. */
  latencies?: { uid: number; ok: boolean; latencyMs: number }[];
  timings: { challengeMs: number; fanOutMs: number; rewardMs: number };
}

/**
 * The validator runtime. On each block (`tick`): resolve deferred truths, then every
 * `stepEveryBlocks` a step (challenge → signed fan-out to a sample of miners → reward → moving
 * averages), persisting the state after each change; once per tempo it sets weights (or commits
 * them and reveals later when the subnet uses commit-reveal).
 */
export class Validator {
  readonly #o: ValidatorOptions;
  readonly #sync: MetagraphSync;
  #dendrite: Dendrite | undefined;
  #state!: ValidatorState;
  #uid: number | null = null;
  #busy: Promise<StepReport | undefined> | undefined;
  #weightsInFlight: Promise<void> | undefined;
  #stopped = false;
  #lastReport: StepReport | undefined;
  #organic = 0;

  constructor(
    seat: NeuronSeat,
    settings: ValidatorSettings,
    chain: Chain,
    models: ModelRuntime,
    log: Logger,
    clock: Clock,
    random: Random,
  ) {
    this.#o = {
      ...seat,
      ...settings,
      chain,
      models: models.handles(seat.subnet.definition.models ?? {}),
      log,
      clock,
      random,
    };
    this.#sync = new MetagraphSync(chain, seat.netuid, log);
  }

  get uid(): number | null {
    return this.#uid;
  }

  get hotkey(): string {
    return this.#o.hotkey.address;
  }

  /** A copy of the persisted state (scores, step, pending commits and deferred challenges). */
  get state(): ValidatorState {
    return structuredClone(this.#state);
  }

  get lastReport(): StepReport | undefined {
    return this.#lastReport;
  }

  async start(): Promise<void> {
    const o = this.#o;
    this.#uid = await ensureRegistered(o);
    this.#state = loadValidatorState(o.stateFile, o.netuid, o.hotkey.address);
    await this.#sync.start();
    this.#dendrite = new Dendrite({
      signer: o.hotkey,
      clock: o.clock,
      logger: o.log,
      ...(o.presign === false ? { presign: false } : {}),
    });
    o.log.info(
      { event: 'validator.started', netuid: o.netuid, uid: this.#uid, step: this.#state.step },
      'validator started',
    );
  }

  /**
   * Handles a new block. Never runs two ticks at once: a tick that finds one running returns
   * it instead (the live network calls this from block events; tests await it per block).
   */
  tick(block: number): Promise<StepReport | undefined> {
    if (this.#stopped) return Promise.resolve(undefined);
    this.#busy ??= this.#tick(block).finally(() => {
      this.#busy = undefined;
    });
    return this.#busy;
  }

  /** Resolves once any weight submission in flight has settled (tests). */
  async settled(): Promise<void> {
    await this.#weightsInFlight;
  }

  async #tick(block: number): Promise<StepReport | undefined> {
    const o = this.#o;
    const metagraph = await this.#sync.current();
    const pruned = resetChangedHotkeys(this.#state.scores, metagraph.hotkeys);
    if (pruned.length !== this.#state.scores.length) this.#commit({ ...this.#state, scores: pruned });
    await this.#resolveDeferred(metagraph, block);
    let report: StepReport | undefined;
    if (block % (o.stepEveryBlocks ?? 1) === 0) report = await this.#step(metagraph, block);
    // a step can take many blocks (it waits for slow miners): weights go by the latest block
    await this.#maybeSetWeights(await this.#sync.current(), Math.max(block, this.#sync.block));
    return report;
  }

  #context(block: number, step: number) {
    const o = this.#o;
    return {
      subnet: o.subnet.definition.name,
      netuid: o.netuid,
      block,
      options: o.subnet.options,
      models: o.models,
      random: o.random.fork(`step-${step}`),
      log: o.log,
      signal: new AbortController().signal,
      step,
    } as never;
  }

  async #step(metagraph: Metagraph, block: number): Promise<StepReport> {
    const o = this.#o;
    const subnet = o.subnet.definition;
    const step = this.#state.step + 1;
    const ctx = this.#context(block, step);
    const t0 = o.clock.now();
    const challenge = await subnet.validator.challenge(ctx);
    const t1 = o.clock.now();
    const targets = this.#sample(metagraph, step);
    const synapse = subnetSynapses(subnet).unary;
    const timeoutMs = Math.min(subnet.task.timeoutMs ?? 12_000, o.timeoutMs ?? Number.POSITIVE_INFINITY);
    const raw = await this.#dendrite!.fanOut(
      targets.map((t) => t.axon),
      synapse,
      challenge.request as never,
      { timeoutMs },
    );
    const t2 = o.clock.now();
    const results: QueryResult[] = raw.map((r, i) => ({
      uid: targets[i]!.uid,
      hotkey: targets[i]!.axon.hotkey,
      ok: r.ok,
      status: r.status,
      response: r.response,
      latencyMs: r.latencyMs,
    }));
    let rewards: Rewards;
    let deferred: ValidatorState['deferred'][number] | undefined;
    if (challenge.deferred !== undefined) {
      // failures score 0 now; valid answers wait for the truth
      rewards = results.filter((r) => !r.ok).map((r) => ({ uid: r.uid, hotkey: r.hotkey, reward: 0 }));
      const answers = results
        .filter((r) => r.ok)
        .map((r) => ({ uid: r.uid, hotkey: r.hotkey, response: r.response, latencyMs: r.latencyMs, timeoutMs }));
      deferred = { step, block, deferred: challenge.deferred, answers };
    } else {
      rewards = await scoreRound(subnet, results, challenge.truth, ctx, timeoutMs);
    }
    const t3 = o.clock.now();
    // built from the state as it is after the awaits (see #resolveDeferred)
    let next: ValidatorState = { ...this.#state, step };
    if (deferred) next = { ...next, deferred: [...next.deferred, deferred] };
    next = applyRewards(next, rewards, metagraph.hotkeys, o.scoreAlpha);
    this.#commit(next);
    const report: StepReport = {
      step,
      block,
      queried: results.length,
      answered: results.filter((r) => r.ok).length,
      deferred: challenge.deferred !== undefined,
      rewards: rewards.map(({ uid, reward }) => ({ uid, reward })),
      latencies: results.map((r) => ({ uid: r.uid, ok: r.ok, latencyMs: r.latencyMs })),
      timings: { challengeMs: t1 - t0, fanOutMs: t2 - t1, rewardMs: t3 - t2 },
    };
    this.#lastReport = report;
    o.log.debug({ event: 'validator.step', ...report }, 'step');
    return report;
  }

  /** Miners with a served axon, other than this validator, sampled with the step's seed. */
  #sample(m: Metagraph, step: number) {
    const candidates = m.uids.flatMap((uid) => {
      const axon = m.axons[uid];
      if (uid === this.#uid || !axon || axon.port === 0) return [];
      return [{ uid, axon: { ip: dialableIp(axon.ip), port: axon.port, hotkey: m.hotkeys[uid]! } }];
    });
    const shuffled = this.#o.random.fork(`sample-${step}`).shuffle(candidates);
    return shuffled.slice(0, this.#o.sampleSize ?? 16).sort((a, b) => a.uid - b.uid);
  }

  async #resolveDeferred(metagraph: Metagraph, block: number): Promise<void> {
    const o = this.#o;
    const resolve = o.subnet.definition.validator.resolveTruth;
    if (this.#state.deferred.length === 0 || !resolve) return;
    const maxAge = o.maxDeferredBlocks ?? 1000;
    const settled: { pending: ValidatorState['deferred'][number]; rewards: Rewards }[] = [];
    for (const pending of this.#state.deferred) {
      const ctx = this.#context(block, pending.step);
      const truth = block - pending.block > maxAge ? undefined : await resolve(pending.deferred, ctx);
      if (truth === undefined && block - pending.block <= maxAge) continue;
      const rewards = truth === undefined ? [] : await scoreDeferred(o.subnet.definition, pending.answers, truth, ctx);
      settled.push({ pending, rewards });
      o.log.debug(
        { event: 'validator.deferred_scored', step: pending.step, scored: rewards.length },
        'deferred challenge scored',
      );
    }
    if (settled.length === 0) return;
    // folded into the state as it is now, after the awaits: a weight submission that settled
    // meanwhile has recorded its block there, and a state read before them would undo that (the
    // validator then sent its weights again on every block)
    let state = this.#state;
    for (const { pending, rewards } of settled) {
      state = applyRewards(
        { ...state, deferred: state.deferred.filter((d) => d !== pending) },
        rewards,
        metagraph.hotkeys,
        o.scoreAlpha,
      );
    }
    this.#commit(state);
  }

  async #maybeSetWeights(metagraph: Metagraph, block: number): Promise<void> {
    if (this.#weightsInFlight) return;
    const o = this.#o;
    const hyper = await o.chain.hyperparameters(o.netuid);
    if (this.#state.pendingReveal) {
      const p = this.#state.pendingReveal;
      if (block - p.commitBlock < hyper.tempo) return;
      this.#submitWeights(
        'reveal',
        () =>
          o.chain.submit(o.hotkey, {
            pallet: 'SubtensorModule',
            method: 'reveal_weights',
            args: { netuid: o.netuid, uids: p.uids, values: p.values, salt: p.salt, versionKey: hyper.weightsVersion },
          }),
        () => this.#commit({ ...this.#state, pendingReveal: null, lastWeightsBlock: block }),
        (chainError) => {
          // too early: try again next block; anything else (expired, mismatch): give it up
          if (chainError !== 'RevealTooEarly') this.#commit({ ...this.#state, pendingReveal: null });
        },
      );
      return;
    }
    const interval = Math.max(hyper.tempo, hyper.weightsRateLimit);
    const due = this.#state.lastWeightsBlock < 0 || block - this.#state.lastWeightsBlock >= interval;
    // without a validator permit the chain refuses weights on others; wait for the epoch that grants one
    const permitted = this.#uid !== null && metagraph.validatorPermit[this.#uid] === true;
    if (!due || !permitted || this.#state.scores.length === 0) return;
    const { uids, weights } = weightsFromScores(
      this.#state.scores,
      metagraph.hotkeys,
      hyper,
      o.subnet.definition.weights?.power,
    );
    if (uids.length === 0) return;
    const beacon = hyper.commitRevealWeightsEnabled ? ((await o.chain.timelockBeacon?.()) ?? null) : null;
    const mode = weightMode(hyper, beacon !== null);
    if (mode === 'commit-v4' && beacon) {
      // the chain decrypts and applies it by itself once the round's pulse is stored: no reveal to send
      const subnet = await o.chain.subnet(o.netuid);
      const revealRound = chooseRevealRound({
        beacon,
        netuid: o.netuid,
        tempo: hyper.tempo,
        revealPeriod: hyper.commitRevealPeriod,
        nextEpochBlock: subnet?.nextEpochBlock,
      });
      const payload = encodeWeightsPayload({
        hotkey: publicKeyFromAddress(o.hotkey.address),
        uids,
        values: weights,
        versionKey: hyper.weightsVersion,
      });
      const commit = `0x${Buffer.from(timelockEncrypt(payload, revealRound, beacon.publicKey)).toString('hex')}`;
      const commitRevealVersion = hyper.commitRevealVersion ?? COMMIT_REVEAL_VERSION;
      this.#submitWeights(
        'commit_timelocked',
        () =>
          o.chain.submit(o.hotkey, {
            pallet: 'SubtensorModule',
            method: 'commit_timelocked_weights',
            args: { netuid: o.netuid, commit, revealRound, commitRevealVersion },
          }),
        () => this.#commit({ ...this.#state, lastWeightsBlock: block }),
      );
      return;
    }
    if (mode === 'commit-v2') {
      const salt = Array.from({ length: 8 }, () => randomInt(0, 65536));
      const commitHash = weightCommitHash(
        publicKeyFromAddress(o.hotkey.address),
        o.netuid,
        uids,
        weights,
        salt,
        hyper.weightsVersion,
      );
      this.#submitWeights(
        'commit',
        () =>
          o.chain.submit(o.hotkey, {
            pallet: 'SubtensorModule',
            method: 'commit_weights',
            args: { netuid: o.netuid, commitHash },
          }),
        () =>
          this.#commit({
            ...this.#state,
            pendingReveal: { uids, values: weights, salt, commitBlock: block },
            lastWeightsBlock: block,
          }),
      );
      return;
    }
    this.#submitWeights(
      'set',
      () =>
        o.chain.submit(o.hotkey, {
          pallet: 'SubtensorModule',
          method: 'set_weights',
          args: { netuid: o.netuid, dests: uids, weights, versionKey: hyper.weightsVersion },
        }),
      () => this.#commit({ ...this.#state, lastWeightsBlock: block }),
    );
  }

  /**
   * Submits without blocking the tick (a local chain in manual mode includes it only when the
   * next block is produced); the outcome is applied when it settles.
   */
  #submitWeights(
    kind: string,
    submit: () => Promise<unknown>,
    onOk: () => void,
    onError?: (chainError: string) => void,
  ): void {
    const o = this.#o;
    this.#weightsInFlight = submit()
      .then(() => {
        onOk();
        o.log.info({ event: `weights.${kind}`, netuid: o.netuid, uid: this.#uid }, `weights ${kind}`);
      })
      .catch((err: unknown) => {
        const chainError = isSubnetkitError(err) ? String(err.details.chainError ?? err.code) : 'unknown';
        onError?.(chainError);
        o.log.warn(
          { event: `weights.${kind}_failed`, netuid: o.netuid, chainError, err },
          `weights ${kind} failed: ${chainError}`,
        );
      })
      .finally(() => {
        this.#weightsInFlight = undefined;
      });
  }

  #commit(state: ValidatorState): void {
    this.#state = state;
    saveValidatorState(this.#o.stateFile, state, { fsync: this.#o.durableState ?? true });
  }

  /**
   * Spot-checks miners' answers to an application's request (a gateway's organic traffic): the
   * subnet's `organicTruth` gives the truth, `reward` scores the answers, and the scores join the
   * moving averages as a step's do. Undefined when the subnet cannot score this request.
   */
  async scoreOrganic(
    request: unknown,
    answers: readonly QueryResult[],
    timeoutMs: number,
  ): Promise<{ uid: number; reward: number }[] | undefined> {
    const o = this.#o;
    const organicTruth = o.subnet.definition.validator.organicTruth;
    if (!organicTruth || this.#stopped || answers.length === 0) return undefined;
    // own random stream per check: the secret parts of a truth never repeat a step's
    const ctx = {
      ...(this.#context(this.#sync.block, this.#state.step) as object),
      random: o.random.fork(`organic-${++this.#organic}`),
    };
    const truth = await organicTruth(request as never, ctx as never);
    if (truth === undefined) return undefined;
    const rewards = await scoreRound(o.subnet.definition, answers, truth, ctx as never, timeoutMs);
    const metagraph = await this.#sync.current();
    // a step in flight rewrites the state when it ends: fold these in after it, in the same turn
    while (this.#busy) await this.#busy.catch(() => undefined);
    this.#commit(applyRewards(this.#state, rewards, metagraph.hotkeys, o.scoreAlpha));
    return rewards.map(({ uid, reward }) => ({ uid, reward }));
  }

  /** Container disposal (the neuron's child container) stops the neuron. */
  dispose(): Promise<void> {
    return this.stop();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#busy?.catch(() => undefined);
    await this.#weightsInFlight;
    this.#sync.stop();
    await this.#dendrite?.close?.();
  }
}
// Explicit tokens, not parameter decorators: core must load from source under tsx (see injectable-with.ts).
injectableWith(Validator, SEAT, VALIDATOR_SETTINGS, CHAIN, MODELS, LOGGER, CLOCK, RANDOM);
