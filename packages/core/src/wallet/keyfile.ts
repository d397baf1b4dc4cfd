import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { hexToU8a, isHex, u8aToHex } from '@polkadot/util';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { Secret, toSecret } from '../util/secret.js';
import { getSodium } from './crypto-ready.js';
import { addressFromPublicKey, Keypair, type PublicAccount, publicKeyFromAddress } from './keypair.js';

/** Fixed global Argon2i salt btwallet uses for every keyfile (protocol.md §13.3). */
export const NACL_SALT = Uint8Array.from([
  0x13, 0x71, 0x83, 0xdf, 0xf1, 0x5a, 0x09, 0xbc, 0x9c, 0x90, 0xb5, 0x51, 0x87, 0x39, 0xe9, 0xb1,
]);
/** libsodium `crypto_pwhash_OPSLIMIT_SENSITIVE`, as the SDK uses. */
export const NACL_OPSLIMIT = 8;
/** libsodium `crypto_pwhash_MEMLIMIT_SENSITIVE` (512 MiB), as the SDK uses. */
export const NACL_MEMLIMIT = 536_870_912;

const NACL_PREFIX = '$NACL';
const NONCE_BYTES = 24;
const MAC_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Password → 32-byte secretbox key. Injected so tests can use a cheap one; files use {@link sdkKdf}. */
export type Kdf = (password: Secret) => Uint8Array;

/** Argon2i v1.3 with btwallet's parameters and salt: ~512 MiB and several seconds per call. */
export const sdkKdf: Kdf = (password) => argon2iKdf(password, NACL_OPSLIMIT, NACL_MEMLIMIT);

/** Argon2i v1.3 with the fixed salt and the given cost (the SDK's cost is {@link sdkKdf}). */
export function argon2iKdf(password: Secret, opslimit: number, memlimit: number): Uint8Array {
  const sodium = getSodium();
  return sodium.crypto_pwhash(
    32,
    encoder.encode(password.reveal()),
    NACL_SALT,
    opslimit,
    memlimit,
    sodium.crypto_pwhash_ALG_ARGON2I13,
  );
}

/** How a keyfile's bytes are stored, detected by prefix like btwallet does. */
export type KeyfileFormat = 'nacl' | 'ansible-vault' | 'fernet' | 'json';

/** Detects the storage format of a keyfile's bytes. */
export function keyfileFormat(data: Uint8Array): KeyfileFormat {
  const head = Buffer.from(data.subarray(0, 14)).toString('latin1');
  if (head.startsWith(NACL_PREFIX)) return 'nacl';
  if (head.startsWith('$ANSIBLE_VAULT')) return 'ansible-vault';
  if (head.startsWith('gAAAAA')) return 'fernet';
  return 'json';
}

/** True for every encrypted format. */
export function isEncryptedKeyfile(data: Uint8Array): boolean {
  return keyfileFormat(data) !== 'json';
}

export interface EncryptOptions {
  kdf?: Kdf;
  /** 24 bytes; random unless given (a fixed nonce exists only for test vectors). */
  nonce?: Uint8Array;
  /** A key already derived from the password (skips the KDF; test vectors give one). */
  key?: Secret<Uint8Array>;
}

/** `$NACL` ‖ nonce ‖ secretbox(plaintext): the same bytes PyNaCl `SecretBox.encrypt` gives btwallet. */
export function encryptKeyfile(
  plaintext: Secret<string>,
  password: Secret | null,
  options: EncryptOptions = {},
): Uint8Array {
  const sodium = getSodium();
  const nonce = options.nonce ?? sodium.randombytes_buf(NONCE_BYTES);
  if (nonce.length !== NONCE_BYTES) throw new SubnetkitError('SK_INTERNAL', 'A secretbox nonce is 24 bytes.');
  const key = options.key?.reveal() ?? deriveKey(password, options.kdf);
  const box = sodium.crypto_secretbox_easy(encoder.encode(plaintext.reveal()), nonce, key);
  const out = new Uint8Array(NACL_PREFIX.length + NONCE_BYTES + box.length);
  out.set(encoder.encode(NACL_PREFIX), 0);
  out.set(nonce, NACL_PREFIX.length);
  out.set(box, NACL_PREFIX.length + NONCE_BYTES);
  return out;
}

export interface DecryptOptions {
  kdf?: Kdf;
  key?: Secret<Uint8Array>;
  /** The file the bytes came from: named in errors. */
  file?: string;
}

