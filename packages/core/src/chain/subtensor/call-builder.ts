import type { Call } from '@polkadot/types/interfaces';
import type { IMethod } from '@polkadot/types/types';
import { stringCamelCase } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';
import { SubnetkitError } from '../../errors/subnetkit-error.js';
import { axonIpFromU128, axonIpToU128 } from '../codec/axon-ip.js';
import { hyperparameterSetters, toSnakeCase } from '../codec/hyperparameters.js';
import type { ChainCall } from '../types.js';

/** What a decorated call function exposes: `api.tx.x.y` and `expandMetadata(...).tx.x.y` both fit. */
export interface CallFunctionLike {
  (...args: unknown[]): IMethod | Call;
  readonly meta: { readonly args: ReadonlyArray<{ readonly name: { toString(): string } }> };
}

/** `api.tx` or the `tx` of `expandMetadata`: section → method → call function. */
export type DecoratedCalls = Record<string, Record<string, CallFunctionLike> | undefined>;

/** A call resolved against one runtime's metadata: the function and its positional arguments. */
export interface ResolvedCall {
  section: string;
  method: string;
  fn: CallFunctionLike;
  args: unknown[];
}

// setter lookup and the snake_case rule come from the one hyperparameter registry
export { hyperparameterSetters, toSnakeCase };

/** An IPv4 or IPv6 text address as the u128 subtensor stores in `AxonInfo.ip` (SK_CHAIN_BAD_INPUT if not one). */
export function ipToBigInt(ip: string, ipType: 4 | 6): bigint {
  const value = axonIpToU128(ip, ipType);
  if (value === null) {
    throw new SubnetkitError('SK_CHAIN_BAD_INPUT', `"${ip}" is not an IPv${ipType} address.`, { ip });
  }
  return value;
}

/** The u128 of `AxonInfo.ip` back to text (chain codec). */
export const bigIntToIp = axonIpFromU128;

function assertAddress(address: string, field: string): string {
  try {
    decodeAddress(address);
    return address;
  } catch (cause) {
    throw new SubnetkitError(
      'SK_CHAIN_BAD_INPUT',
      `${field} "${address}" is not an SS58 address or 32-byte hex key.`,
      { field },
      { cause },
    );
  }
}

function assertHash(value: string, field: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new SubnetkitError('SK_CHAIN_BAD_INPUT', `${field} must be a 0x-prefixed 32-byte hex hash.`, { field });
  }
  return value;
}

/** A timelocked commit: 0x-hex of at most 5000 bytes (BoundedVec<u8, 5000>). */
function assertCommit(value: string): string {
  if (!/^0x(?:[0-9a-fA-F]{2})+$/.test(value) || value.length > 2 + 2 * 5000) {
    throw new SubnetkitError('SK_CHAIN_BAD_INPUT', 'commit must be 0x-hex of 1 to 5000 bytes.', {
      field: 'commit',
    });
  }
  return value;
}

