import { type ChainCall, type ChildkeyInfo, type ChildkeyLink, SubnetkitError } from '@subnetkit/core';
import { confirmOrAbort, netuidOf, unlockColdkey, walletFrom } from '../chain-access.js';
import type { CliContext } from '../context.js';
import { type Flags, READ_ONLY, withChain } from './chain-ops.js';

/** `stake child set|get|take` (btcli's `stake child`): childkeys of the wallet hotkey (chain.md §9.4). */
export type ChildFlags = Flags & { children?: string; take?: string; parent?: string };

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const SCALE = 10n ** 18n;

/** A decimal fraction in [0, 1] (at most 18 decimals) as a proportion of u64::MAX, rounded down. */
export function proportionOf(text: string): bigint {
  const m = /^(0|1)(?:\.(\d{1,18}))?$/.exec(text.trim());
  if (!m) {
    throw new SubnetkitError('SK_CLI_USAGE', `proportion "${text}" must be a decimal between 0 and 1, e.g. 0.25.`, {
      option: 'children',
    });
  }
  const scaled = BigInt(m[1] as string) * SCALE + BigInt((m[2] ?? '').padEnd(18, '0') || '0');
  if (scaled > SCALE)
    throw new SubnetkitError('SK_CLI_USAGE', `proportion "${text}" is above 1.`, { option: 'children' });
  return (scaled * U64_MAX) / SCALE;
}

/** `--children <ss58:proportion,…>`, or `none` to remove every child. */
export function parseChildren(text: string | undefined): [bigint, string][] {
  if (text === undefined) throw new SubnetkitError('SK_CLI_USAGE', '--children is required.', { option: 'children' });
  if (text.trim() === 'none') return [];
  return text.split(',').map((part) => {
    const i = part.lastIndexOf(':');
    if (i <= 0) {
      throw new SubnetkitError('SK_CLI_USAGE', `child "${part}" must be <ss58-hotkey>:<proportion>.`, {
        option: 'children',
      });
    }
    return [proportionOf(part.slice(i + 1)), part.slice(0, i).trim()];
  });
}

/** `--take <percent>` (0–18) as a u16 fraction of 65535, rounded down. */
function takeOf(text: string | undefined): number {
  const pct = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(pct) || pct < 0 || pct > 100) {
    throw new SubnetkitError('SK_CLI_USAGE', '--take must be a percentage, e.g. 9 (at most 18 on the chain).', {
      option: 'take',
    });
  }
  return Math.floor((pct * 65535) / 100);
}

const linkJson = (l: ChildkeyLink) => ({ hotkey: l.hotkey, proportion: l.proportion.toString() });
// rounded to nearest for display: 0.5 is stored as (2^64 − 2)/2, just under one half
const pct = (p: bigint) => `${(Number((p * 1_000_000n + U64_MAX / 2n) / U64_MAX) / 10_000).toFixed(4)} %`;

function printInfo(ctx: CliContext, info: ChildkeyInfo, json: boolean | undefined, block?: number): void {
  if (json) {
    ctx.out.json({
      hotkey: info.hotkey,
      netuid: info.netuid,
      children: info.children.map(linkJson),
      parents: info.parents.map(linkJson),
      pending: info.pending
        ? { children: info.pending.children.map(linkJson), coolDownBlock: info.pending.coolDownBlock }
        : null,
      take: info.take,
      ...(block === undefined ? {} : { block }),
    });
    return;
  }
  ctx.out.line(
    `hotkey ${info.hotkey} on subnet ${info.netuid} (childkey take ${((info.take / 65535) * 100).toFixed(2)} %)`,
  );
  if (info.children.length === 0) ctx.out.line('children: none');
  for (const c of info.children) ctx.out.line(`child   ${pct(c.proportion).padStart(11)}  ${c.hotkey}`);
  for (const p of info.parents) ctx.out.line(`parent  ${pct(p.proportion).padStart(11)}  ${p.hotkey}`);
  if (info.pending) {
    ctx.out.line(`pending from block ${info.pending.coolDownBlock} (at the next epoch):`);
    if (info.pending.children.length === 0) ctx.out.line('  remove every child');
    for (const c of info.pending.children) ctx.out.line(`  child ${pct(c.proportion).padStart(11)}  ${c.hotkey}`);
  }
}

async function readInfo(
  chain: { childkeys?: (h: string, n: number) => Promise<ChildkeyInfo> },
  hotkey: string,
  netuid: number,
) {
  if (!chain.childkeys) {
    throw new SubnetkitError('SK_CHAIN_BAD_INPUT', 'this network does not answer childkey queries.', { netuid });
  }
  return chain.childkeys(hotkey, netuid);
}

/**
 * A childkey call for the wallet hotkey: asks `question(hotkey)`, signs with the coldkey, submits
 * `call(hotkey)` and prints the hotkey's childkey state after it.
 */
async function submitForHotkey(
  ctx: CliContext,
  flags: ChildFlags,
  netuid: number,
  question: (hotkey: string) => string,
  call: (hotkey: string) => ChainCall,
): Promise<void> {
  await withChain(ctx, flags, async (chain, config) => {
    const wallet = walletFrom(ctx, config, flags);
    const hotkey = (await wallet.hotkey()).address;
    await confirmOrAbort(ctx, flags.yes, question(hotkey));
    const signer = await unlockColdkey(ctx, wallet);
    const result = await chain.submit(signer, call(hotkey));
    printInfo(ctx, await readInfo(chain, hotkey, netuid), flags.json, result.blockNumber);
  });
}

export async function runChildSet(ctx: CliContext, flags: ChildFlags): Promise<void> {
  const netuid = netuidOf(flags.netuid);
  const children = parseChildren(flags.children);
  const list = children.map(([p, c]) => `${c} ${pct(p)}`).join(', ') || 'none';
  await submitForHotkey(
    ctx,
    flags,
    netuid,
    (hotkey) => `Set the children of ${hotkey} on subnet ${netuid} to: ${list}?`,
    (hotkey) => ({ pallet: 'SubtensorModule', method: 'set_children', args: { hotkey, netuid, children } }),
  );
}

export async function runChildGet(ctx: CliContext, flags: ChildFlags): Promise<void> {
  const netuid = netuidOf(flags.netuid);
  await withChain(
    ctx,
    flags,
    async (chain, config) => {
      const hotkey = flags.parent ?? (await walletFrom(ctx, config, flags).hotkey()).address;
      printInfo(ctx, await readInfo(chain, hotkey, netuid), flags.json);
    },
    READ_ONLY,
  );
}

export async function runChildTake(ctx: CliContext, flags: ChildFlags): Promise<void> {
  const netuid = netuidOf(flags.netuid);
  const take = takeOf(flags.take);
  await submitForHotkey(
    ctx,
    flags,
    netuid,
    (hotkey) => `Set the childkey take of ${hotkey} on subnet ${netuid} to ${flags.take} %?`,
    (hotkey) => ({ pallet: 'SubtensorModule', method: 'set_childkey_take', args: { hotkey, netuid, take } }),
  );
}
