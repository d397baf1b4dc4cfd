/** The transcript an sr25519 (schnorrkel) signature hashes, shared by the signer and the verifier. */
import { Transcript } from './merlin.js';
import { L, leToBigint } from './ristretto/scalar.js';

const SCHNORR_SIG = new TextEncoder().encode('Schnorr-sig');

/** The transcript up to the message, for the signing context `substrate` (fork it per signature). */
export function substrateContext(): Transcript {
  const t = new Transcript('SigningContext');
  t.appendMessage('', new TextEncoder().encode('substrate'));
  return t;
}

/**
 * The challenge k = H(context, message, A, R) mod ℓ, computed in `scratch` (set from `context`,
 * wiped after) with `out` (64 bytes) as the challenge's buffer.
 */
export function challenge(
  scratch: Transcript,
  context: Transcript,
  message: Uint8Array,
  publicKey: Uint8Array,
  R: Uint8Array,
  out: Uint8Array,
): bigint {
  const t = scratch.setFrom(context);
  t.appendMessage('sign-bytes', message);
  t.appendMessage('proto-name', SCHNORR_SIG);
  t.appendMessage('sign:pk', publicKey);
  t.appendMessage('sign:R', R);
  const k = leToBigint(t.challengeInto('sign:c', out)) % L;
  t.wipe();
  return k;
}