/** The call's arguments under every name a runtime version uses for them. */
function argumentPool(call: ChainCall): { target: string[]; values: Record<string, unknown> } {
  switch (call.pallet) {
    case 'Balances':
      return {
        target: [`Balances.${call.method}`, ...(call.method === 'transfer_allow_death' ? ['Balances.transfer'] : [])],
        values: { dest: assertAddress(call.args.dest, 'dest'), value: call.args.value },
      };
    case 'AdminUtils': {
      const { netuid, name, value } = call.args;
      return {
        target: hyperparameterSetters(name),
        values: { netuid, __value: typeof value === 'boolean' ? value : BigInt(value) },
      };
    }
    case 'SubtensorModule':
      break;
  }
  const target = [`SubtensorModule.${call.method}`];
  switch (call.method) {
    case 'register_network':
      return { target, values: { hotkey: assertAddress(call.args.hotkey, 'hotkey') } };
    case 'burned_register':
      return { target, values: { netuid: call.args.netuid, hotkey: assertAddress(call.args.hotkey, 'hotkey') } };
    case 'serve_axon': {
      const a = call.args;
      return {
        target,
        values: {
          netuid: a.netuid,
          version: a.version,
          ip: ipToBigInt(a.ip, a.ipType),
          port: a.port,
          ip_type: a.ipType,
          protocol: a.protocol,
          placeholder1: 0,
          placeholder2: 0,
        },
      };
    }
    case 'set_weights':
      if (call.args.dests.length !== call.args.weights.length) {
        throw new SubnetkitError('SK_CHAIN_BAD_INPUT', 'set_weights: dests and weights must have the same length.', {
          dests: call.args.dests.length,
          weights: call.args.weights.length,
        });
      }
      return {
        target,
        values: {
          netuid: call.args.netuid,
          dests: call.args.dests,
          weights: call.args.weights,
          version_key: call.args.versionKey,
        },
      };
    case 'commit_weights':
      return {
        target,
        values: { netuid: call.args.netuid, commit_hash: assertHash(call.args.commitHash, 'commitHash') },
      };
    case 'reveal_weights':
      return {
        target,
        values: {
          netuid: call.args.netuid,
          uids: call.args.uids,
          values: call.args.values,
          salt: call.args.salt,
          version_key: call.args.versionKey,
        },
      };
    case 'commit_timelocked_weights':
    case 'commit_timelocked_mechanism_weights':
      return {
        target,
        values: {
          netuid: call.args.netuid,
          ...(call.method === 'commit_timelocked_mechanism_weights' ? { mecid: call.args.mecid } : {}),
          commit: assertCommit(call.args.commit),
          reveal_round: call.args.revealRound,
          commit_reveal_version: call.args.commitRevealVersion,
        },
      };
    case 'add_stake':
      return {
        target,
        values: {
          hotkey: assertAddress(call.args.hotkey, 'hotkey'),
          netuid: call.args.netuid,
          amount_staked: call.args.amountStaked,
        },
      };
    case 'remove_stake':
      return {
        target,
        values: {
          hotkey: assertAddress(call.args.hotkey, 'hotkey'),
          netuid: call.args.netuid,
          amount_unstaked: call.args.amountUnstaked,
        },
      };
    case 'add_stake_limit':
    case 'remove_stake_limit': {
      const a = call.args;
      return {
        target,
        values: {
          hotkey: assertAddress(a.hotkey, 'hotkey'),
          netuid: a.netuid,
          ...(call.method === 'add_stake_limit'
            ? { amount_staked: call.args.amountStaked }
            : { amount_unstaked: call.args.amountUnstaked }),
          limit_price: a.limitPrice,
          allow_partial: a.allowPartial,
        },
      };
    }
    case 'move_stake': {
      const a = call.args;
      return {
        target,
        values: {
          origin_hotkey: assertAddress(a.originHotkey, 'originHotkey'),
          destination_hotkey: assertAddress(a.destinationHotkey, 'destinationHotkey'),
          origin_netuid: a.originNetuid,
          destination_netuid: a.destinationNetuid,
          alpha_amount: a.alphaAmount,
        },
      };
    }
    case 'transfer_stake': {
      const a = call.args;
      return {
        target,
        values: {
          destination_coldkey: assertAddress(a.destinationColdkey, 'destinationColdkey'),
          hotkey: assertAddress(a.hotkey, 'hotkey'),
          origin_netuid: a.originNetuid,
          destination_netuid: a.destinationNetuid,
          alpha_amount: a.alphaAmount,
        },
      };
    }
    case 'swap_stake': {
      const a = call.args;
      return {
        target,
        values: {
          hotkey: assertAddress(a.hotkey, 'hotkey'),
          origin_netuid: a.originNetuid,
          destination_netuid: a.destinationNetuid,
          alpha_amount: a.alphaAmount,
        },
      };
    }
    case 'unstake_all':
      return { target, values: { hotkey: assertAddress(call.args.hotkey, 'hotkey') } };
    case 'register_network_with_identity':
      return {
        target,
        values: {
          hotkey: assertAddress(call.args.hotkey, 'hotkey'),
          // Option<SubnetIdentity>: polkadot-js takes the struct's camelCased fields; only the name is set
          identity:
            call.args.name === undefined
              ? null
              : {
                  subnetName: call.args.name,
                  githubRepo: '',
                  subnetContact: '',
                  subnetUrl: '',
                  discord: '',
                  description: '',
                  logoUrl: '',
                  additional: '',
                },
        },
      };
    case 'start_call':
      return { target, values: { netuid: call.args.netuid } };
    case 'set_children':
      return {
        target,
        values: {
          hotkey: assertAddress(call.args.hotkey, 'hotkey'),
          netuid: call.args.netuid,
          // Vec<(u64, AccountId)>: proportions of u64::MAX
          children: call.args.children.map(([p, child]) => [p, assertAddress(child, 'children')]),
        },
      };
    case 'set_childkey_take':
      return {
        target,
        values: {
          hotkey: assertAddress(call.args.hotkey, 'hotkey'),
          netuid: call.args.netuid,
          take: call.args.take,
        },
      };
    case 'set_subnet_identity':
      // every identity field each runtime version takes; only the name is set
      return {
        target,
        values: {
          netuid: call.args.netuid,
          subnet_name: call.args.name,
          github_repo: '',
          subnet_contact: '',
          subnet_url: '',
          discord: '',
          description: '',
          logo_url: '',
          additional: '',
        },
      };
  }
}

