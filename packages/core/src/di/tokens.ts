import type { InjectionToken } from 'tsyringe';
import type { Chain } from '../chain/types.js';
import type { Logger } from '../log/logger.js';
import type { ModelRuntime } from '../models/model-runtime.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';

/** DI tokens. Interfaces have no runtime value, so every injection names its token explicitly. */
export const CLOCK: InjectionToken<Clock> = Symbol('Clock');
export const RANDOM: InjectionToken<Random> = Symbol('Random');
export const LOGGER: InjectionToken<Logger> = Symbol('Logger');
export const CHAIN: InjectionToken<Chain> = Symbol('Chain');
/** The process's one model runtime: every neuron takes its subnet's handles from it. */
export const MODELS: InjectionToken<ModelRuntime> = Symbol('Models');

/** Identity of the neuron a child container serves. */
export interface NeuronIdentity {
  /** Unique within the process, e.g. 'text/validator-0'. */
  name: string;
  subnet: string;
  role: 'miner' | 'validator';
}
export const NEURON: InjectionToken<NeuronIdentity> = Symbol('Neuron');
