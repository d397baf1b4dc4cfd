import { Keyring } from '@polkadot/keyring';
import { checkAddress, decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { waitReady } from '@polkadot/wasm-crypto';
import type { Signer } from '../../util/signer.js';
import { sr25519Verify } from '../../util/sr25519.js';

let ready: Promise<void> | null = null;

/** Initialises the wasm sr25519 backend once (the pure-JS path is several times slower). */
export function initCrypto(): Promise<void> {
  ready ??= waitReady().then((ok) => {
    if (!ok) throw new Error('@polkadot/wasm-crypto failed to initialise');
  });
  return ready;
}

/** Verifies an sr25519 signature with the wasm backend; `initCrypto()` must have resolved. */
export function verifySr25519(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  return sr25519Verify(signature, message, publicKey);
}

// decoding an address costs a base58 pass and a blake2 checksum; the same few addresses recur
const keyCache = new Map<string, Uint8Array | null>();
const KEY_CACHE_MAX = 50_000;

/** The 32-byte public key of an SS58-42 address, or null if it is not one. */
export function publicKeyOf(address: unknown): Uint8Array | null {
  if (typeof address !== 'string' || address.length < 46 || address.length > 50) return null;
  const cached = keyCache.get(address);
  if (cached !== undefined) return cached;
  let pk: Uint8Array | null = null;
  try {
    const [ok] = checkAddress(address, 42);
    if (ok) {
      const decoded = decodeAddress(address);
      pk = decoded.length === 32 ? decoded : null;
    }
  } catch {
    pk = null;
  }
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
  keyCache.set(address, pk);
  return pk;
}

/** True for a valid SS58 address with prefix 42. */
export function isAddress(address: unknown): address is string {
  return publicKeyOf(address) !== null;
}

/** SS58-42 address of a public key. */
export function addressOf(publicKey: Uint8Array): string {
  return encodeAddress(publicKey, 42);
}

/**
 * A Signer from a dev secret URI such as "//Alice" (sr25519, SS58 42). For tests and local dev
 * accounts only; real keys come from the wallet module.
 */
export function createDevSigner(uri: string): Signer {
  const pair = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(uri);
  return { address: pair.address, publicKey: pair.publicKey, sign: (message) => pair.sign(message) };
}
