import {
  type Chain,
  HYPERPARAMETERS,
  type HyperparameterSpec,
  hyperparameterSpec,
  type SubnetHyperparameters,
  type SubnetInfo,
  SubnetkitError,
} from '@subnetkit/core';
import { confirmOrAbort, formatTao, keyFromUri, netuidOf, unlockColdkey, walletFrom } from '../chain-access.js';
import type { CliContext } from '../context.js';
import { renderTable } from '../table.js';
import { type Flags, READ_ONLY, withChain } from './chain-ops.js';

export type AdminFlags = Flags & { param?: string; value?: string; name?: string; identity?: string };

/** One row of `subnets hyperparameters`: registry facts plus the chain's current value. */
export interface HyperparameterRow {
  name: string;
  value: string | number | boolean | null;
  /** owner: the subnet owner (or root) may set it; root: sudo only; null: no setter. */
  settableBy: 'owner' | 'root' | null;
}

const SPECS = HYPERPARAMETERS as readonly HyperparameterSpec[];

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** The chain's value of a registry entry: the engine's field, the runtime-API field, or the camelCased name. */
function currentValue(h: SubnetHyperparameters, spec: HyperparameterSpec): HyperparameterRow['value'] {
  for (const key of [spec.field, spec.runtime, camel(spec.name)]) {
    if (key === undefined) continue;
    const v = h[key];
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  }
  return null;
}

export function hyperparameterRows(h: SubnetHyperparameters): HyperparameterRow[] {
  return SPECS.map((spec) => ({ name: spec.name, value: currentValue(h, spec), settableBy: spec.who ?? null }));
}

const MAX = { u16: 0xffffn, u32: 0xffff_ffffn, u64: 0xffff_ffff_ffff_ffffn } as const;

/** Validates `--value` against the registry's kind; the chain still checks its own bounds. */
export function parseHyperparameterValue(spec: HyperparameterSpec, text: string): bigint | number | boolean {
  const t = text.trim().toLowerCase();
  if (spec.kind === 'bool') {
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
    throw new SubnetkitError('SK_CLI_USAGE', `--value of ${spec.name} must be true or false, got '${text}'.`, {
      param: spec.name,
    });
  }
  const max = MAX[spec.kind];
  if (!/^\d{1,20}$/.test(t) || BigInt(t) > max)
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      `--value of ${spec.name} must be an integer from 0 to ${max} (${spec.kind}), got '${text}'.`,
      { param: spec.name },
    );
  return spec.kind === 'u64' ? BigInt(t) : Number(t);
}

/** The settable registry entry for `--param`, or a usage error naming the settable ones. */
function settableSpec(name: string | undefined): HyperparameterSpec & { who: 'owner' | 'root' } {
  const spec = name ? hyperparameterSpec(name) : undefined;
  if (spec?.who && spec.field) return spec as HyperparameterSpec & { who: 'owner' | 'root' };
  const known = SPECS.filter((s) => s.who && s.field).map((s) => s.name);
  throw new SubnetkitError(
    'SK_CLI_USAGE',
    spec
      ? `--param ${spec.name} has no setter (read-only on subtensor).`
      : `--param must be a settable hyperparameter (${known.join(', ')}), got '${name ?? ''}'.`,
    { param: name ?? null },
  );
}

async function existingSubnet(chain: Chain, netuid: number): Promise<SubnetInfo> {
  const info = await chain.subnet(netuid);
  if (!info) throw new SubnetkitError('SK_CHAIN_NOT_FOUND', `Subnet ${netuid} does not exist.`, { netuid });
  return info;
}

export async function runHyperparameters(ctx: CliContext, flags: AdminFlags): Promise<void> {
  await withChain(
    ctx,
    flags,
    async (chain) => {
      const netuid = netuidOf(flags.netuid);
      await existingSubnet(chain, netuid);
      const rows = hyperparameterRows(await chain.hyperparameters(netuid));
      if (flags.json) return ctx.out.json({ netuid, hyperparameters: rows });
      const table = rows.map((r) => [r.name, r.value === null ? '-' : String(r.value), r.settableBy ?? '-']);
      for (const line of renderTable(['hyperparameter', 'value', 'settable by'], table, ['left', 'right', 'left']))
        ctx.out.line(line);
    },
    READ_ONLY,
  );
}

