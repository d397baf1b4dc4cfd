import { checkAddress, decodeAddress } from '@polkadot/util-crypto';

// decoding costs a base58 pass and a blake2 checksum, and the same few hundred hotkeys recur
// (every signed request, every extrinsic); a full cache starts over, which keeps it bounded
const KEY_CACHE_MAX = 50_000;
const keyCache = new Map<string, Uint8Array>();

/**
 * The 32-byte public key of an SS58 address, or null when `address` is not one. With `ss58Prefix`
 * only addresses of that network prefix count (the chain accepts 42 only); without it any
 * registered prefix, or a `0x` hex public key, decodes. The one address decoder of core: the
 * wallet, the protocol and the local chain wrap it with their own error policy.
 */
export function publicKeyOf(address: unknown, ss58Prefix?: number): Uint8Array | null {
  // longer strings are neither addresses nor hex keys; checking first keeps junk out of the cache
  if (typeof address !== 'string' || address.length > 66) return null;
  const cacheKey = ss58Prefix === undefined ? address : `${ss58Prefix}/${address}`;
  const hit = keyCache.get(cacheKey);
  if (hit) return hit;
  let pk: Uint8Array;
  try {
    if (ss58Prefix !== undefined && !checkAddress(address, ss58Prefix)[0]) return null;
    pk = decodeAddress(address);
  } catch {
    return null;
  }
  if (pk.length !== 32) return null;
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
  keyCache.set(cacheKey, pk);
  return pk;
}
