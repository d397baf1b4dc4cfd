import { cryptoIsReady, cryptoWaitReady } from '@polkadot/util-crypto';
import sodium from 'libsodium-wrappers-sumo';
import { SubnetkitError } from '../errors/subnetkit-error.js';

let ready: Promise<void> | undefined;
let done = false;

/**
 * Initialises the wasm crypto backends (sr25519 via @polkadot/wasm-crypto, libsodium) once per
 * process. Await it before building keypairs; the async wallet functions call it themselves.
 */
export function initCrypto(): Promise<void> {
  ready ??= Promise.all([cryptoWaitReady(), sodium.ready]).then(() => {
    done = true;
  });
  return ready;
}

/** Throws SK_WALLET_NOT_READY when a synchronous key function runs before `initCrypto()` resolved. */
export function assertCryptoReady(): void {
  if (!done || !cryptoIsReady()) {
    throw new SubnetkitError('SK_WALLET_NOT_READY', 'Call `await initCrypto()` before creating or using keypairs.');
  }
}

/** The initialised libsodium instance. */
export function getSodium(): typeof sodium {
  assertCryptoReady();
  return sodium;
}
