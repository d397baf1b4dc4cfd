/**
 * Session mode's cryptography (Subnetkit-native, beside the SDK's per-request signatures).
 *
 * Handshake, once per session: the dendrite sends an ephemeral X25519 key signed (sr25519) with
 * its hotkey over both hotkeys and a fresh nonce; the axon answers with its own ephemeral key,
 * signed with its hotkey over the hash of the dendrite's hello. Both derive the MAC key with
 * HKDF-SHA256 from the X25519 secret, salted with the transcript hash, so the key never travels
 * and each side knows the other holds its hotkey.
 *
 * Per request: HMAC-SHA256 over `<seq>.<nonce>.<dendrite hotkey>.<axon hotkey>.<uuid>.<body hash>`
 * (the SDK-signed fields plus the session counter) on a full SDK request (format `v1`), or, in the
 * lean format, HMAC-SHA256 over the counter, both hotkeys, the synapse name and timeout, then the
 * raw body bytes, on a request that carries only the session headers and the request's JSON
 * ({@link leanMacOf}; docs/protocol-session.md).
 */
import {
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { hkdf } from '@noble/hashes/hkdf';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';

export const SESSION_VERSION = 'subnetkit-session-v1';
/** Path of the handshake (not a synapse name: synapse names are identifiers). */
export const SESSION_PATH = '/__subnetkit_session';
/** Reply header by which an axon advertises session mode. */
export const SESSION_ADVERTISE_HEADER = 'sk_session_mode';
export const SESSION_ID_HEADER = 'sk_session';
export const SESSION_SEQ_HEADER = 'sk_session_seq';
export const SESSION_MAC_HEADER = 'sk_session_mac';
/**
 * The lean request format's MAC header: its presence marks a lean request (session id, counter,
 * MAC and an optional timeout are its only protocol headers; the body is the request's JSON).
 */
export const LEAN_MAC_HEADER = 'sk_mac';
/** Optional lean-request deadline, seconds (covered by the MAC). */
export const LEAN_TIMEOUT_HEADER = 'sk_timeout';
/** Request formats an axon takes after the handshake (named in its welcome). */
export const SESSION_FORMATS = ['v1', 'lean'] as const;

/** The dendrite's hello: what it signs and sends. */
export interface SessionHello {
  readonly dendriteHotkey: string;
  readonly axonHotkey: string;
  /** Nanoseconds since the epoch, as the SDK's nonces. */
  readonly nonce: bigint;
  /** Hex X25519 public key (32 bytes). */
  readonly clientPub: string;
}

/** The axon's answer (its signature covers the hello's hash). */
export interface SessionWelcome {
  readonly session: string;
  readonly serverPub: string;
  readonly expiresInMs: number;
}

const enc = new TextEncoder();

export function helloMessage(h: SessionHello): Uint8Array {
  return enc.encode(`${SESSION_VERSION}|hello|${h.nonce}|${h.dendriteHotkey}|${h.axonHotkey}|${h.clientPub}`);
}

export function helloHash(h: SessionHello): Uint8Array {
  return sha256(helloMessage(h));
}

export function welcomeMessage(helloDigest: Uint8Array, w: SessionWelcome): Uint8Array {
  return enc.encode(
    `${SESSION_VERSION}|welcome|${bytesToHex(helloDigest)}|${w.serverPub}|${w.session}|${w.expiresInMs}`,
  );
}

/**
 * A fresh ephemeral X25519 pair (hex public key), through node's crypto (OpenSSL): a handshake's
 * two X25519 operations cost ~0.1 ms there, ~2 ms in pure JavaScript.
 */
export function ephemeralKey(): { secret: KeyObject; pub: string } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const x = publicKey.export({ format: 'jwk' }).x as string;
  return { secret: privateKey, pub: Buffer.from(x, 'base64url').toString('hex') };
}

const HEX32 = /^[0-9a-f]{64}$/;

/** The session's 32-byte MAC key; undefined for a malformed or low-order peer key. */
export function sessionKey(secret: KeyObject, peerPubHex: string, helloDigest: Uint8Array): Buffer | undefined {
  if (!HEX32.test(peerPubHex)) return undefined;
  let shared: Buffer;
  try {
    const x = Buffer.from(peerPubHex, 'hex').toString('base64url');
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
    shared = diffieHellman({ privateKey: secret, publicKey });
  } catch {
    return undefined;
  }
  // a low-order peer key gives the all-zero secret (RFC 7748 §6.1); OpenSSL already refuses it,
  // checked here too so the rule does not rest on the backend
  if (shared.every((b) => b === 0)) return undefined;
  return Buffer.from(hkdf(sha256, shared, helloDigest, enc.encode(`${SESSION_VERSION} mac`), 32));
}

/** Text the per-request MAC covers. */
export function macMessage(p: {
  seq: number;
  nonce: bigint;
  dendriteHotkey: string;
  axonHotkey: string;
  uuid: string;
  bodyHash: string;
}): string {
  return `${p.seq}.${p.nonce}.${p.dendriteHotkey}.${p.axonHotkey}.${p.uuid}.${p.bodyHash}`;
}

/** Hex HMAC-SHA256 of `message` (node's native HMAC: a few microseconds). */
export function macOf(key: Buffer, message: string): string {
  return createHmac('sha256', key).update(message).digest('hex');
}

const HEX_MAC = /^[0-9a-f]{64}$/;
const receivedMac = Buffer.alloc(32);

/** Constant-time comparison of a received MAC with the expected one. */
export function macMatches(key: Buffer, message: string, received: string): boolean {
  if (!HEX_MAC.test(received)) return false;
  // the raw digest against the decoded hex: no hex round trip of our own MAC
  return timingSafeEqual(createHmac('sha256', key).update(message).digest(), Buffer.from(received, 'hex'));
}

/** Fields of a lean request's MAC besides the body: the SDK-signed ones, the counter in the nonce's place. */
export interface LeanMacFields {
  readonly seq: number;
  readonly dendriteHotkey: string;
  readonly axonHotkey: string;
  /** The synapse name (the request path): a request cannot be moved to another synapse. */
  readonly synapse: string;
  /** The `sk_timeout` header as sent, '' when absent. */
  readonly timeout: string;
}

/**
 * Hex HMAC-SHA256 of a lean request: `lean1.<seq>.<dendrite>.<axon>.<synapse>.<timeout>\n` and then
 * the raw body bytes (the MAC over the body stands in for the SDK's body hash: one pass, no
 * field-by-field hashing).
 */
export function leanMacOf(key: Buffer, f: LeanMacFields, body: Uint8Array | string): string {
  return leanHmac(key, f, body).digest('hex');
}

/** Constant-time check of a lean request's MAC (hex) against its fields and raw body. */
export function leanMacMatches(key: Buffer, f: LeanMacFields, body: Uint8Array, received: string): boolean {
  if (!HEX_MAC.test(received)) return false;
  // decoded into one scratch buffer (used synchronously): no allocation per request
  receivedMac.write(received, 'hex');
  return timingSafeEqual(leanHmac(key, f, body).digest(), receivedMac);
}

function leanHmac(key: Buffer, f: LeanMacFields, body: Uint8Array | string) {
  return createHmac('sha256', key)
    .update(`lean1.${f.seq}.${f.dendriteHotkey}.${f.axonHotkey}.${f.synapse}.${f.timeout}\n`)
    .update(body);
}

/** A random session id (128 bits, hex). */
export function newSessionId(): string {
  return randomBytes(16).toString('hex');
}
