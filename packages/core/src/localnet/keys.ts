import { keyExtractPath, keyFromPath, sr25519PairFromSeed } from '@polkadot/util-crypto';
import { isDevJunctionPath } from '../chain/local/crypto.js';
import { DEV_PHRASE, Keypair, privateKeyFromPolkadot } from '../wallet/keypair.js';
import { mnemonicToSeed } from '../wallet/mnemonic.js';

/**
 * Deterministic development keys of a local network, derived from public URIs
 * (`//subnetkit/<subnet>/<role>-<i>`). They guard nothing of value: never reuse them elsewhere.
 */
export interface NeuronKeys {
  coldkey: Keypair;
  hotkey: Keypair;
}

type Pair = { publicKey: Uint8Array; secretKey: Uint8Array };

/** Derived dev pairs by path ('' is the phrase's own pair). */
const pairs = new Map<string, Pair>();

/**
 * The dev pair at `path`, derived one junction from its parent's pair, which is cached: the
 * neurons of a subnet share `//subnetkit/<seed>/<subnet>`, and each junction costs a curve
 * multiplication in JavaScript (a whole network derived 11 per neuron, now about 3).
 */
function devPair(path: string): Pair {
  let pair = pairs.get(path);
  if (pair) return pair;
  if (path === '') {
    pair = sr25519PairFromSeed(mnemonicToSeed(DEV_PHRASE).reveal());
  } else {
    const last = path.match(/\/\/?[^/]+$/)![0];
    pair = keyFromPath(devPair(path.slice(0, -last.length)), keyExtractPath(last).path, 'sr25519');
  }
  pairs.set(path, pair);
  return pair;
}

/**
 * The dev key at `path` (`//Alice`, `//subnetkit/…`): the same key as `Keypair.fromUri(path)`, but
 * from pairs cached per process, so each key skips the phrase's PBKDF2 and the junctions it shares
 * with keys derived before (a network derives dozens). The phrase is public: caching exposes nothing.
 */
export function devKey(path: string): Keypair {
  // junctions only; anything else (a password part) goes through the full URI parser
  if (!isDevJunctionPath(path)) return Keypair.fromUri(path);
  const pair = devPair(path);
  return Keypair.fromPrivateKey(privateKeyFromPolkadot(pair.secretKey), pair.publicKey);
}

export function localnetKeys(seed: string, subnet: string, role: string, index: number): NeuronKeys {
  const base = `//subnetkit/${seed}/${subnet}/${role}-${index}`;
  return { coldkey: devKey(base), hotkey: devKey(`${base}//hot`) };
}
