import { inspect } from 'node:util';
import { hexToU8a, isHex, stringToU8a, u8aToHex } from '@polkadot/util';
import { encodeAddress, keyExtractSuri, keyFromPath, sr25519PairFromSeed } from '@polkadot/util-crypto';
import { publicKeyOf } from '../crypto/address.js';
import { sr25519Sign, sr25519Verify } from '../crypto/sr25519.js';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { Secret, toSecret } from '../util/secret.js';
import type { Signer } from '../util/signer.js';
import { assertCryptoReady, getSodium } from './crypto-ready.js';
import { mnemonicToSeed, validateMnemonic } from './mnemonic.js';
import { PresignedSigner, type PresignOptions } from './presigned.js';

/** SS58 prefix of Bittensor addresses (`5…`). */
export const SS58_FORMAT = 42;

/** Substrate's well-known development phrase behind `//Alice`, `//Bob`, … */
export const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';

/** The public half of an account: what `coldkeypub.txt` holds. */
export interface PublicAccount {
  readonly address: string;
  readonly publicKey: Uint8Array;
}

/** Secret material of a keypair, for writing keyfiles. `privateKey` is in bittensor's canonical form. */
export interface KeypairSecrets {
  /** 64 bytes: canonical schnorrkel scalar ‖ nonce (protocol.md §13.2). */
  privateKey: Uint8Array;
  /** Present when the keypair came from a mnemonic. */
  mnemonic?: string;
  /** 32-byte mini-secret, present when the keypair came from a mnemonic or a seed. */
  seed?: Uint8Array;
}

/** Decodes an SS58 address of any registered prefix to its 32-byte public key. */
export function publicKeyFromAddress(address: string): Uint8Array {
  const key = publicKeyOf(address);
  if (!key) throw new SubnetkitError('SK_WALLET_BAD_ADDRESS', `'${address}' is not a valid SS58 address.`, { address });
  // a copy: the decoder's cache must not change when a caller writes into the key
  return key.slice();
}

/** SS58 address (prefix 42 unless given) of a 32-byte public key. */
export function addressFromPublicKey(publicKey: Uint8Array | string, format = SS58_FORMAT): string {
  const bytes = typeof publicKey === 'string' ? parseHex(publicKey, 32, 'public key') : publicKey;
  if (bytes.length !== 32) {
    throw new SubnetkitError('SK_WALLET_BAD_ADDRESS', `A public key is 32 bytes, not ${bytes.length}.`);
  }
  return encodeAddress(bytes, format);
}

/** Parses `0x…` hex of a fixed length; the message names `what`, never the value (it may be secret). */
function parseHex(hex: string, bytes: number, what: string): Uint8Array {
  const prefixed = hex.startsWith('0x') ? hex : `0x${hex}`;
  if (!isHex(prefixed, bytes * 8)) {
    throw new SubnetkitError('SK_WALLET_BAD_ADDRESS', `The ${what} must be ${bytes} bytes of hex.`, { what });
  }
  return hexToU8a(prefixed);
}

function readLe(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] as number);
  return v;
}

