import { MNEMONIC_WORD_COUNTS } from '@subnetkit/core/light';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { CommonOptions, NewKeyOptions, RegenOptions } from './wallet.js';

// The definitions of `subnetkit wallet …` only: the implementation (and @subnetkit/core with it)
// loads when a wallet command runs, so `--help` and usage errors stay cheap.
const impl = () => import('./wallet.js');

/** Scripts can pass a mnemonic here instead of on the command line (where `ps` and shell history see it). */
export const MNEMONIC_ENV = 'SUBNETKIT_WALLET_MNEMONIC';

function common(cmd: Command, hotkey = true): Command {
  cmd
    .option('--name <name>', 'wallet name (default: $BT_WALLET_NAME or "default")')
    .option(
      '--wallet-path <path>',
      'wallets folder (default: $SUBNETKIT_WALLET_PATH, $BT_WALLET_PATH or ~/.bittensor/wallets)',
    )
    .option('--json', 'print JSON (names and addresses only)');
  if (hotkey) cmd.option('--hotkey <name>', 'hotkey name (default: $BT_WALLET_HOTKEY or "default")');
  return cmd;
}

function newKey(cmd: Command): Command {
  return cmd
    .option('--words <n>', `mnemonic length: ${MNEMONIC_WORD_COUNTS.join(', ')}`, '12')
    .option('--overwrite', 'replace existing key files')
    .option('--show-mnemonic', 'print the new mnemonic (always shown on a terminal)');
}

function regenSource(cmd: Command): Command {
  return cmd
    .option('--mnemonic <words>', `the BIP39 mnemonic (or set ${MNEMONIC_ENV}; prompted on a terminal)`)
    .option('--seed <hex>', '0x-prefixed 32-byte seed (secretSeed)')
    .option('--uri <uri>', 'secret URI, e.g. //Alice or "<mnemonic>//hard/soft"');
}

/** `subnetkit wallet …`: btcli-compatible wallets (same files, same layout). */
export function registerWalletCommand(program: Command, ctx: CliContext): void {
  const wallet = program
    .command('wallet')
    .description('create, regenerate, list and show wallets (btcli-compatible files)');

  newKey(common(wallet.command('create').description('create a coldkey and a hotkey')))
    .option('--no-password', 'write the coldkey unencrypted (not recommended)')
    .option('--use-password', 'encrypt the hotkey too (neurons then need its password to start)')
    .action(async (opts: NewKeyOptions) => (await impl()).runCreate(ctx, opts));

  newKey(common(wallet.command('new-coldkey').description('create a new coldkey'), false))
    .option('--no-password', 'write the coldkey unencrypted (not recommended)')
    .action(async (opts: NewKeyOptions) => (await impl()).runColdkey(ctx, opts, false));

  newKey(common(wallet.command('new-hotkey').description('create a new hotkey (unencrypted by default)')))
    .option('--use-password', 'encrypt the hotkey')
    .action(async (opts: NewKeyOptions) => (await impl()).runHotkey(ctx, opts, false));

  regenSource(newKey(common(wallet.command('regen-coldkey').description('restore a coldkey'), false)))
    .option('--no-password', 'write the coldkey unencrypted (not recommended)')
    .action(async (opts: RegenOptions) => (await impl()).runColdkey(ctx, opts, true));

  common(wallet.command('regen-coldkeypub').description('rewrite coldkeypub.txt'), false)
    .option('--ss58 <address>', 'the coldkey address')
    .option('--public-key <hex>', '0x-prefixed 32-byte public key')
    .option('--overwrite', 'replace an existing coldkeypub.txt')
    .action(async (opts) => (await impl()).runRegenColdkeypub(ctx, opts));

  regenSource(newKey(common(wallet.command('regen-hotkey').description('restore a hotkey'))))
    .option('--use-password', 'encrypt the hotkey')
    .action(async (opts: RegenOptions) => (await impl()).runHotkey(ctx, opts, true));

  wallet
    .command('list')
    .description('show every wallet as a tree with addresses')
    .option('--wallet-path <path>', 'wallets folder')
    .option('--json', 'print JSON')
    .action(async (opts: CommonOptions) => (await impl()).runList(ctx, opts));

  common(wallet.command('show').description("show one wallet's names and addresses"), false).action(
    async (opts: CommonOptions) => (await impl()).runShow(ctx, opts),
  );

  for (const cmd of wallet.commands) cmd.exitOverride();
  wallet.exitOverride();
}
