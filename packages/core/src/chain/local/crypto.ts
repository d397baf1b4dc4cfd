import { Keyring } from '@polkadot/keyring';
import { encodeAddress } from '@polkadot/util-crypto';
import { publicKeyOf as decodePublicKey } from '../../crypto/address.js';
import { sr25519Verify } from '../../crypto/sr25519.js';
import type { Signer } from '../../util/signer.js';

/** One crypto init for all of core (wallet, protocol, chain). */
export { initCrypto } from '../../crypto/init.js';

/** Verifies an sr25519 signature with the wasm backend; `initCrypto()` must have resolved. */
export function verifySr25519(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  return sr25519Verify(signature, message, publicKey);
}

/** The 32-byte public key of an SS58-42 address (the only prefix the chain accepts), or null. */
export function publicKeyOf(address: unknown): Uint8Array | null {
  return decodePublicKey(address, 42);
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
  // Each URI costs the dev phrase's PBKDF2 and its junctions (~10 ms); every open of a local chain
  // builds its genesis from the same public dev URIs (`//Alice`…), so those are derived once per
  // process. Anything else (a phrase, a password part) is derived each time and not kept.
  const cached = devSigners.get(uri);
  if (cached) return cached;
  const pair = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(uri);
  const signer: Signer = { address: pair.address, publicKey: pair.publicKey, sign: (message) => pair.sign(message) };
  if (isDevJunctionPath(uri)) devSigners.set(uri, signer);
  return signer;
}
const devSigners = new Map<string, Signer>();

/** A URI made of junctions only (`//Alice`, `//a/b//hot`): a key of the public dev phrase. */
export function isDevJunctionPath(uri: string): boolean {
  return /^(\/\/?[^/]+)+$/.test(uri);
}
