import { DEV_PHRASE, Keypair } from '../wallet/keypair.js';
import { mnemonicToSeed } from '../wallet/mnemonic.js';

/**
 * Deterministic development keys of a local network, derived from public URIs
 * (`//subnetkit/<subnet>/<role>-<i>`). They guard nothing of value: never reuse them elsewhere.
 */
export interface NeuronKeys {
  coldkey: Keypair;
  hotkey: Keypair;
}

let devSeedHex: string | undefined;

/**
 * The dev key at `path` (`//Alice`, `//subnetkit/…`): the same key as `Keypair.fromUri(path)`, but
 * from the dev phrase's mini-secret computed once per process, so each key skips the phrase's
 * PBKDF2 (a network derives dozens). The phrase is public: caching its seed exposes nothing.
 */
export function devKey(path: string): Keypair {
  devSeedHex ??= `0x${Buffer.from(mnemonicToSeed(DEV_PHRASE).reveal()).toString('hex')}`;
  return Keypair.fromUri(`${devSeedHex}${path}`);
}

export function localnetKeys(seed: string, subnet: string, role: string, index: number): NeuronKeys {
  const base = `//subnetkit/${seed}/${subnet}/${role}-${index}`;
  return { coldkey: devKey(base), hotkey: devKey(`${base}//hot`) };
}
