import type { LoadedSubnet } from '../plugin/load-subnet.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import type { EnsureRegisteredOptions } from './registration.js';

/** What every neuron (miner or validator) is built from. */
export interface NeuronOptions extends EnsureRegisteredOptions {
  subnet: LoadedSubnet;
  /** The subnet's model handles (from the model runtime). */
  models: unknown;
  clock: Clock;
  random: Random;
}