export async function runSudoSet(ctx: CliContext, flags: AdminFlags): Promise<void> {
  // everything the command line says is checked before the chain is opened
  const netuid = netuidOf(flags.netuid);
  const spec = settableSpec(flags.param);
  if (flags.value === undefined) throw new SubnetkitError('SK_CLI_USAGE', '--value is required.', {});
  const value = parseHyperparameterValue(spec, flags.value);
  if (spec.who === 'root' && !flags.fromUri)
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      `${spec.name} is root-only: pass the sudo key with --from-uri (e.g. //Alice on a local or dev chain).`,
      { param: spec.name },
    );
  const sudo = flags.fromUri ? await keyFromUri(flags.fromUri, 'from-uri') : undefined;
  await withChain(ctx, flags, async (chain, config) => {
    // dev keys sign only on dev chains: a live chain's sudo is not a public URI
    if (sudo && chain.chainType === 'Live')
      throw new SubnetkitError(
        'SK_CLI_USAGE',
        '--from-uri signs only on local and development chains; this chain is Live.',
        { chainType: chain.chainType },
      );
    const info = await existingSubnet(chain, netuid);
    const wallet = sudo ? undefined : walletFrom(ctx, config, flags);
    // refused here rather than by the chain, so a wrong wallet costs no fee and asks no password
    const owner = wallet ? (await wallet.coldkeypub()).address : undefined;
    if (owner !== undefined && owner !== info.owner)
      throw new SubnetkitError(
        'SK_CLI_USAGE',
        `Wallet ${wallet?.name} (${owner}) does not own subnet ${netuid}: only its owner, or the sudo key (--from-uri), may set ${spec.name}.`,
        { netuid, owner: info.owner },
      );
    const before = currentValue(await chain.hyperparameters(netuid), spec);
    await confirmOrAbort(ctx, flags.yes, `Set ${spec.name} of subnet ${netuid} from ${before} to ${value}?`);
    const signer = sudo ?? (await unlockColdkey(ctx, wallet ?? walletFrom(ctx, config, flags)));
    const result = await chain.submit(signer, {
      pallet: 'AdminUtils',
      method: 'set_hyperparameter',
      args: { netuid, name: spec.name, value },
    });
    const after = currentValue(await chain.hyperparameters(netuid), spec);
    const data = { netuid, param: spec.name, before, value: after, block: result.blockNumber };
    if (flags.json) ctx.out.json(data);
    else ctx.out.line(`${spec.name} of subnet ${netuid}: ${before} → ${after} (block ${result.blockNumber})`);
  });
}

const IDENTITY_FIELDS = [
  'subnet_name',
  'github_repo',
  'subnet_contact',
  'subnet_url',
  'discord',
  'description',
  'logo_url',
  'additional',
];

/**
 * `--identity` (subtensor's SubnetIdentity as JSON, snake_case fields) → the subnet name. Only the
 * name reaches the chain (the Chain interface carries no other identity field), so the other
 * fields must be empty rather than silently dropped.
 */
export function identityName(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      '--identity must be a JSON object such as {"subnet_name":"my-subnet"}.',
      {},
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      '--identity must be a JSON object such as {"subnet_name":"my-subnet"}.',
      {},
    );
  const fields = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(fields)) {
    if (!IDENTITY_FIELDS.includes(key))
      throw new SubnetkitError(
        'SK_CLI_USAGE',
        `--identity has no field "${key}" (fields: ${IDENTITY_FIELDS.join(', ')}).`,
        {
          field: key,
        },
      );
    if (key !== 'subnet_name' && v !== '' && v !== null)
      throw new SubnetkitError(
        'SK_CLI_NOT_AVAILABLE',
        `--identity sets only subnet_name; "${key}" is not carried to the chain yet (leave it empty).`,
        { field: key },
      );
  }
  const name = fields.subnet_name;
  if (typeof name !== 'string' || !/^[\x20-\x7e]{1,64}$/.test(name))
    throw new SubnetkitError('SK_CLI_USAGE', '--identity subnet_name must be 1-64 printable ASCII characters.', {});
  return name;
}

export async function runCreate(ctx: CliContext, flags: AdminFlags): Promise<void> {
  if (flags.identity !== undefined && flags.name !== undefined)
    throw new SubnetkitError('SK_CLI_USAGE', 'pass --name or --identity, not both.', {});
  const identity = flags.identity === undefined ? undefined : identityName(flags.identity);
  if (flags.name !== undefined && !/^[\x20-\x7e]{1,64}$/.test(flags.name))
    throw new SubnetkitError('SK_CLI_USAGE', '--name must be 1-64 printable ASCII characters.', {});
  await withChain(ctx, flags, async (chain, config) => {
    const wallet = walletFrom(ctx, config, flags);
    const hotkey = await wallet.hotkey();
    const cost = await chain.networkLockCost();
    await confirmOrAbort(ctx, flags.yes, `Create a subnet owned by this wallet, locking ${formatTao(cost)} TAO?`);
    const coldkey = await unlockColdkey(ctx, wallet);
    const before = new Set((await chain.subnets()).map((s) => s.netuid));
    // --identity registers and names the subnet in one extrinsic (register_network_with_identity)
    const result = await chain.submit(
      coldkey,
      identity === undefined
        ? { pallet: 'SubtensorModule', method: 'register_network', args: { hotkey: hotkey.address } }
        : {
            pallet: 'SubtensorModule',
            method: 'register_network_with_identity',
            args: { hotkey: hotkey.address, name: identity },
          },
    );
    // the new netuid from the NetworkAdded event, else the subnet that was not there before
    const added = result.events.find((e) => e.name === 'NetworkAdded');
    const fromEvent = Number(added?.data.netuid ?? added?.data['0']);
    const netuid = Number.isInteger(fromEvent)
      ? fromEvent
      : (await chain.subnets()).find((s) => !before.has(s.netuid) && s.owner === coldkey.address)?.netuid;
    if (netuid === undefined)
      throw new SubnetkitError('SK_CHAIN_NOT_FOUND', 'The subnet was registered but its netuid was not found.', {});
    if (flags.name !== undefined)
      await chain.submit(coldkey, {
        pallet: 'SubtensorModule',
        method: 'set_subnet_identity',
        args: { netuid, name: flags.name },
      });
    const data = {
      netuid,
      owner: coldkey.address,
      ownerHotkey: hotkey.address,
      locked: cost,
      block: result.blockNumber,
    };
    const name = flags.name ?? identity;
    if (flags.json) ctx.out.json(name === undefined ? data : { ...data, name });
    else ctx.out.line(`created subnet ${netuid} (locked ${formatTao(cost)} TAO) in block ${result.blockNumber}`);
  });
}
