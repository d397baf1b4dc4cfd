import type { InjectionToken } from 'tsyringe';
import type { MinerOptions } from './miner.js';
import type { ValidatorOptions } from './validator.js';

/** Per-neuron options, registered in the neuron's child container by whoever composes it. */
export const MINER_OPTIONS: InjectionToken<MinerOptions> = Symbol('MinerOptions');
export const VALIDATOR_OPTIONS: InjectionToken<ValidatorOptions> = Symbol('ValidatorOptions');