function deriveKey(password: Secret | null, kdf: Kdf = sdkKdf): Uint8Array {
  if (password === null)
    throw new SubnetkitError('SK_WALLET_NO_PASSWORD', 'A password is needed to encrypt a keyfile.');
  return kdf(password);
}

/** Decrypts any supported encrypted keyfile to its JSON text. Wrong password → SK_WALLET_BAD_PASSWORD. */
export function decryptKeyfile(data: Uint8Array, password: Secret, options: DecryptOptions = {}): Secret<string> {
  const file = options.file ?? 'keyfile';
  const format = keyfileFormat(data);
  let plain: Uint8Array;
  if (format === 'nacl') plain = decryptNacl(data, password, file, options);
  else if (format === 'ansible-vault') plain = decryptAnsibleVault(data, password, file);
  else if (format === 'fernet') {
    throw new SubnetkitError(
      'SK_WALLET_UNSUPPORTED_FORMAT',
      `${file} is in the legacy Fernet format, which neither Subnetkit nor current btwallet can decrypt. Regenerate the key from its mnemonic (subnetkit wallet regen-coldkey / regen-hotkey).`,
      { file, format },
    );
  } else return new Secret(decoder.decode(data));
  try {
    return new Secret(decoder.decode(plain));
  } catch {
    throw corrupt(file, 'the decrypted content is not UTF-8 text');
  }
}

function decryptNacl(data: Uint8Array, password: Secret, file: string, options: DecryptOptions): Uint8Array {
  const sodium = getSodium();
  const start = NACL_PREFIX.length;
  if (data.length < start + NONCE_BYTES + MAC_BYTES) throw corrupt(file, 'the $NACL file is truncated');
  const nonce = data.subarray(start, start + NONCE_BYTES);
  const box = data.subarray(start + NONCE_BYTES);
  const key = options.key?.reveal() ?? deriveKey(password, options.kdf);
  try {
    return sodium.crypto_secretbox_open_easy(box, nonce, key);
  } catch {
    // Poly1305 cannot tell a wrong password from a damaged file; the first is far more common.
    throw new SubnetkitError(
      'SK_WALLET_BAD_PASSWORD',
      `Wrong password for ${file} (or the file was damaged after it was written).`,
      { file },
    );
  }
}

/** Ansible Vault 1.1 (old Python SDK): PBKDF2-SHA256 → AES-256-CTR + HMAC-SHA256 (decrypt only). */
function decryptAnsibleVault(data: Uint8Array, password: Secret, file: string): Uint8Array {
  const lines = Buffer.from(data).toString('latin1').trim().split(/\r?\n/);
  const header = lines.shift() ?? '';
  if (!header.startsWith('$ANSIBLE_VAULT;1.1;AES256')) throw corrupt(file, 'unknown Ansible Vault header');
  const hexBody = lines.join('');
  if (!/^([0-9a-f]{2})+$/i.test(hexBody)) throw corrupt(file, 'the Ansible Vault body is not hex');
  const parts = Buffer.from(hexBody, 'hex').toString('latin1').split('\n');
  const [saltHex, hmacHex, ctHex] = parts;
  if (
    parts.length !== 3 ||
    !saltHex ||
    !hmacHex ||
    !ctHex ||
    ![saltHex, hmacHex, ctHex].every((p) => isHex(`0x${p}`))
  ) {
    throw corrupt(file, 'the Ansible Vault body is malformed');
  }
  const derived = pbkdf2Sync(password.reveal(), Buffer.from(saltHex, 'hex'), 10_000, 80, 'sha256');
  const ciphertext = Buffer.from(ctHex, 'hex');
  const mac = createHmac('sha256', derived.subarray(32, 64)).update(ciphertext).digest();
  const expected = Buffer.from(hmacHex, 'hex');
  if (expected.length !== mac.length || !timingSafeEqual(mac, expected)) {
    throw new SubnetkitError('SK_WALLET_BAD_PASSWORD', `Wrong password for ${file} (Ansible Vault).`, { file });
  }
  const decipher = createDecipheriv('aes-256-ctr', derived.subarray(0, 32), derived.subarray(64, 80));
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  const pad = padded.at(-1) ?? 0;
  if (pad < 1 || pad > 16 || pad > padded.length) throw corrupt(file, 'bad padding in the Ansible Vault body');
  return new Uint8Array(padded.subarray(0, padded.length - pad));
}