function writeLe(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = value;
  for (let i = 0; i < length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/**
 * polkadot-js keeps the sr25519 scalar multiplied by the cofactor 8 ("ed25519 form"); bittensor
 * keyfiles store it canonical. The nonce half is the same in both (protocol.md §13.2).
 */
export function privateKeyToPolkadot(canonical: Uint8Array): Uint8Array {
  const scalar = readLe(canonical.subarray(0, 32)) << 3n;
  const out = new Uint8Array(64);
  out.set(writeLe(scalar, 32), 0);
  out.set(canonical.subarray(32, 64), 32);
  return out;
}

/** Inverse of {@link privateKeyToPolkadot}. */
export function privateKeyFromPolkadot(secretKey: Uint8Array): Uint8Array {
  const scalar = readLe(secretKey.subarray(0, 32)) >> 3n;
  const out = new Uint8Array(64);
  out.set(writeLe(scalar, 32), 0);
  out.set(secretKey.subarray(32, 64), 32);
  return out;
}

function toBytes(message: Uint8Array | string): Uint8Array {
  return typeof message === 'string' ? stringToU8a(message) : message;
}

/**
 * An sr25519 keypair (Bittensor hotkey or coldkey). Implements {@link Signer}; the secret key never
 * leaves the object except through {@link Keypair.exportSecrets}, wrapped in a `Secret`.
 */
export class Keypair implements Signer {
  readonly address: string;
  readonly publicKey: Uint8Array;
  /** polkadot-js (ed25519-form) 64-byte secret key. */
  readonly #secretKey: Uint8Array;
  readonly #mnemonic: string | undefined;
  readonly #seed: Uint8Array | undefined;

  private constructor(publicKey: Uint8Array, secretKey: Uint8Array, mnemonic?: string, seed?: Uint8Array) {
    this.publicKey = publicKey;
    this.address = encodeAddress(publicKey, SS58_FORMAT);
    this.#secretKey = secretKey;
    this.#mnemonic = mnemonic;
    this.#seed = seed;
  }

  /** From a BIP39 mnemonic (validated: word count, word list, checksum). */
  static fromMnemonic(mnemonic: Secret | string): Keypair {
    const normal = validateMnemonic(mnemonic);
    const seed = mnemonicToSeed(normal).reveal();
    const pair = sr25519PairFromSeed(seed);
    return new Keypair(pair.publicKey, pair.secretKey, normal.reveal(), seed);
  }

  /** From a 32-byte mini-secret (`secretSeed` in a keyfile), as bytes or `0x` hex. */
  static fromSeed(seed: Secret<Uint8Array | string> | Uint8Array | string): Keypair {
    assertCryptoReady();
    const raw = seed instanceof Secret ? seed.reveal() : seed;
    const bytes = typeof raw === 'string' ? parseHex(raw, 32, 'seed') : raw;
    if (bytes.length !== 32) throw new SubnetkitError('SK_WALLET_BAD_URI', `A seed is 32 bytes, not ${bytes.length}.`);
    const pair = sr25519PairFromSeed(bytes);
    return new Keypair(pair.publicKey, pair.secretKey, undefined, Uint8Array.from(bytes));
  }

  /**
   * From a Substrate secret URI: `<mnemonic or 0x seed>[//hard][/soft][///password]`; a URI that
   * starts with `/` uses the dev phrase (`//Alice`).
   */
  static fromUri(uri: Secret | string): Keypair {
    assertCryptoReady();
    const raw = toSecret(uri).reveal().trim();
    const full = raw.startsWith('/') ? `${DEV_PHRASE}${raw}` : raw;
    let parts: ReturnType<typeof keyExtractSuri>;
    try {
      parts = keyExtractSuri(full);
    } catch {
      throw new SubnetkitError(
        'SK_WALLET_BAD_URI',
        'The secret URI is malformed (expected <phrase>//hard/soft///password).',
      );
    }
    const { phrase, path, password } = parts;
    if (path.length === 0 && !password) {
      return isHex(phrase, 256) ? Keypair.fromSeed(phrase) : Keypair.fromMnemonic(phrase);
    }
    const seed = isHex(phrase, 256) ? hexToU8a(phrase) : mnemonicToSeed(phrase, password ?? '').reveal();
    let derived: ReturnType<typeof keyFromPath>;
    try {
      derived = keyFromPath(sr25519PairFromSeed(seed), path, 'sr25519');
    } catch {
      throw new SubnetkitError('SK_WALLET_BAD_URI', 'The derivation path of the secret URI is malformed.');
    }
    return new Keypair(derived.publicKey, derived.secretKey);
  }

  /**
   * From bittensor's canonical 64-byte `privateKey`. The public key is recomputed (ristretto255
   * base-point multiplication of the scalar) and, when `expectedPublicKey` is given, must match.
   */
  static fromPrivateKey(privateKey: Secret<Uint8Array> | Uint8Array, expectedPublicKey?: Uint8Array): Keypair {
    const canonical = privateKey instanceof Secret ? privateKey.reveal() : privateKey;
    if (canonical.length !== 64) {
      throw new SubnetkitError('SK_WALLET_KEYFILE_CORRUPT', `A private key is 64 bytes, not ${canonical.length}.`);
    }
    let publicKey: Uint8Array;
    try {
      publicKey = getSodium().crypto_scalarmult_ristretto255_base(canonical.slice(0, 32));
    } catch (err) {
      if (err instanceof SubnetkitError) throw err;
      throw new SubnetkitError('SK_WALLET_KEYFILE_CORRUPT', 'The private key is not a valid sr25519 scalar.');
    }
    if (expectedPublicKey && u8aToHex(expectedPublicKey) !== u8aToHex(publicKey)) {
      throw new SubnetkitError(
        'SK_WALLET_KEYFILE_CORRUPT',
        'The private key does not belong to the stored public key.',
      );
    }
    return new Keypair(publicKey, privateKeyToPolkadot(canonical));
  }

  /** sr25519 signature (64 bytes, randomised) over the message; strings are signed as UTF-8. */
  sign(message: Uint8Array | string): Uint8Array {
    assertCryptoReady();
    return sr25519Sign(this.publicKey, this.#secretKey, toBytes(message));
  }

  /**
   * A signer for this key that prepares signature nonces ahead of time ({@link PresignedSigner}):
   * a signature then costs a hash instead of a curve multiplication, for bursts such as a
   * validator's fan-out. The secret stays inside the returned object.
   */
  presignedSigner(options?: PresignOptions): PresignedSigner {
    assertCryptoReady();
    const canonical = privateKeyFromPolkadot(this.#secretKey);
    const signer = new PresignedSigner(
      canonical.subarray(0, 32),
      this.publicKey,
      this.address,
      (m) => this.sign(m),
      options,
    );
    canonical.fill(0);
    return signer;
  }

  /** True when `signature` is this key's signature over `message`, bare or `<Bytes>`-wrapped. */
  verify(message: Uint8Array | string, signature: Uint8Array | string, options?: VerifyOptions): boolean {
    return verify(message, signature, this.publicKey, options);
  }

  /** The address with another SS58 prefix (e.g. 0 for Polkadot). */
  ss58(format = SS58_FORMAT): string {
    return encodeAddress(this.publicKey, format);
  }

  /** The public half only. */
  toPublic(): PublicAccount {
    return { address: this.address, publicKey: this.publicKey };
  }

  /** Secret material for a keyfile, wrapped so that printing it shows `[redacted]`. */
  exportSecrets(): Secret<KeypairSecrets> {
    const secrets: KeypairSecrets = { privateKey: privateKeyFromPolkadot(this.#secretKey) };
    if (this.#mnemonic !== undefined) secrets.mnemonic = this.#mnemonic;
    if (this.#seed !== undefined) secrets.seed = Uint8Array.from(this.#seed);
    return new Secret(secrets);
  }

  /** Logged or serialised, a keypair shows its address only. */
  toJSON(): { address: string; publicKey: string } {
    return { address: this.address, publicKey: u8aToHex(this.publicKey) };
  }

  [inspect.custom](): string {
    return `Keypair(${this.address})`;
  }
}

/** Options of {@link verify}. */
export interface VerifyOptions {
  /**
   * Also accept a signature over `<Bytes>` + message + `</Bytes>` (what polkadot-js extensions'
   * `signRaw` produce), as btwallet's `verify` does. Default true.
   */
  readonly allowWrapped?: boolean;
}

const BYTES_OPEN = stringToU8a('<Bytes>');
const BYTES_CLOSE = stringToU8a('</Bytes>');

/** `<Bytes>` + message + `</Bytes>`, the polkadot-js extension framing of signed raw data. */
export function wrapBytes(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(BYTES_OPEN.length + message.length + BYTES_CLOSE.length);
  out.set(BYTES_OPEN, 0);
  out.set(message, BYTES_OPEN.length);
  out.set(BYTES_CLOSE, BYTES_OPEN.length + message.length);
  return out;
}

/**
 * Verifies an sr25519 signature against an SS58 address (any prefix) or a 32-byte public key,
 * over the message as given or `<Bytes>`-wrapped (btwallet accepts both; see {@link VerifyOptions}).
 * Malformed input verifies as false rather than throwing: callers treat it as a bad signature.
 */
export function verify(
  message: Uint8Array | string,
  signature: Uint8Array | string,
  addressOrPublicKey: string | Uint8Array,
  options: VerifyOptions = {},
): boolean {
  assertCryptoReady();
  try {
    const publicKey =
      typeof addressOrPublicKey === 'string'
        ? isHex(addressOrPublicKey, 256)
          ? hexToU8a(addressOrPublicKey)
          : (publicKeyOf(addressOrPublicKey) ?? new Uint8Array(0))
        : addressOrPublicKey;
    const sig = typeof signature === 'string' ? hexToU8a(signature) : signature;
    if (sig.length !== 64 || publicKey.length !== 32) return false;
    const bytes = toBytes(message);
    if (sr25519Verify(sig, bytes, publicKey)) return true;
    return (options.allowWrapped ?? true) && sr25519Verify(sig, wrapBytes(bytes), publicKey);
  } catch {
    return false;
  }
}
