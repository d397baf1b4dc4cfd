import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  type Chain,
  chainFromConfig,
  initCrypto,
  Keypair,
  type Logger,
  openLocalChainReadOnly,
  type Rao,
  type SubnetkitConfig,
  SubnetkitError,
  Wallet,
} from '@subnetkit/core';
import type { CliContext } from './context.js';
import { confirm, existingPassword } from './prompt.js';

/** Wallet flags shared by every command that signs. */
export interface WalletFlags {
  wallet?: string;
  hotkey?: string;
  walletPath?: string;
}

/** Network flags shared by every command that talks to a chain. */
export interface NetworkFlags {
  network?: string;
  dataDir?: string;
}

/**
 * Opens the configured chain: 'local' is the embedded chain in `chain.dataDir` (a new one starts
 * from the dev genesis: //Alice … funded, one subnet); anything else is a subtensor endpoint
 * (finney, test, local node, or ws:// — e.g. a `subnetkit devnet`).
 */
export async function openChain(
  ctx: CliContext,
  config: SubnetkitConfig,
  flags: NetworkFlags,
  log: Logger,
  blockTime: number | 'instant' = 'instant',
  access: { readOnly?: boolean } = {},
): Promise<Chain> {
  const network = flags.network ?? config.network;
  if (network === 'local' && access.readOnly) {
    return openLocalChainReadOnly(findLocalChain(ctx, config, flags.dataDir), { logger: log });
  }
  // the backend the composition root picks from the config (flags on top)
  const open = () =>
    chainFromConfig(config, {
      logger: log,
      cwd: ctx.cwd,
      network,
      blockTime,
      ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
    });
  // only subtensor endpoints are pooled: a local chain is a store on disk, opened per command
  return ctx.chains && network !== 'local' ? ctx.chains.get(network, open) : open();
}

/** Where `subnetkit localnet` keeps its chain by default (inside its data dir). */
export const LOCALNET_CHAIN_DIR = join('.subnetkit', 'localnet', 'chain');

const hasStore = (dir: string): boolean => existsSync(join(dir, 'data.mdb'));

/**
 * The local chain a read-only command looks at: `--data-dir` (a chain folder, or a localnet data
 * dir holding one in chain/), else the localnet's chain, else the configured chain. Finding none
 * is an error: a read-only command never creates a chain.
 */
export function findLocalChain(ctx: CliContext, config: SubnetkitConfig, dataDir: string | undefined): string {
  const candidates = dataDir
    ? [join(resolve(ctx.cwd, dataDir), 'chain'), resolve(ctx.cwd, dataDir)]
    : [resolve(ctx.cwd, LOCALNET_CHAIN_DIR), resolve(ctx.cwd, config.chain.dataDir)];
  const found = candidates.find(hasStore);
  if (found) return found;
  const shown = [...new Set(candidates.map((c) => relative(ctx.cwd, c) || '.'))].join(', ');
  throw new SubnetkitError(
    'SK_CHAIN_NOT_FOUND',
    `No local chain in ${shown}: start one with 'npm start' or 'subnetkit localnet', or pass --data-dir <localnet data dir> or --network ws://….`,
    { looked: candidates },
  );
}

/**
 * A key from a secret URI (`//Alice`, a mnemonic with `//derivation`), for dev chains whose
 * funded accounts are the public dev keys. The URI is a secret in general, so it is never echoed.
 */
export async function keyFromUri(uri: string, option: string): Promise<Keypair> {
  await initCrypto();
  try {
    return Keypair.fromUri(uri);
  } catch (cause) {
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      `--${option} is not a valid key URI (e.g. //Alice, or a mnemonic with an optional //derivation).`,
      { option },
      { cause },
    );
  }
}

export function walletFrom(ctx: CliContext, config: SubnetkitConfig, flags: WalletFlags): Wallet {
  const path = flags.walletPath ?? config.wallet.path;
  return new Wallet({
    name: flags.wallet ?? config.wallet.name,
    hotkey: flags.hotkey ?? config.wallet.hotkey,
    env: ctx.env,
    ...(path ? { path: resolve(ctx.cwd, path) } : {}),
  });
}

/** Unlocks the coldkey: password from the environment, else asked on the terminal. */
export async function unlockColdkey(ctx: CliContext, wallet: Wallet): Promise<Keypair> {
  await initCrypto();
  return wallet.unlockColdkey(await existingPassword(ctx, wallet.coldkeyFile));
}

/** 'yes' flag, else a terminal confirmation; refuses clearly when nobody can confirm. */
export async function confirmOrAbort(ctx: CliContext, yes: boolean | undefined, question: string): Promise<void> {
  if (yes) return;
  if (await confirm(ctx, question)) return;
  throw new SubnetkitError(
    'SK_CLI_ABORTED',
    `Not confirmed: ${question} (pass --yes to confirm non-interactively).`,
    {},
  );
}

const RAO_PER_TAO = 1_000_000_000n;

/** Parses a TAO amount ('1.5') into rao without floating point. */
export function parseTao(text: string, option = 'amount'): Rao {
  const m = /^(\d{1,12})(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!m)
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      `--${option} must be a TAO amount like 1.5 (up to 9 decimals), got '${text}'.`,
      { option },
    );
  return BigInt(m[1]!) * RAO_PER_TAO + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** Formats rao as TAO with 9 decimals, trailing zeros trimmed. */
export function formatTao(rao: Rao): string {
  const sign = rao < 0n ? '-' : '';
  const abs = rao < 0n ? -rao : rao;
  const frac = (abs % RAO_PER_TAO).toString().padStart(9, '0').replace(/0+$/, '');
  return `${sign}${abs / RAO_PER_TAO}${frac ? `.${frac}` : ''}`;
}

export function netuidOf(text: string | undefined): number {
  const n = Number(text);
  if (text === undefined || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new SubnetkitError('SK_CLI_USAGE', `--netuid must be a subnet id (0-65535), got '${text}'.`, {});
  }
  return n;
}
