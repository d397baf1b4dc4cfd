import { cryptoIsReady, cryptoWaitReady } from '@polkadot/util-crypto';
import sodium from 'libsodium-wrappers-sumo';

let ready: Promise<void> | undefined;
let done = false;

/**
 * Initialises the wasm crypto backends once per process: sr25519 via @polkadot/wasm-crypto (the
 * pure-JS path is several times slower) and libsodium (keyfile encryption). The wallet, the
 * protocol's signature checks and the local chain all await this one promise.
 */
export function initCrypto(): Promise<void> {
  ready ??= Promise.all([cryptoWaitReady(), sodium.ready]).then(([ok]) => {
    if (!ok) throw new Error('@polkadot/wasm-crypto failed to initialise');
    done = true;
  });
  return ready;
}

/** True once {@link initCrypto} has resolved. */
export function cryptoReady(): boolean {
  return done && cryptoIsReady();
}
