import { access, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { Logger } from '../log/logger.js';
import { type Secret, toSecret } from '../util/secret.js';
import { initCrypto } from './crypto-ready.js';
import { readKeyfileBytes, writeFileAtomic } from './fs-utils.js';
import {
  decryptKeyfile,
  encryptKeyfile,
  isEncryptedKeyfile,
  type Kdf,
  keypairToKeyfileJson,
  type ParsedKeyfile,
  parseKeyfileJson,
  publicKeyfileJson,
  sdkKdf,
} from './keyfile.js';
import { addressFromPublicKey, Keypair, type PublicAccount, publicKeyFromAddress } from './keypair.js';
import { generateMnemonic, type MnemonicWordCount } from './mnemonic.js';
import { passwordFromEnv } from './password-env.js';

/** Env var that overrides the wallet folder (checked before the SDK's BT_WALLET_PATH). */
export const WALLET_PATH_ENV = 'SUBNETKIT_WALLET_PATH';
const DEFAULT_NAME = 'default';

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

/** The wallets folder: SUBNETKIT_WALLET_PATH, else BT_WALLET_PATH, else `~/.bittensor/wallets`; absolute. */
export function defaultWalletPath(env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env[WALLET_PATH_ENV] || env.BT_WALLET_PATH || '~/.bittensor/wallets';
  return resolve(expandHome(chosen));
}

/** Rejects names that would escape the wallet folder or collide with temp files. */
export function checkKeyName(kind: 'wallet' | 'hotkey', name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be refused
  if (!name || name === '.' || name === '..' || name.startsWith('.') || /[/\\\u0000]/.test(name) || name.length > 200) {
    throw new SubnetkitError(
      'SK_WALLET_BAD_NAME',
      `'${name}' is not a valid ${kind} name: use a plain file name (no slashes, not starting with '.').`,
      { kind, name },
    );
  }
  return name;
}

/** A new keyfile password: at least 6 characters and not one repeated character (the SDK also scores strength). */
export function checkNewPassword(password: Secret): void {
  const value = password.reveal();
  if ([...value].length < 6 || new Set(value).size < 3) {
    throw new SubnetkitError(
      'SK_WALLET_WEAK_PASSWORD',
      'A keyfile password needs at least 6 characters and at least 3 different ones.',
    );
  }
}

export interface WalletOptions {
  /** Wallet name; default BT_WALLET_NAME or `default`. */
  name?: string;
  /** Hotkey name; default BT_WALLET_HOTKEY or `default`. */
  hotkey?: string;
  /** Wallets folder; default {@link defaultWalletPath}. */
  path?: string;
  /** Environment for defaults and password variables; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Key derivation for encrypted keyfiles; default the SDK's Argon2i (tests inject a cheaper one). */
  kdf?: Kdf;
  /** Receives one line per file written or key loaded (addresses and paths only). */
  logger?: Logger;
}

/** Where a key comes from: a mnemonic, a seed, a secret URI, or (none given) a fresh mnemonic. */
export interface KeySource {
  mnemonic?: Secret | string;
  seed?: Secret<Uint8Array | string> | Uint8Array | string;
  uri?: Secret | string;
  /** Word count of a fresh mnemonic (12 default). */
  words?: MnemonicWordCount;
}

export interface WriteKeyOptions extends KeySource {
  /** Encrypt with this password; `null` writes plaintext JSON (the hotkey default). */
  password: Secret | string | null;
  overwrite?: boolean;
}

/** A key that was just written. `mnemonic` is set only when a fresh one was generated. */
export interface CreatedKey {
  keypair: Keypair;
  address: string;
  file: string;
  encrypted: boolean;
  mnemonic?: Secret;
}

/** One wallet in {@link listWallets}. Addresses are absent where no public file is readable. */
export interface WalletSummary {
  name: string;
  path: string;
  coldkey?: string;
  hotkeys: { name: string; address?: string }[];
}

function keypairFrom(source: KeySource): { keypair: Keypair; mnemonic?: Secret } {
  const given = [source.mnemonic, source.seed, source.uri].filter((x) => x !== undefined).length;
  if (given > 1) {
    throw new SubnetkitError('SK_CLI_USAGE', 'Give at most one of mnemonic, seed and uri.');
  }
  if (source.mnemonic !== undefined) return { keypair: Keypair.fromMnemonic(source.mnemonic) };
  if (source.seed !== undefined) return { keypair: Keypair.fromSeed(source.seed) };
  if (source.uri !== undefined) return { keypair: Keypair.fromUri(source.uri) };
  const mnemonic = generateMnemonic(source.words ?? 12);
  return { keypair: Keypair.fromMnemonic(mnemonic), mnemonic };
}

/**
 * A wallet folder in the SDK's layout: `<path>/<name>/coldkey`, `coldkeypub.txt`,
 * `hotkeys/<hotkey>` and `hotkeys/<hotkey>pub.txt` (protocol.md §13.1).
 */
export class Wallet {
  readonly name: string;
  readonly hotkeyName: string;
  /** The wallets folder (absolute). */
  readonly path: string;
  /** This wallet's folder. */
  readonly dir: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #kdf: Kdf;
  readonly #logger: Logger | undefined;

  constructor(options: WalletOptions = {}) {
    this.#env = options.env ?? process.env;
    this.name = checkKeyName('wallet', options.name ?? (this.#env.BT_WALLET_NAME || DEFAULT_NAME));
    this.hotkeyName = checkKeyName('hotkey', options.hotkey ?? (this.#env.BT_WALLET_HOTKEY || DEFAULT_NAME));
    this.path = options.path ? resolve(expandHome(options.path)) : defaultWalletPath(this.#env);
    this.dir = join(this.path, this.name);
    this.#kdf = options.kdf ?? sdkKdf;
    this.#logger = options.logger;
  }

  get coldkeyFile(): string {
    return join(this.dir, 'coldkey');
  }

  get coldkeypubFile(): string {
    return join(this.dir, 'coldkeypub.txt');
  }

  hotkeyFile(hotkey = this.hotkeyName): string {
    return join(this.dir, 'hotkeys', checkKeyName('hotkey', hotkey));
  }

  hotkeypubFile(hotkey = this.hotkeyName): string {
    return join(this.dir, 'hotkeys', `${checkKeyName('hotkey', hotkey)}pub.txt`);
  }

  /** The coldkey's public account from `coldkeypub.txt` (never needs a password). */
  async coldkeypub(): Promise<PublicAccount> {
    await initCrypto();
    try {
      return (await this.#readPlain(this.coldkeypubFile)).account;
    } catch (err) {
      if (err instanceof SubnetkitError && err.code === 'SK_WALLET_NOT_FOUND' && (await exists(this.coldkeyFile))) {
        throw new SubnetkitError(
          'SK_WALLET_NOT_FOUND',
          `${this.coldkeypubFile} is missing although ${this.coldkeyFile} exists; recreate it with 'subnetkit wallet regen-coldkeypub'.`,
          { file: this.coldkeypubFile },
        );
      }
      throw err;
    }
  }

  /** The hotkey keypair; an encrypted hotkey needs `password` or a password variable. */
  async hotkey(options: { hotkey?: string; password?: Secret | string } = {}): Promise<Keypair> {
    const file = this.hotkeyFile(options.hotkey);
    const parsed = await this.#readKeyfile(file, options.password);
    if (!parsed.keypair) {
      throw new SubnetkitError('SK_WALLET_KEYFILE_CORRUPT', `${file} holds only a public key; it cannot sign.`, {
        file,
      });
    }
    this.#logger?.debug({ wallet: this.name, file, address: parsed.keypair.address }, 'loaded hotkey');
    return parsed.keypair;
  }

  /** Decrypts the coldkey (password argument, else BT_PW_… / SUBNETKIT_WALLET_PASSWORD). */
  async unlockColdkey(password?: Secret | string): Promise<Keypair> {
    const parsed = await this.#readKeyfile(this.coldkeyFile, password);
    if (!parsed.keypair) {
      throw new SubnetkitError('SK_WALLET_KEYFILE_CORRUPT', `${this.coldkeyFile} holds only a public key.`, {
        file: this.coldkeyFile,
      });
    }
    this.#logger?.info({ wallet: this.name, address: parsed.keypair.address }, 'unlocked coldkey');
    return parsed.keypair;
  }

  /** Creates or regenerates the coldkey (+ coldkeypub.txt). Checks every target before writing any. */
  async createColdkey(options: WriteKeyOptions): Promise<CreatedKey> {
    await initCrypto();
    const password = options.password === null ? null : toSecret(options.password);
    if (password) checkNewPassword(password);
    if (!options.overwrite) await this.#refuseExisting([this.coldkeyFile, this.coldkeypubFile]);
    const { keypair, mnemonic } = keypairFrom(options);
    const body = this.#encode(keypair, password);
    await writeFileAtomic(this.coldkeyFile, body, options.overwrite ?? false);
    await writeFileAtomic(this.coldkeypubFile, publicKeyfileJson(keypair), options.overwrite ?? false);
    this.#logger?.info(
      { wallet: this.name, file: this.coldkeyFile, address: keypair.address, encrypted: password !== null },
      'wrote coldkey',
    );
    return withMnemonic(
      { keypair, address: keypair.address, file: this.coldkeyFile, encrypted: password !== null },
      mnemonic,
    );
  }

  /** Creates or regenerates a hotkey (+ its pub file), unencrypted unless a password is given. */
  async createHotkey(options: WriteKeyOptions & { hotkey?: string }): Promise<CreatedKey> {
    await initCrypto();
    const file = this.hotkeyFile(options.hotkey);
    const pubFile = this.hotkeypubFile(options.hotkey);
    const password = options.password === null ? null : toSecret(options.password);
    if (password) checkNewPassword(password);
    if (!options.overwrite) await this.#refuseExisting([file, pubFile]);
    const { keypair, mnemonic } = keypairFrom(options);
    await writeFileAtomic(file, this.#encode(keypair, password), options.overwrite ?? false);
    await writeFileAtomic(pubFile, publicKeyfileJson(keypair), options.overwrite ?? false);
    this.#logger?.info(
      { wallet: this.name, hotkey: options.hotkey ?? this.hotkeyName, file, address: keypair.address },
      'wrote hotkey',
    );
    return withMnemonic({ keypair, address: keypair.address, file, encrypted: password !== null }, mnemonic);
  }

  /**
   * Rewrites `coldkeypub.txt` from an address, a public key, or (neither given) the coldkey itself,
   * which then needs its password. A wrong password writes nothing.
   */
  async regenColdkeypub(
    options: {
      address?: string;
      publicKey?: Uint8Array | string;
      password?: Secret | string;
      overwrite?: boolean;
    } = {},
  ): Promise<PublicAccount> {
    await initCrypto();
    if (!options.overwrite) await this.#refuseExisting([this.coldkeypubFile]);
    let account: PublicAccount;
    if (options.address !== undefined) {
      const publicKey = publicKeyFromAddress(options.address);
      account = { address: addressFromPublicKey(publicKey), publicKey };
    } else if (options.publicKey !== undefined) {
      const address = addressFromPublicKey(options.publicKey);
      account = { address, publicKey: publicKeyFromAddress(address) };
    } else {
      account = (await this.unlockColdkey(options.password)).toPublic();
    }
    await writeFileAtomic(this.coldkeypubFile, publicKeyfileJson(account), options.overwrite ?? false);
    this.#logger?.info({ wallet: this.name, file: this.coldkeypubFile, address: account.address }, 'wrote coldkeypub');
    return account;
  }

  /** Hotkey names in `hotkeys/`, sorted, with the address where a public file or plaintext key shows it. */
  async listHotkeys(): Promise<{ name: string; address?: string }[]> {
    await initCrypto();
    const folder = join(this.dir, 'hotkeys');
    let entries: string[];
    try {
      entries = (await readdir(folder, { withFileTypes: true }))
        .filter((e) => e.isFile() && !e.name.startsWith('.'))
        .map((e) => e.name);
    } catch {
      return [];
    }
    const names = new Set(entries);
    const keys = entries.filter((n) => !(n.endsWith('pub.txt') && names.has(n.slice(0, -'pub.txt'.length))));
    const out: { name: string; address?: string }[] = [];
    for (const name of keys.sort()) {
      const address = await this.#publicAddress(join(folder, `${name}pub.txt`), join(folder, name));
      out.push(address ? { name, address } : { name });
    }
    return out;
  }

  async #publicAddress(pubFile: string, keyFile: string): Promise<string | undefined> {
    for (const file of [pubFile, keyFile]) {
      try {
        const bytes = await readKeyfileBytes(file);
        if (isEncryptedKeyfile(bytes)) continue;
        return parseKeyfileJson(new TextDecoder().decode(bytes), file).account.address;
      } catch {
        // a listing shows what it can; `show` / `load` report the precise error
      }
    }
    return undefined;
  }

  #encode(keypair: Keypair, password: Secret | null): Uint8Array | string {
    const json = keypairToKeyfileJson(keypair);
    return password === null ? json.reveal() : encryptKeyfile(json, password, { kdf: this.#kdf });
  }

  async #refuseExisting(files: string[]): Promise<void> {
    for (const file of files) {
      if (await exists(file)) {
        throw new SubnetkitError('SK_WALLET_KEY_EXISTS', `${file} already exists; pass --overwrite to replace it.`, {
          file,
        });
      }
    }
  }

  async #readPlain(file: string): Promise<ParsedKeyfile> {
    return this.#readKeyfile(file, undefined);
  }

  async #readKeyfile(file: string, password: Secret | string | undefined): Promise<ParsedKeyfile> {
    await initCrypto();
    const bytes = await readKeyfileBytes(file);
    if (bytes.length === 0) {
      throw new SubnetkitError('SK_WALLET_KEYFILE_CORRUPT', `${file} is empty.`, { file });
    }
    if (!isEncryptedKeyfile(bytes)) {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new SubnetkitError('SK_WALLET_KEYFILE_CORRUPT', `${file} is not a valid keyfile: not UTF-8 text.`, {
          file,
        });
      }
      return parseKeyfileJson(text, file);
    }
    const secret = password === undefined ? passwordFromEnv(file, this.#env) : toSecret(password);
    if (!secret) {
      throw new SubnetkitError(
        'SK_WALLET_NO_PASSWORD',
        `${file} is encrypted: give its password (prompt, SUBNETKIT_WALLET_PASSWORD, or the SDK's BT_PW_… variable).`,
        { file },
      );
    }
    return parseKeyfileJson(decryptKeyfile(bytes, secret, { kdf: this.#kdf, file }), file);
  }
}

function withMnemonic(key: CreatedKey, mnemonic: Secret | undefined): CreatedKey {
  if (mnemonic) key.mnemonic = mnemonic;
  return key;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

export interface CreateWalletOptions extends WalletOptions {
  /** Coldkey password; `null` leaves the coldkey unencrypted (not recommended). */
  coldkeyPassword: Secret | string | null;
  /** Hotkey password; default `null` (unencrypted, as btcli does, so neurons start unattended). */
  hotkeyPassword?: Secret | string | null;
  words?: MnemonicWordCount;
  overwrite?: boolean;
}

/** Creates a wallet with a fresh coldkey and hotkey. Nothing is written if any target exists (without overwrite). */
export async function createWallet(
  options: CreateWalletOptions,
): Promise<{ wallet: Wallet; coldkey: CreatedKey; hotkey: CreatedKey }> {
  const wallet = new Wallet(options);
  const overwrite = options.overwrite ?? false;
  if (!overwrite) {
    for (const file of [wallet.coldkeyFile, wallet.coldkeypubFile, wallet.hotkeyFile(), wallet.hotkeypubFile()]) {
      if (await exists(file)) {
        throw new SubnetkitError('SK_WALLET_KEY_EXISTS', `${file} already exists; pass --overwrite to replace it.`, {
          file,
        });
      }
    }
  }
  const words = options.words ?? 12;
  const coldkey = await wallet.createColdkey({ password: options.coldkeyPassword, words, overwrite });
  const hotkey = await wallet.createHotkey({ password: options.hotkeyPassword ?? null, words, overwrite });
  return { wallet, coldkey, hotkey };
}

/** A wallet ready for a neuron: public coldkey, signing hotkey, coldkey unlocked only on demand. */
export interface LoadedWallet {
  wallet: Wallet;
  name: string;
  hotkeyName: string;
  coldkeypub: PublicAccount;
  hotkey: Keypair;
  /** Decrypts the coldkey (argument, else the password variables). Slow: ~512 MiB Argon2i. */
  unlockColdkey(password?: Secret | string): Promise<Keypair>;
}

/** Loads the coldkey's public half and the hotkey, as neuron runtimes need them. */
export async function loadWallet(
  options: WalletOptions & { hotkeyPassword?: Secret | string } = {},
): Promise<LoadedWallet> {
  const wallet = new Wallet(options);
  const coldkeypub = await wallet.coldkeypub();
  const hotkey = await wallet.hotkey(options.hotkeyPassword === undefined ? {} : { password: options.hotkeyPassword });
  return {
    wallet,
    name: wallet.name,
    hotkeyName: wallet.hotkeyName,
    coldkeypub,
    hotkey,
    unlockColdkey: (password) => wallet.unlockColdkey(password),
  };
}

/** Every wallet folder under the wallets path with its coldkey address and hotkeys, sorted by name. */
export async function listWallets(options: { path?: string; env?: NodeJS.ProcessEnv } = {}): Promise<WalletSummary[]> {
  await initCrypto();
  const env = options.env ?? process.env;
  const root = options.path ? resolve(expandHome(options.path)) : defaultWalletPath(env);
  let dirs: string[];
  try {
    dirs = (await readdir(root, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SubnetkitError('SK_WALLET_PERMISSION', `Cannot read the wallets folder ${root}.`, { file: root });
  }
  const out: WalletSummary[] = [];
  for (const name of dirs) {
    const wallet = new Wallet({ name, path: root, env });
    let coldkey: string | undefined;
    try {
      coldkey = (await wallet.coldkeypub()).address;
    } catch {
      coldkey = undefined;
    }
    const summary: WalletSummary = { name, path: wallet.dir, hotkeys: await wallet.listHotkeys() };
    if (coldkey) summary.coldkey = coldkey;
    out.push(summary);
  }
  return out;
}
