import type { InjectionToken } from 'tsyringe';
import type { Chain } from '../chain/types.js';
import type { Logger } from '../log/logger.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';

/** DI tokens. Interfaces have no runtime value, so every injection names its token explicitly. */
export const CLOCK: InjectionToken<Clock> = Symbol('Clock');
export const RANDOM: InjectionToken<Random> = Symbol('Random');
export const LOGGER: InjectionToken<Logger> = Symbol('Logger');
export const CHAIN: InjectionToken<Chain> = Symbol('Chain');
