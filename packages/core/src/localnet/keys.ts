import { Keypair } from '../wallet/keypair.js';

/**
 * Deterministic development keys of a local network, derived from public URIs
 * (`//subnetkit/<subnet>/<role>-<i>`). They guard nothing of value: never reuse them elsewhere.
 */
export interface NeuronKeys {
  coldkey: Keypair;
  hotkey: Keypair;
}

export function localnetKeys(seed: string, subnet: string, role: string, index: number): NeuronKeys {
  const base = `//subnetkit/${seed}/${subnet}/${role}-${index}`;
  return { coldkey: Keypair.fromUri(base), hotkey: Keypair.fromUri(`${base}//hot`) };
}
