import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { type DependencyContainer, container as globalContainer, type InjectionToken } from 'tsyringe';
import type { Chain } from '../chain/types.js';
import type { SubnetkitConfig } from '../config/schema.js';
import { createLogger, type Logger } from '../log/logger.js';
import { PluginHost } from '../plugin/plugin-host.js';
import { type Clock, systemClock } from '../util/clock.js';
import { createRandom } from '../util/random.js';
import { CHAIN, CLOCK, CONFIG, LOGGER, NEURON, type NeuronIdentity, PLUGIN_HOST, RANDOM } from './tokens.js';

/** A value or factory to put in place of a token (tests swap only what they name). */
export type Override<T> = { useValue: T } | { useFactory: (c: DependencyContainer) => T };

export interface CreateRuntimeOptions {
  config: SubnetkitConfig;
  /** The chain backend; chosen from `config.network` by the caller that knows the backends. */
  chain?: Chain | (() => Chain | Promise<Chain>);
  logger?: Logger;
  clock?: Clock;
  /** Replace any token's registration (applied last). */
  override?: ReadonlyArray<readonly [InjectionToken<unknown>, Override<unknown>]>;
}

/**
 * The process's services and the one place that registers them (the composition root).
 * Shared services live in the root container; each neuron gets a child container.
 */
export class Runtime {
  readonly #root: DependencyContainer;
  readonly #neurons = new Map<string, DependencyContainer>();
  #chain: Promise<Chain> | undefined;
  readonly #chainSource: CreateRuntimeOptions['chain'];

  constructor(options: CreateRuntimeOptions) {
    // a fresh child of tsyringe's global container, which we never register into
    this.#root = globalContainer.createChildContainer();
    const logger = options.logger ?? createLogger({ level: options.config.log.level });
    this.#root.register(CONFIG, { useValue: options.config });
    this.#root.register(LOGGER, { useValue: logger });
    this.#root.register(CLOCK, { useValue: options.clock ?? systemClock });
    this.#root.register(RANDOM, { useValue: createRandom(options.config.seed ?? secretSeed()) });
    this.#root.register(PLUGIN_HOST, { useValue: new PluginHost() });
    for (const [token, o] of options.override ?? []) this.#root.register(token, o as never);
    this.#chainSource = options.chain;
  }

  /** Resolves a service from the root container. */
  resolve<T>(token: InjectionToken<T>): T {
    return this.#root.resolve(token);
  }

  /** The chain backend, created once on first use and shared by every neuron. */
  chain(): Promise<Chain> {
    if (this.#root.isRegistered(CHAIN, true)) return Promise.resolve(this.#root.resolve(CHAIN));
    this.#chain ??= (async () => {
      const source = this.#chainSource;
      if (!source) throw new Error('no chain backend configured');
      return typeof source === 'function' ? await source() : source;
    })();
    return this.#chain;
  }

  /**
   * A child container for one neuron: its own logger (`{ neuron, subnet, role }`), its own seeded
   * random stream and whatever per-neuron services the caller registers there.
   */
  createNeuronScope(identity: NeuronIdentity): DependencyContainer {
    if (this.#neurons.has(identity.name)) throw new Error(`neuron ${identity.name} already has a scope`);
    const scope = this.#root.createChildContainer();
    scope.register(NEURON, { useValue: identity });
    scope.register(LOGGER, {
      useValue: this.#root
        .resolve(LOGGER)
        .child({ neuron: identity.name, subnet: identity.subnet, role: identity.role }),
    });
    scope.register(RANDOM, { useValue: this.#root.resolve(RANDOM).fork(identity.name) });
    this.#neurons.set(identity.name, scope);
    return scope;
  }

  /** Disposes one neuron's services (those implementing `dispose()`). */
  async disposeNeuron(name: string): Promise<void> {
    const scope = this.#neurons.get(name);
    if (!scope) return;
    this.#neurons.delete(name);
    await scope.dispose();
  }

  /** Shuts everything down: neurons first, then the shared services and the chain. */
  async dispose(): Promise<void> {
    for (const name of [...this.#neurons.keys()]) await this.disposeNeuron(name);
    if (this.#chain) await (await this.#chain.catch(() => undefined))?.close();
    await this.#root.dispose();
  }
}

/**
 * 256 bits from the OS: the root of a process's random source when no seed is configured. Every
 * challenge derives from it, and it never leaves the process (nothing logs or persists it), so
 * public facts (config defaults, neuron names, steps, blocks) do not reproduce a challenge.
 */
export function secretSeed(): string {
  return randomBytes(32).toString('hex');
}

/** Creates the runtime (the composition root). */
export function createRuntime(options: CreateRuntimeOptions): Runtime {
  return new Runtime(options);
}
