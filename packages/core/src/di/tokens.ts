import type { InjectionToken } from 'tsyringe';
import type { Chain } from '../chain/types.js';
import type { SubnetkitConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { PluginHost } from '../plugin/plugin-host.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';

/** DI tokens. Interfaces have no runtime value, so every injection names its token explicitly. */
export const CONFIG: InjectionToken<SubnetkitConfig> = Symbol('Config');
export const CLOCK: InjectionToken<Clock> = Symbol('Clock');
export const RANDOM: InjectionToken<Random> = Symbol('Random');
export const LOGGER: InjectionToken<Logger> = Symbol('Logger');
export const CHAIN: InjectionToken<Chain> = Symbol('Chain');
export const PLUGIN_HOST: InjectionToken<PluginHost> = Symbol('PluginHost');

/** Identity of the neuron a child container serves. */
export interface NeuronIdentity {
  /** Unique within the process, e.g. 'text/validator-0'. */
  name: string;
  subnet: string;
  role: 'miner' | 'validator';
}
export const NEURON: InjectionToken<NeuronIdentity> = Symbol('Neuron');
