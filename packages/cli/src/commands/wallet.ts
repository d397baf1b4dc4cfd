import { resolve } from 'node:path';
import {
  type CreatedKey,
  defaultWalletPath,
  initCrypto,
  type Kdf,
  type KeySource,
  listWallets,
  MNEMONIC_WORD_COUNTS,
  type MnemonicWordCount,
  PASSWORD_ENV,
  passwordFromEnv,
  Secret,
  SubnetkitError,
  sdkKdf,
  Wallet,
  type WalletSummary,
} from '@subnetkit/core';
import type { CliContext } from '../context.js';
import { withProgress } from '../progress.js';
import { canPrompt, existingPassword, promptHidden } from '../prompt.js';

import { MNEMONIC_ENV } from './wallet-command.js';

export interface CommonOptions {
  name?: string;
  hotkey?: string;
  walletPath?: string;
  json?: boolean;
}

export interface NewKeyOptions extends CommonOptions {
  words: string;
  overwrite?: boolean;
  showMnemonic?: boolean;
  /** commander's `--no-password` sets this to false. */
  password?: boolean;
  usePassword?: boolean;
}

export interface RegenOptions extends NewKeyOptions {
  mnemonic?: string;
  seed?: string;
  uri?: string;
}

/** The password → key derivation of wallet files: the SDK's Argon2i unless the caller injected one. */
export function walletKdf(ctx: Pick<CliContext, 'kdf'>): Kdf {
  return ctx.kdf ?? sdkKdf;
}

function walletFor(ctx: CliContext, opts: CommonOptions): Wallet {
  const path = opts.walletPath ? resolve(ctx.cwd, opts.walletPath) : defaultWalletPath(ctx.env);
  return new Wallet({
    path,
    env: ctx.env,
    kdf: walletKdf(ctx),
    ...(opts.name === undefined ? {} : { name: opts.name }),
    ...(opts.hotkey === undefined ? {} : { hotkey: opts.hotkey }),
  });
}

function parseWords(value: string): MnemonicWordCount {
  const n = Number(value);
  if (!(MNEMONIC_WORD_COUNTS as readonly number[]).includes(n)) {
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      `--words must be one of ${MNEMONIC_WORD_COUNTS.join(', ')}, not '${value}'.`,
    );
  }
  return n as MnemonicWordCount;
}

/** Password for a new encrypted keyfile: the environment, else typed twice on a terminal. */
async function newPassword(ctx: CliContext, file: string): Promise<Secret> {
  const fromEnv = passwordFromEnv(file, ctx.env);
  if (fromEnv) return fromEnv;
  if (!canPrompt(ctx)) {
    throw new SubnetkitError(
      'SK_WALLET_NO_PASSWORD',
      `No password for ${file}: set ${PASSWORD_ENV} (or the SDK's BT_PW_… variable), run on a terminal, or pass --no-password to write it unencrypted.`,
      { file },
    );
  }
  const first = await promptHidden(ctx, `Password for ${file}:`);
  const second = await promptHidden(ctx, 'Repeat the password:');
  if (first.reveal() !== second.reveal()) throw new SubnetkitError('SK_CLI_USAGE', 'The passwords do not match.');
  return first;
}

async function keySource(ctx: CliContext, opts: RegenOptions, what: string): Promise<KeySource> {
  const given = [opts.mnemonic, opts.seed, opts.uri].filter((x) => x !== undefined).length;
  if (given > 1) throw new SubnetkitError('SK_CLI_USAGE', 'Give only one of --mnemonic, --seed and --uri.');
  if (opts.mnemonic !== undefined) return { mnemonic: new Secret(opts.mnemonic) };
  if (opts.seed !== undefined) return { seed: new Secret(opts.seed) };
  if (opts.uri !== undefined) return { uri: new Secret(opts.uri) };
  const fromEnv = ctx.env[MNEMONIC_ENV];
  if (fromEnv) return { mnemonic: new Secret(fromEnv) };
  if (canPrompt(ctx)) return { mnemonic: await promptHidden(ctx, `Mnemonic of the ${what}:`) };
  throw new SubnetkitError(
    'SK_CLI_USAGE',
    `Regenerating a ${what} needs --mnemonic, --seed, --uri or ${MNEMONIC_ENV}.`,
  );
}

