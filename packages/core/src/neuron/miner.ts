import type { Chain, ChainEvent, Unsubscribe } from '../chain/types.js';
import { injectableWith } from '../di/injectable-with.js';
import { CHAIN, CLOCK, LOGGER, MODELS, RANDOM } from '../di/tokens.js';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { Logger } from '../log/logger.js';
import type { ModelRuntime } from '../models/model-runtime.js';
import { type Axon, type AxonObserver, createAxon, type HandlerContext } from '../protocol/axon.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import { announceableIp } from './axon-address.js';
import { MetagraphSync } from './metagraph-sync.js';
import type { MinerBehaviourOverride, MinerHandler } from './miner-behaviour.js';
import type { NeuronOptions, NeuronSeat } from './options.js';
import { ensureRegistered } from './registration.js';
import { subnetSynapses } from './subnet-synapse.js';
import { MINER_SETTINGS, SEAT } from './tokens.js';

/** What a miner is told beyond its seat; the services come from its container. */
export interface MinerSettings {
  /** Replaces the subnet's handler (the testing kit's cheating profiles); absent in production. */
  behaviour?: MinerBehaviourOverride;
  /** Where the axon listens (port 0: any free port) and what it announces on chain. */
  host?: string;
  port?: number;
  externalIp?: string;
  /** Validators below this stake are blacklisted (default 0: any registered hotkey may call). */
  minValidatorStake?: bigint;
  /** What to do when the hotkey loses its uid: register again (default) or stop. */
  onDeregistered?: 'reregister' | 'exit';
  /** Told of every axon request (ops metrics). */
  axonObserver?: AxonObserver;
}

/** A miner's seat, settings and services together (what its methods work from). */
export type MinerOptions = NeuronOptions & MinerSettings;

/**
 * The miner runtime: registers (burn) if needed, serves the subnet's synapse on an axon whose
 * blacklist and priority come from the live metagraph, announces it with serve_axon, and
 * watches for deregistration.
 */
export class Miner {
  readonly #o: MinerOptions;
  readonly #sync: MetagraphSync;
  #axon: Axon | undefined;
  #uid: number | null = null;
  #port = 0;
  #unsubscribe: Unsubscribe | undefined;
  #stopped = false;
  #onExit: ((err: SubnetkitError) => void) | undefined;
  #recovering: Promise<void> | undefined;