function corrupt(file: string, why: string): SubnetkitError {
  return new SubnetkitError('SK_WALLET_KEYFILE_CORRUPT', `${file} is not a valid keyfile: ${why}.`, {
    file,
    reason: why,
  });
}

/** Keyfile JSON fields (protocol.md §13.2); old SDKs write `null` for absent values. */
export interface KeyfileJson {
  accountId?: string | null;
  publicKey?: string | null;
  privateKey?: string | null;
  secretPhrase?: string | null;
  secretSeed?: string | null;
  ss58Address?: string | null;
}

/** What a keyfile holds once parsed: always the public account, a keypair when it has secrets. */
export interface ParsedKeyfile {
  account: PublicAccount;
  keypair?: Keypair;
}

/** The full JSON btwallet writes for a keypair (compact; key order as the old SDK's). */
export function keypairToKeyfileJson(keypair: Keypair): Secret<string> {
  const secrets = keypair.exportSecrets().reveal();
  const pub = u8aToHex(keypair.publicKey);
  const json: KeyfileJson = {
    accountId: pub,
    publicKey: pub,
    privateKey: u8aToHex(secrets.privateKey),
    secretPhrase: secrets.mnemonic ?? null,
    secretSeed: secrets.seed ? u8aToHex(secrets.seed) : null,
    ss58Address: keypair.address,
  };
  return new Secret(JSON.stringify(json));
}

/** The public-only JSON of `coldkeypub.txt` / `<hotkey>pub.txt`. */
export function publicKeyfileJson(account: PublicAccount): string {
  const pub = u8aToHex(account.publicKey);
  return JSON.stringify({ accountId: pub, publicKey: pub, ss58Address: account.address });
}

function field(json: Record<string, unknown>, name: keyof KeyfileJson, file: string): string | undefined {
  const v = json[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw corrupt(file, `"${name}" is not a string`);
  return v;
}

/**
 * Parses keyfile JSON text (any key order, whitespace, `null`s) with btwallet's load priority:
 * secretPhrase, then secretSeed, then privateKey, then ss58Address / publicKey (public only).
 */
export function parseKeyfileJson(text: Secret<string> | string, file = 'keyfile'): ParsedKeyfile {
  let raw: unknown;
  try {
    raw = JSON.parse(toSecret(text).reveal());
  } catch {
    // no cause: a JSON syntax error quotes the text, which may be a mnemonic
    throw corrupt(file, 'it is neither JSON nor a known encrypted format (truncated?)');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw corrupt(file, 'the JSON is not an object');
  const json = raw as Record<string, unknown>;
  const phrase = field(json, 'secretPhrase', file);
  const seed = field(json, 'secretSeed', file);
  const priv = field(json, 'privateKey', file);
  const pubHex = field(json, 'publicKey', file) ?? field(json, 'accountId', file);
  const ss58 = field(json, 'ss58Address', file);

  let storedPublic: Uint8Array | undefined;
  try {
    if (pubHex !== undefined) storedPublic = hexToU8a(checkHex(pubHex, 32));
    else if (ss58 !== undefined) storedPublic = publicKeyFromAddress(ss58);
  } catch {
    throw corrupt(file, 'the public key or address is malformed');
  }

  let keypair: Keypair | undefined;
  try {
    if (phrase !== undefined) keypair = Keypair.fromMnemonic(phrase);
    else if (seed !== undefined) keypair = Keypair.fromSeed(checkHex(seed, 32));
    else if (priv !== undefined) keypair = Keypair.fromPrivateKey(hexToU8a(checkHex(priv, 64)), storedPublic);
  } catch (err) {
    if (err instanceof SubnetkitError && err.code === 'SK_WALLET_NOT_READY') throw err;
    throw corrupt(file, 'its secret key material is malformed');
  }
  if (keypair) {
    if (storedPublic && u8aToHex(storedPublic) !== u8aToHex(keypair.publicKey)) {
      throw corrupt(file, 'the secret does not match the stored public key');
    }
    return { account: keypair.toPublic(), keypair };
  }
  if (!storedPublic) throw corrupt(file, 'it holds neither a secret nor a public key');
  return { account: { address: addressFromPublicKey(storedPublic), publicKey: storedPublic } };
}

function checkHex(value: string, bytes: number): string {
  const prefixed = value.startsWith('0x') ? value : `0x${value}`;
  if (!isHex(prefixed, bytes * 8)) throw new Error('bad hex');
  return prefixed;
}
