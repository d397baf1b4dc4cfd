import { u8aToHex } from '@polkadot/util';
import { publicKeyOf as decodePublicKey } from '../crypto/address.js';
import { initCrypto } from '../crypto/init.js';
import { sr25519Verify } from '../crypto/sr25519.js';
import type { Signer } from '../util/signer.js';

/** SDK `version_as_int`: Σ partᵢ × 1000ⁱ over `major.minor.patch` (10.2.0 → 10002000). */
export function versionAsInt(version: string): number {
  const parts = version.split('.').map((p) => Number.parseInt(p, 10));
  const [major = 0, minor = 0, patch = 0] = parts.map((p) => (Number.isFinite(p) ? p : 0));
  return major * 1_000_000 + minor * 1_000 + patch;
}

/** Template `__spec_version__`: 1000·major + 10·minor + patch (it collides: 0.10.0 == 0.9.10). */
export function templateSpecVersion(version: string): number {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  return 1000 * major + 10 * minor + patch;
}

/** The SDK version Subnetkit speaks (wire format unchanged since 7.2). */
export const SDK_VERSION = '10.2.0';
/** `versionAsInt(SDK_VERSION)`, sent as `bt_header_dendrite_version`. */
export const SDK_VERSION_INT = versionAsInt(SDK_VERSION);
/** Versions at or above this get the SDK's nonce freshness window. */
export const NONCE_WINDOW_VERSION = 7_002_000;

/** Fields of the dendrite's signed message. */
export interface SignatureParts {
  readonly nonce: bigint;
  readonly dendriteHotkey: string;
  readonly axonHotkey: string;
  readonly uuid: string;
  readonly bodyHash: string;
}

/** `<nonce>.<dendrite hotkey>.<axon hotkey>.<uuid>.<body hash>`, the text a dendrite signs. */
export function signatureMessage(p: SignatureParts): string {
  return `${p.nonce}.${p.dendriteHotkey}.${p.axonHotkey}.${p.uuid}.${p.bodyHash}`;
}

const encoder = new TextEncoder();

/** sr25519-signs the UTF-8 bytes of `message`; returns `0x` + hex as the SDK sends it. */
export function signText(signer: Signer, message: string): string {
  return u8aToHex(signer.sign(encoder.encode(message)));
}

/** Resolves once the sr25519 wasm is ready; verification needs it (core's one crypto init). */
export async function protocolCryptoReady(): Promise<boolean> {
  await initCrypto();
  return true;
}

/** Decodes an SS58 address (any prefix) to its public key, or undefined when malformed (cached). */
export function publicKeyOf(ss58: string): Uint8Array | undefined {
  return decodePublicKey(ss58) ?? undefined;
}

const HEX_SIG = /^0x[0-9a-fA-F]{128}$/;

/**
 * Verifies an sr25519 signature over `message` by `publicKey`, raw or `<Bytes>`-wrapped (what
 * polkadot-js extensions produce; the SDK accepts both). Malformed input is `false`, never a throw.
 */
export function verifyText(message: string, signatureHex: string, publicKey: Uint8Array, allowWrapped = true): boolean {
  if (!HEX_SIG.test(signatureHex)) return false;
  const sig = Buffer.from(signatureHex.slice(2), 'hex');
  if (sr25519Verify(sig, encoder.encode(message), publicKey)) return true;
  return allowWrapped && sr25519Verify(sig, encoder.encode(`<Bytes>${message}</Bytes>`), publicKey);
}