  constructor(
    seat: NeuronSeat,
    settings: MinerSettings,
    chain: Chain,
    models: ModelRuntime,
    log: Logger,
    clock: Clock,
    random: Random,
  ) {
    const behaviour = settings.behaviour;
    this.#o = {
      ...seat,
      ...settings,
      chain,
      models: models.handles(seat.subnet.definition.models ?? {}),
      log: behaviour ? log.child({ profile: behaviour.name }) : log,
      clock,
      random,
    };
    this.#sync = new MetagraphSync(chain, seat.netuid, this.#o.log);
  }

  get uid(): number | null {
    return this.#uid;
  }

  get port(): number {
    return this.#port;
  }

  get hotkey(): string {
    return this.#o.hotkey.address;
  }

  /** Called when the miner stops on its own (deregistered with `onDeregistered: 'exit'`). */
  onExit(listener: (err: SubnetkitError) => void): void {
    this.#onExit = listener;
  }

  async start(): Promise<void> {
    const o = this.#o;
    this.#uid = await ensureRegistered(o);
    await this.#sync.start();
    const subnet = o.subnet.definition;
    const handler: MinerHandler = o.behaviour
      ? o.behaviour.create({ subnet, clock: o.clock })
      : async (request, ctx) => subnet.miner.handle(request, ctx);
    const minStake = o.minValidatorStake ?? 0n;
    this.#axon = createAxon({
      signer: o.hotkey,
      logger: o.log,
      clock: o.clock,
      ...(o.axonObserver ? { observer: o.axonObserver } : {}),
      blacklist: {
        neurons: (hotkey) => {
          const m = this.#sync.peek();
          const uid = m ? m.hotkeys.indexOf(hotkey) : -1;
          return uid < 0 || !m ? undefined : { registered: true, stake: m.totalStake[uid] ?? 0n };
        },
        minStake,
      },
    });
    let calls = 0;
    const contextFor = (hctx: HandlerContext) => {
      const m = this.#sync.peek();
      const callerUid = m ? m.hotkeys.indexOf(hctx.callerHotkey) : -1;
      return {
        subnet: subnet.name,
        netuid: o.netuid,
        block: this.#sync.block,
        options: o.subnet.options,
        models: o.models,
        random: o.random.fork(`call-${calls++}`),
        log: o.log,
        signal: hctx.signal,
        caller: { hotkey: hctx.callerHotkey, uid: callerUid < 0 ? null : callerUid },
      } as never;
    };
    const synapses = subnetSynapses(subnet);
    this.#axon.attach(synapses.unary, async (request, hctx) => (await handler(request, contextFor(hctx))) as never);
    const stream = subnet.miner.stream;
    if (synapses.streaming && stream && (o.behaviour?.streams ?? true)) {
      // cheating behaviours do not stream; application queries pick miners by incentive anyway
      this.#axon.attach(synapses.streaming, (request, hctx) => stream(request, contextFor(hctx)) as never);
    }
    this.#port = await this.#axon.listen(o.port ?? 0, o.host ?? '127.0.0.1');
    await this.#serveAxon();
    this.#unsubscribe = o.chain.onEvents((events) => this.#watch(events));
    o.log.info({ event: 'miner.started', netuid: o.netuid, uid: this.#uid, port: this.#port }, 'miner serving');
  }

  async #serveAxon(): Promise<void> {
    const o = this.#o;
    await o.chain.submit(o.hotkey, {
      pallet: 'SubtensorModule',
      method: 'serve_axon',
      args: { netuid: o.netuid, version: 1, ip: announcedIp(o), port: this.#port, ipType: 4, protocol: 4 },
    });
  }

  #watch(events: ChainEvent[]): void {
    // another hotkey registered into our uid: we were pruned
    const replaced = events.some(
      (e) =>
        e.name === 'NeuronRegistered' &&
        Number(e.data.netuid) === this.#o.netuid &&
        Number(e.data.uid) === this.#uid &&
        e.data.hotkey !== this.#o.hotkey.address,
    );
    if (!replaced || this.#stopped || this.#recovering) return;
    this.#recovering = this.#handleDeregistration().finally(() => {
      this.#recovering = undefined;
    });
  }

  async #handleDeregistration(): Promise<void> {
    const o = this.#o;
    o.log.warn(
      { event: 'miner.deregistered', netuid: o.netuid, uid: this.#uid },
      'deregistered: uid taken by another hotkey',
    );
    if ((o.onDeregistered ?? 'reregister') === 'exit' || !o.coldkey) {
      const err = new SubnetkitError(
        'SK_NEURON_DEREGISTERED',
        `Hotkey ${o.hotkey.address} was deregistered from subnet ${o.netuid}.`,
        {
          netuid: o.netuid,
          hotkey: o.hotkey.address,
        },
      );
      await this.stop();
      this.#onExit?.(err);
      return;
    }
    try {
      this.#uid = await ensureRegistered(o);
      await this.#serveAxon();
    } catch (err) {
      o.log.error({ event: 'miner.reregister_failed', err }, 'could not register again');
    }
  }

  /** Container disposal (the neuron's child container) stops the neuron. */
  dispose(): Promise<void> {
    return this.stop();
  }

  /** Stops serving: new requests are refused, in-flight ones get up to `drainTimeoutMs` to finish. */
  async stop(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#sync.stop();
    await this.#axon?.stop(options);
  }
}
// Explicit tokens, not parameter decorators: core must load from source under tsx (see injectable-with.ts).
injectableWith(Miner, SEAT, MINER_SETTINGS, CHAIN, MODELS, LOGGER, CLOCK, RANDOM);

function announcedIp(o: MinerOptions): string {
  return announceableIp(o.externalIp ?? o.host ?? '127.0.0.1');
}
