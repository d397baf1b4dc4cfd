import { sr25519Sign as wasmSign, sr25519Verify as wasmVerify } from '@polkadot/wasm-crypto';
import { keyTables } from './ristretto/verifier.js';

/**
 * sr25519 through @polkadot/wasm-crypto. @polkadot/util-crypto 14 signs and verifies in pure JS
 * (@scure/sr25519), 7-8× slower here; the wasm build is initialised by `cryptoWaitReady()`.
 * Signatures are interchangeable between the two.
 */
export function sr25519Sign(publicKey: Uint8Array, secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return wasmSign(publicKey, secretKey, message);
}

/**
 * Verifications before this process builds the verifier module (~25 ms of CPU): a process that
 * checks a signature or two (a CLI command) never pays for it.
 */
const BUILD_AFTER = 16;
let verifications = 0;

/**
 * True when `signature` (64 bytes) is `publicKey`'s signature over `message`; false on malformed
 * input. Keys that verify often get a precomputed table (`crypto/ristretto/verifier.ts`, several
 * times cheaper per signature) and the others are verified in the same module (about 3 times
 * cheaper); signatures outside the plain form go to @polkadot/wasm-crypto's verifier, and so do
 * this verifier's rejections, within a budget, for a second opinion that would switch it off.
 */
export function sr25519Verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  if (verifications < BUILD_AFTER) verifications++;
  const tables = verifications >= BUILD_AFTER ? keyTables() : null;
  let fast: boolean | undefined;
  try {
    fast = tables?.verify(signature, message, publicKey);
  } catch {
    fast = undefined;
  }
  if (fast === true) return true;
  // a rejection gets the wasm verifier's second opinion within a budget (verifier.ts)
  if (fast === false && !tables?.confirmRejection()) return false;
  const ok = sr25519VerifyGeneral(signature, message, publicKey);
  tables?.record(ok, fast);
  return ok;
}

/** `sr25519Verify` through the wasm verifier alone (no key tables): the general cost of one verify. */
export function sr25519VerifyGeneral(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return wasmVerify(signature, message, publicKey);
  } catch {
    return false;
  }
}
