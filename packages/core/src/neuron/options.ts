import type { Chain } from '../chain/types.js';
import type { Logger } from '../log/logger.js';
import type { LoadedSubnet } from '../plugin/load-subnet.js';
import type { Clock } from '../util/clock.js';
import type { Random } from '../util/random.js';
import type { Signer } from '../util/signer.js';
import type { ConfirmRegistration } from './registration.js';

/**
 * Who a neuron is on chain: the subnet it serves, its uid's hotkey and the coldkey that pays a
 * registration. The composition root puts it in the neuron's child container; the services
 * (chain, models, logger, clock, random) come from the container, not from the caller.
 */
export interface NeuronSeat {
  subnet: LoadedSubnet;
  netuid: number;
  hotkey: Signer;
  /** Pays the burn; without it an unregistered hotkey is an error. */
  coldkey?: Signer;
  /** Asked before burning (the CLI shows the cost); absent means go ahead. */
  confirmRegistration?: ConfirmRegistration;
}

/** A seat with the services it was composed with: what a neuron's methods work from. */
export interface NeuronOptions extends NeuronSeat {
  chain: Chain;
  /** The subnet's model handles (from the model runtime). */
  models: unknown;
  log: Logger;
  clock: Clock;
  random: Random;
}