/** Shows a fresh mnemonic once: when asked with --show-mnemonic, or on a terminal. Never in JSON. */
function showMnemonic(ctx: CliContext, opts: NewKeyOptions, label: string, key: CreatedKey): void {
  if (!key.mnemonic) return;
  if (!(opts.showMnemonic || (ctx.out.isTTY && !opts.json))) {
    // off a terminal the mnemonic stays unprinted (logs keep output): say so, and how to see it
    ctx.out.info(
      `${label} mnemonic not shown (output is not a terminal); rerun with --show-mnemonic to print it, or keep ${key.file} backed up.`,
    );
    return;
  }
  const text = `${label} mnemonic (write it down; it is not shown again):\n  ${key.mnemonic.reveal()}`;
  if (opts.json) ctx.out.info(text);
  else ctx.out.line(text);
}

function keyJson(key: CreatedKey): { address: string; file: string; encrypted: boolean } {
  return { address: key.address, file: key.file, encrypted: key.encrypted };
}

function printKey(ctx: CliContext, label: string, key: CreatedKey): void {
  ctx.out.line(`${label.padEnd(8)} ${key.address}  ${key.encrypted ? 'encrypted' : 'unencrypted'}  ${key.file}`);
}

async function coldkeyPassword(ctx: CliContext, wallet: Wallet, opts: NewKeyOptions): Promise<Secret | null> {
  return opts.password === false ? null : newPassword(ctx, wallet.coldkeyFile);
}

async function hotkeyPassword(ctx: CliContext, wallet: Wallet, opts: NewKeyOptions): Promise<Secret | null> {
  return opts.usePassword ? newPassword(ctx, wallet.hotkeyFile()) : null;
}

export async function runCreate(ctx: CliContext, opts: NewKeyOptions): Promise<void> {
  await initCrypto();
  const wallet = walletFor(ctx, opts);
  const words = parseWords(opts.words);
  const overwrite = opts.overwrite ?? false;
  if (!overwrite) {
    // check both keys up front so a refused hotkey does not leave a new coldkey behind
    for (const file of [wallet.coldkeyFile, wallet.coldkeypubFile, wallet.hotkeyFile(), wallet.hotkeypubFile()]) {
      await refuseExisting(file);
    }
  }
  const coldPw = await coldkeyPassword(ctx, wallet, opts);
  const hotPw = await hotkeyPassword(ctx, wallet, opts);
  // key derivation and encryption take seconds (scrypt), minutes on a busy machine: show it is alive
  const coldkey = await withProgress(
    ctx.out.stderr,
    'creating the coldkey',
    wallet.createColdkey({ password: coldPw, words, overwrite }),
  );
  const hotkey = await withProgress(
    ctx.out.stderr,
    'creating the hotkey',
    wallet.createHotkey({ password: hotPw, words, overwrite }),
  );
  if (opts.json) {
    ctx.out.json({
      name: wallet.name,
      path: wallet.dir,
      coldkey: keyJson(coldkey),
      hotkey: { name: wallet.hotkeyName, ...keyJson(hotkey) },
    });
  } else {
    ctx.out.line(`created wallet ${wallet.name} in ${wallet.dir}`);
    printKey(ctx, 'coldkey', coldkey);
    printKey(ctx, `hotkey ${wallet.hotkeyName}`, hotkey);
  }
  showMnemonic(ctx, opts, 'coldkey', coldkey);
  showMnemonic(ctx, opts, `hotkey ${wallet.hotkeyName}`, hotkey);
}

async function refuseExisting(file: string): Promise<void> {
  const { access } = await import('node:fs/promises');
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (exists) {
    throw new SubnetkitError('SK_WALLET_KEY_EXISTS', `${file} already exists; pass --overwrite to replace it.`, {
      file,
    });
  }
}

export async function runColdkey(ctx: CliContext, opts: RegenOptions, regen: boolean): Promise<void> {
  await initCrypto();
  const wallet = walletFor(ctx, opts);
  const source = regen ? await keySource(ctx, opts, 'coldkey') : { words: parseWords(opts.words) };
  if (!opts.overwrite) for (const f of [wallet.coldkeyFile, wallet.coldkeypubFile]) await refuseExisting(f);
  const password = await coldkeyPassword(ctx, wallet, opts);
  const key = await wallet.createColdkey({ ...source, password, overwrite: opts.overwrite ?? false });
  if (opts.json) ctx.out.json({ name: wallet.name, coldkey: keyJson(key) });
  else printKey(ctx, 'coldkey', key);
  showMnemonic(ctx, opts, 'coldkey', key);
}

