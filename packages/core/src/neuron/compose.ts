import { Lifecycle } from 'tsyringe';
import type { Runtime } from '../di/create-runtime.js';
import { Miner, type MinerSettings } from './miner.js';
import type { NeuronSeat } from './options.js';
import { MINER_SETTINGS, SEAT, VALIDATOR_SETTINGS } from './tokens.js';
import { Validator, type ValidatorSettings } from './validator.js';

/**
 * Composes a miner in `runtime`: a child container holding its identity, seat and settings; the
 * chain, models, logger, clock and random source are the runtime's. Disposing the runtime (or
 * `runtime.disposeNeuron(name)`) stops it.
 */
export function composeMiner(runtime: Runtime, name: string, seat: NeuronSeat, settings: MinerSettings = {}): Miner {
  const scope = runtime.createNeuronScope({ name, subnet: seat.subnet.definition.name, role: 'miner' }, [
    [SEAT, seat],
    [MINER_SETTINGS, settings],
  ]);
  scope.register(Miner, Miner, { lifecycle: Lifecycle.ContainerScoped });
  return scope.resolve(Miner);
}

/** Composes a validator in `runtime` (see `composeMiner`). */
export function composeValidator(
  runtime: Runtime,
  name: string,
  seat: NeuronSeat,
  settings: ValidatorSettings,
): Validator {
  const scope = runtime.createNeuronScope({ name, subnet: seat.subnet.definition.name, role: 'validator' }, [
    [SEAT, seat],
    [VALIDATOR_SETTINGS, settings],
  ]);
  scope.register(Validator, Validator, { lifecycle: Lifecycle.ContainerScoped });
  return scope.resolve(Validator);
}
