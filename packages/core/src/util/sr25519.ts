import { sr25519Sign as wasmSign, sr25519Verify as wasmVerify } from '@polkadot/wasm-crypto';

/**
 * sr25519 through @polkadot/wasm-crypto. @polkadot/util-crypto 14 signs and verifies in pure JS
 * (@scure/sr25519), 7-8× slower here; the wasm build is initialised by `cryptoWaitReady()`.
 * Signatures are interchangeable between the two.
 */
export function sr25519Sign(publicKey: Uint8Array, secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return wasmSign(publicKey, secretKey, message);
}

/** True when `signature` (64 bytes) is `publicKey`'s signature over `message`; false on malformed input. */
export function sr25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return wasmVerify(signature, message, publicKey);
  } catch {
    return false;
  }
}
