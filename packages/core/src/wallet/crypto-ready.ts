import type Sodium from 'libsodium-wrappers-sumo';
import { cryptoReady, loadedSodium } from '../crypto/init.js';
import { SubnetkitError } from '../errors/subnetkit-error.js';

/** Core's one crypto init (sr25519 wasm and libsodium), re-exported where the wallet always had it. */
export { initCrypto } from '../crypto/init.js';

/** Throws SK_WALLET_NOT_READY when a synchronous key function runs before `initCrypto()` resolved. */
export function assertCryptoReady(): void {
  if (!cryptoReady()) {
    throw new SubnetkitError('SK_WALLET_NOT_READY', 'Call `await initCrypto()` before creating or using keypairs.');
  }
}

/** The initialised libsodium instance. */
export function getSodium(): typeof Sodium {
  assertCryptoReady();
  // set whenever cryptoReady() is true: initCrypto loads it before it resolves
  return loadedSodium() as typeof Sodium;
}