export async function runHotkey(ctx: CliContext, opts: RegenOptions, regen: boolean): Promise<void> {
  await initCrypto();
  const wallet = walletFor(ctx, opts);
  const source = regen ? await keySource(ctx, opts, 'hotkey') : { words: parseWords(opts.words) };
  if (!opts.overwrite) for (const f of [wallet.hotkeyFile(), wallet.hotkeypubFile()]) await refuseExisting(f);
  const password = await hotkeyPassword(ctx, wallet, opts);
  const key = await wallet.createHotkey({ ...source, password, overwrite: opts.overwrite ?? false });
  if (opts.json) ctx.out.json({ name: wallet.name, hotkey: { name: wallet.hotkeyName, ...keyJson(key) } });
  else printKey(ctx, `hotkey ${wallet.hotkeyName}`, key);
  showMnemonic(ctx, opts, `hotkey ${wallet.hotkeyName}`, key);
}

export async function runRegenColdkeypub(
  ctx: CliContext,
  opts: CommonOptions & { ss58?: string; publicKey?: string; overwrite?: boolean },
): Promise<void> {
  await initCrypto();
  const wallet = walletFor(ctx, opts);
  if (opts.ss58 !== undefined && opts.publicKey !== undefined) {
    throw new SubnetkitError('SK_CLI_USAGE', 'Give only one of --ss58 and --public-key.');
  }
  const overwrite = opts.overwrite ?? false;
  let account: { address: string };
  if (opts.ss58 !== undefined) account = await wallet.regenColdkeypub({ address: opts.ss58, overwrite });
  else if (opts.publicKey !== undefined)
    account = await wallet.regenColdkeypub({ publicKey: opts.publicKey, overwrite });
  else {
    // from the coldkey itself: fixes a wallet whose coldkeypub.txt was lost
    if (!overwrite) await refuseExisting(wallet.coldkeypubFile);
    const password = await existingPassword(ctx, wallet.coldkeyFile);
    account = await wallet.regenColdkeypub({ overwrite, ...(password ? { password } : {}) });
  }
  if (opts.json)
    ctx.out.json({ name: wallet.name, coldkey: { address: account.address, file: wallet.coldkeypubFile } });
  else ctx.out.line(`coldkeypub ${account.address}  ${wallet.coldkeypubFile}`);
}

function treeLines(path: string, wallets: WalletSummary[]): string[] {
  const lines = [path];
  wallets.forEach((w, i) => {
    const lastWallet = i === wallets.length - 1;
    lines.push(`${lastWallet ? '└── ' : '├── '}${w.name} (${w.coldkey ?? 'no coldkeypub'})`);
    w.hotkeys.forEach((h, j) => {
      const lastHot = j === w.hotkeys.length - 1;
      lines.push(
        `${lastWallet ? '    ' : '│   '}${lastHot ? '└── ' : '├── '}${h.name} (${h.address ?? 'address unknown'})`,
      );
    });
  });
  return lines;
}

export async function runList(ctx: CliContext, opts: CommonOptions): Promise<void> {
  const path = opts.walletPath ? resolve(ctx.cwd, opts.walletPath) : defaultWalletPath(ctx.env);
  const wallets = await listWallets({ path, env: ctx.env });
  if (opts.json) {
    ctx.out.json({ path, wallets });
    return;
  }
  if (wallets.length === 0) {
    ctx.out.line(`no wallets in ${path} (create one with 'subnetkit wallet create')`);
    return;
  }
  for (const line of treeLines(path, wallets)) ctx.out.line(line);
}

export async function runShow(ctx: CliContext, opts: CommonOptions): Promise<void> {
  await initCrypto();
  const wallet = walletFor(ctx, opts);
  const coldkey = (await wallet.coldkeypub()).address;
  const hotkeys = await wallet.listHotkeys();
  if (opts.json) {
    ctx.out.json({ name: wallet.name, path: wallet.dir, coldkey, hotkeys });
    return;
  }
  ctx.out.line(`wallet ${wallet.name}  ${wallet.dir}`);
  ctx.out.line(`  coldkey  ${coldkey}`);
  for (const h of hotkeys)
    ctx.out.line(`  hotkey   ${h.name}  ${h.address ?? '(address unknown: encrypted, no pub file)'}`);
}
