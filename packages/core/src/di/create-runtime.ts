import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { type DependencyContainer, container as globalContainer, type InjectionToken } from 'tsyringe';
import type { Chain } from '../chain/types.js';
import type { SubnetkitConfig } from '../config/schema.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { ModelRuntime } from '../models/model-runtime.js';
import { type Clock, systemClock } from '../util/clock.js';
import { createRandom, type Random } from '../util/random.js';
import { modelsFromConfig } from './from-config.js';
import { CHAIN, CLOCK, LOGGER, MODELS, NEURON, type NeuronIdentity, RANDOM } from './tokens.js';

export type Override<T> = { useValue: T } | { useFactory: (c: DependencyContainer) => T };

export interface CreateRuntimeOptions {
  config: SubnetkitConfig;
  /** The chain backend, opened by the caller (see `chainFromConfig`); required to compose neurons. */
  chain?: Chain;
  /** The model runtime; default: one built from `config.models` on first use (and disposed with the runtime). */
  models?: ModelRuntime;
  /** Default: pino at `config.log.level`. */
  logger?: Logger;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: seeded from `config.seed`, else from 256 bits of OS entropy. */
  random?: Random;
  /** Replace any token's registration (applied last). */
  override?: ReadonlyArray<readonly [InjectionToken<unknown>, Override<unknown>]>;
}

/** Per-neuron registrations beside its identity (e.g. the role's settings), as token/value pairs. */
export type ScopeValues = ReadonlyArray<readonly [InjectionToken<unknown>, unknown]>;

/**
 * The process's services and the one place that registers them (the composition root): chain
 * backend, model runtime, logger, clock and random source live in the root container; each
 * neuron gets a child container that adds only its identity and what its role is given.
 */
export class Runtime {
  readonly #root: DependencyContainer;
  readonly #neurons = new Map<string, DependencyContainer>();
  #ownModels: ModelRuntime | undefined;

  constructor(options: CreateRuntimeOptions) {
    // a fresh child of tsyringe's global container, which we never register into
    this.#root = globalContainer.createChildContainer();
    const logger = options.logger ?? createLogger({ level: options.config.log.level });
    this.#root.register(LOGGER, { useValue: logger });
    this.#root.register(CLOCK, { useValue: options.clock ?? systemClock });
    this.#root.register(RANDOM, {
      useValue: options.random ?? createRandom(options.config.seed ?? secretSeed()),
    });
    if (options.chain) this.#root.register(CHAIN, { useValue: options.chain });
    const models = options.models;
    this.#root.register(MODELS, {
      useFactory: () => {
        if (models) return models;
        // built on first use, so a runtime that never loads a model never starts a model runtime
        this.#ownModels ??= modelsFromConfig(options.config, { logger, clock: options.clock ?? systemClock });
        return this.#ownModels;
      },
    });
    for (const [token, o] of options.override ?? []) this.#root.register(token, o as never);
  }

  /** Resolves a service from the root container. */
  resolve<T>(token: InjectionToken<T>): T {
    return this.#root.resolve(token);
  }

  /**
   * A child container for one neuron: its identity, its own logger (`{ neuron, subnet, role }`),
   * its own random stream forked by name, plus `values` (the role's settings).
   */
  createNeuronScope(identity: NeuronIdentity, values: ScopeValues = []): DependencyContainer {
    if (this.#neurons.has(identity.name)) throw new Error(`neuron ${identity.name} already has a scope`);
    const scope = this.#root.createChildContainer();
    scope.register(NEURON, { useValue: identity });
    scope.register(LOGGER, {
      useValue: this.#root
        .resolve(LOGGER)
        .child({ neuron: identity.name, subnet: identity.subnet, role: identity.role }),
    });
    scope.register(RANDOM, { useValue: this.#root.resolve(RANDOM).fork(identity.name) });
    for (const [token, value] of values) scope.register(token, { useValue: value });
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

  /**
   * Shuts down the neurons, then what the runtime built itself (a model runtime from config).
   * The chain and a model runtime passed in belong to the caller, who closes them.
   */
  async dispose(): Promise<void> {
    for (const name of [...this.#neurons.keys()]) await this.disposeNeuron(name);
    await this.#ownModels?.dispose();
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