/**
 * Resolves a `ChainCall` against a runtime's decorated calls, looking calls and arguments up by
 * name (indices differ between runtimes). Extra values a runtime does not take are dropped
 * (e.g. spec 219's argument-less `register_network`); a missing one is an error.
 */
export function resolveCall(tx: DecoratedCalls, call: ChainCall): ResolvedCall {
  const { target, values } = argumentPool(call);
  for (const candidate of target) {
    const [pallet, name] = candidate.split('.') as [string, string];
    const section = stringCamelCase(pallet);
    const method = stringCamelCase(name);
    const fn = tx[section]?.[method];
    if (!fn) continue;
    // polkadot-js camelCases argument names; subtensor's are snake_case.
    const argNames = fn.meta.args.map((a) => toSnakeCase(a.name.toString()));
    const args = argNames.map((argName, i) => {
      if (argName in values) return values[argName];
      // A setter's value argument has a per-call name (`tempo`, `min_burn`, `enabled`, …): it is the
      // single argument after netuid.
      if ('__value' in values && i === argNames.length - 1 && argNames[0] === 'netuid' && argNames.length === 2) {
        return values.__value;
      }
      throw new SubnetkitError(
        'SK_CHAIN_BAD_INPUT',
        `${pallet}.${name} on this runtime takes "${argName}", which Subnetkit does not supply; the runtime is not supported for this call.`,
        { call: `${pallet}.${name}`, argument: argName },
      );
    });
    return { section, method, fn, args };
  }
  throw new SubnetkitError('SK_CHAIN_BAD_INPUT', `The connected runtime has none of ${target.join(', ')}.`, {
    call: `${call.pallet}.${call.method}`,
    tried: target,
  });
}

/**
 * `Sudo.sudo(call)`: how the sudo key dispatches with root origin, which root-only AdminUtils
 * setters require (a setter signed directly by the sudo key gets BadOrigin). Null when the runtime
 * has no Sudo pallet.
 */
export function wrapInSudo(tx: DecoratedCalls, inner: IMethod | Call): IMethod | Call | null {
  const sudo = tx.sudo?.sudo;
  return sudo ? sudo(inner) : null;
}

/** Builds the encoded call (`[pallet, call, args…]`) for a `ChainCall`. */
export function buildCall(tx: DecoratedCalls, call: ChainCall): IMethod | Call {
  const resolved = resolveCall(tx, call);
  try {
    return resolved.fn(...resolved.args);
  } catch (cause) {
    throw new SubnetkitError(
      'SK_CHAIN_BAD_INPUT',
      `${resolved.section}.${resolved.method}: an argument does not fit the runtime's type (${(cause as Error).message}).`,
      { call: `${resolved.section}.${resolved.method}` },
      { cause },
    );
  }
}
