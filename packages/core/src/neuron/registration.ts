import type { Chain, Rao } from '../chain/types.js';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { Logger } from '../log/logger.js';
import type { Signer } from '../util/signer.js';

/** Asked before burning TAO to register; resolves true to go ahead. */
export type ConfirmRegistration = (details: { netuid: number; hotkey: string; cost: Rao }) => Promise<boolean>;

/** What registering needs; miner and validator options both carry it. */
export interface EnsureRegisteredOptions {
  chain: Chain;
  netuid: number;
  hotkey: Signer;
  /** Pays the burn; without it an unregistered hotkey is an error. */
  coldkey?: Signer;
  /** Asked before burning (the CLI shows the cost); absent means go ahead. */
  confirmRegistration?: ConfirmRegistration;
  log: Logger;
}

/** Returns the hotkey's uid, registering it with the burn first when needed (after confirmation). */
export async function ensureRegistered({
  chain,
  netuid,
  hotkey,
  coldkey,
  confirmRegistration,
  log,
}: EnsureRegisteredOptions): Promise<number> {
  const existing = await chain.uidOf(netuid, hotkey.address);
  if (existing !== null) return existing;
  if (!coldkey) {
    throw new SubnetkitError(
      'SK_NEURON_NOT_REGISTERED',
      `Hotkey ${hotkey.address} is not registered on subnet ${netuid}; run 'subnetkit register --netuid ${netuid}' or pass the coldkey to register with the burn.`,
      { netuid, hotkey: hotkey.address },
    );
  }
  const cost = await chain.burnCost(netuid);
  if (confirmRegistration && !(await confirmRegistration({ netuid, hotkey: hotkey.address, cost }))) {
    throw new SubnetkitError('SK_CLI_ABORTED', `Registration on subnet ${netuid} was declined.`, { netuid });
  }
  log.info({ event: 'neuron.registering', netuid, hotkey: hotkey.address, cost }, 'registering with the burn');
  await chain.submit(coldkey, {
    pallet: 'SubtensorModule',
    method: 'burned_register',
    args: { netuid, hotkey: hotkey.address },
  });
  const uid = await chain.uidOf(netuid, hotkey.address);
  if (uid === null) {
    throw new SubnetkitError(
      'SK_NEURON_NOT_REGISTERED',
      `Registration of ${hotkey.address} on subnet ${netuid} did not take effect.`,
      {
        netuid,
        hotkey: hotkey.address,
      },
    );
  }
  log.info({ event: 'neuron.registered', netuid, uid, hotkey: hotkey.address }, 'registered');
  return uid;
}
