import { cryptoIsReady, cryptoWaitReady } from '@polkadot/util-crypto';
import type Sodium from 'libsodium-wrappers-sumo';

let ready: Promise<void> | undefined;
let done = false;
// libsodium (~0.5 MB of JS that compiles its wasm as it loads) is imported by initCrypto, not with
// core: processes that never touch keys or keyfiles (CLI --help, usage errors) skip it
let sodium: typeof Sodium | undefined;

/**
 * Initialises the wasm crypto backends once per process: sr25519 via @polkadot/wasm-crypto (the
 * pure-JS path is several times slower) and libsodium (keyfile encryption). The wallet, the
 * protocol's signature checks and the local chain all await this one promise.
 */
export function initCrypto(): Promise<void> {
  ready ??= Promise.all([
    cryptoWaitReady(),
    import('libsodium-wrappers-sumo').then(async ({ default: loaded }) => {
      await loaded.ready;
      sodium = loaded;
    }),
  ]).then(([ok]) => {
    if (!ok) throw new Error('@polkadot/wasm-crypto failed to initialise');
    done = true;
  });
  return ready;
}

/** True once {@link initCrypto} has resolved. */
export function cryptoReady(): boolean {
  return done && cryptoIsReady();
}

/** The libsodium instance {@link initCrypto} loaded; undefined before it resolved. */
export function loadedSodium(): typeof Sodium | undefined {
  return sodium;
}
