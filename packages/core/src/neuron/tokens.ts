import type { InjectionToken } from 'tsyringe';
import type { MinerSettings } from './miner.js';
import type { NeuronSeat } from './options.js';
import type { ValidatorSettings } from './validator.js';

/** The neuron's seat (subnet, netuid, keys), registered in its child container by the composition root. */
export const SEAT: InjectionToken<NeuronSeat> = Symbol('NeuronSeat');
/** The role's settings (ports, timeouts, state file), beside the seat in the child container. */
export const MINER_SETTINGS: InjectionToken<MinerSettings> = Symbol('MinerSettings');
export const VALIDATOR_SETTINGS: InjectionToken<ValidatorSettings> = Symbol('ValidatorSettings');
