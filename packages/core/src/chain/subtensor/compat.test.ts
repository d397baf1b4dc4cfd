import { Keyring } from '@polkadot/keyring';
import { compactStripLength, hexToString, hexToU8a, u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, decodeAddress, signatureVerify } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSubnetkitError } from '../../errors/subnetkit-error.js';
import timelockVectors from '../../timelock/fixtures/vectors.json' with { type: 'json' };
import type { ChainCall } from '../types.js';
import { buildCall, type DecoratedCalls, resolveCall, wrapInSudo } from './call-builder.js';
import { hyperparametersFromRuntime, type Json, metagraphFromRuntime } from './decode.js';
import { CUSTOM_VALIDITY_ERRORS, errorCodeFor, nameDispatchError, namePoolRejection } from './dispatch-error.js';
import {
  FIXTURE_SPECS,
  type FixtureSpec,
  loadFixtureMetadata,
  loadRecordedRuntimeCalls,
} from './fixtures.test-helper.js';
import { signingBytes, toPolkadotSigner } from './signer-adapter.js';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const HASH = `0x${'ab'.repeat(32)}`;

/** One of every ChainCall the backend sends, with the argument types each must encode to on 343. */
const CALLS: Array<{ call: ChainCall; pallet: string; name: string; types343: string[] }> = [
  {
    call: { pallet: 'Balances', method: 'transfer_keep_alive', args: { dest: BOB, value: 5_000_000_000n } },
    pallet: 'Balances',
    name: 'transfer_keep_alive',
    types343: ['MultiAddress', 'Compact<u64>'],
  },
  {
    call: { pallet: 'Balances', method: 'transfer_allow_death', args: { dest: BOB, value: 1n } },
    pallet: 'Balances',
    name: 'transfer_allow_death',
    types343: ['MultiAddress', 'Compact<u64>'],
  },
  {
    call: { pallet: 'SubtensorModule', method: 'register_network', args: { hotkey: ALICE } },
    pallet: 'SubtensorModule',
    name: 'register_network',
    types343: ['AccountId32'],
  },
  {
    call: { pallet: 'SubtensorModule', method: 'burned_register', args: { netuid: 1, hotkey: ALICE } },
    pallet: 'SubtensorModule',
    name: 'burned_register',
    types343: ['u16', 'AccountId32'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'serve_axon',
      args: { netuid: 3, version: 900, ip: '10.1.2.3', port: 8091, ipType: 4, protocol: 4 },
    },
    pallet: 'SubtensorModule',
    name: 'serve_axon',
    types343: ['u16', 'u32', 'u128', 'u16', 'u8', 'u8', 'u8', 'u8'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'set_weights',
      args: { netuid: 2, dests: [0, 1], weights: [65535, 100], versionKey: 7n },
    },
    pallet: 'SubtensorModule',
    name: 'set_weights',
    types343: ['u16', 'Vec<u16>', 'Vec<u16>', 'u64'],
  },
  {
    call: { pallet: 'SubtensorModule', method: 'commit_weights', args: { netuid: 2, commitHash: HASH } },
    pallet: 'SubtensorModule',
    name: 'commit_weights',
    types343: ['u16', 'H256'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'reveal_weights',
      args: { netuid: 2, uids: [0, 1], values: [1, 2], salt: [9, 8, 7], versionKey: 0n },
    },
    pallet: 'SubtensorModule',
    name: 'reveal_weights',
    types343: ['u16', 'Vec<u16>', 'Vec<u16>', 'Vec<u16>', 'u64'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'add_stake',
      args: { hotkey: ALICE, netuid: 1, amountStaked: 10n ** 12n },
    },
    pallet: 'SubtensorModule',
    name: 'add_stake',
    types343: ['AccountId32', 'u16', 'u64'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'remove_stake',
      args: { hotkey: ALICE, netuid: 1, amountUnstaked: 123n },
    },
    pallet: 'SubtensorModule',
    name: 'remove_stake',
    types343: ['AccountId32', 'u16', 'u64'],
  },
  {
    call: { pallet: 'SubtensorModule', method: 'start_call', args: { netuid: 4 } },
    pallet: 'SubtensorModule',
    name: 'start_call',
    types343: ['u16'],
  },
  {
    call: { pallet: 'SubtensorModule', method: 'set_subnet_identity', args: { netuid: 4, name: 'predict' } },
    pallet: 'SubtensorModule',
    name: 'set_subnet_identity',
    types343: ['u16', 'Bytes', 'Bytes', 'Bytes', 'Bytes', 'Bytes', 'Bytes', 'Bytes', 'Bytes'],
  },
  {
    call: { pallet: 'AdminUtils', method: 'set_hyperparameter', args: { netuid: 1, name: 'tempo', value: 99 } },
    pallet: 'AdminUtils',
    name: 'sudo_set_tempo',
    types343: ['u16', 'u16'],
  },
  {
    call: {
      pallet: 'AdminUtils',
      method: 'set_hyperparameter',
      args: { netuid: 1, name: 'weights_rate_limit', value: 0n },
    },
    pallet: 'AdminUtils',
    name: 'sudo_set_weights_set_rate_limit',
    types343: ['u16', 'u64'],
  },
  {
    call: {
      pallet: 'AdminUtils',
      method: 'set_hyperparameter',
      args: { netuid: 1, name: 'commitRevealWeightsEnabled', value: false },
    },
    pallet: 'AdminUtils',
    name: 'sudo_set_commit_reveal_weights_enabled',
    types343: ['u16', 'bool'],
  },
  {
    call: {
      pallet: 'AdminUtils',
      method: 'set_hyperparameter',
      args: { netuid: 1, name: 'min_burn', value: 1_000_000n },
    },
    pallet: 'AdminUtils',
    name: 'sudo_set_min_burn',
    types343: ['u16', 'u64'],
  },
  {
    call: {
      pallet: 'AdminUtils',
      method: 'set_hyperparameter',
      args: { netuid: 1, name: 'immunity_period', value: 10 },
    },
    pallet: 'AdminUtils',
    name: 'sudo_set_immunity_period',
    types343: ['u16', 'u16'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'commit_timelocked_weights',
      args: { netuid: 2, commit: `0x${'ab'.repeat(300)}`, revealRound: 32_340_463n, commitRevealVersion: 4 },
    },
    pallet: 'SubtensorModule',
    name: 'commit_timelocked_weights',
    types343: ['u16', 'Bytes', 'u64', 'u16'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'commit_timelocked_mechanism_weights',
      args: { netuid: 2, mecid: 0, commit: `0x${'cd'.repeat(300)}`, revealRound: 5n, commitRevealVersion: 4 },
    },
    pallet: 'SubtensorModule',
    name: 'commit_timelocked_mechanism_weights',
    types343: ['u16', 'u8', 'Bytes', 'u64', 'u16'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'add_stake_limit',
      args: { hotkey: ALICE, netuid: 1, amountStaked: 5n, limitPrice: 7n, allowPartial: true },
    },
    pallet: 'SubtensorModule',
    name: 'add_stake_limit',
    types343: ['AccountId32', 'u16', 'u64', 'u64', 'bool'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'remove_stake_limit',
      args: { hotkey: ALICE, netuid: 1, amountUnstaked: 5n, limitPrice: 7n, allowPartial: false },
    },
    pallet: 'SubtensorModule',
    name: 'remove_stake_limit',
    types343: ['AccountId32', 'u16', 'u64', 'u64', 'bool'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'move_stake',
      args: { originHotkey: ALICE, destinationHotkey: ALICE, originNetuid: 1, destinationNetuid: 2, alphaAmount: 9n },
    },
    pallet: 'SubtensorModule',
    name: 'move_stake',
    types343: ['AccountId32', 'AccountId32', 'u16', 'u16', 'u64'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'transfer_stake',
      args: { destinationColdkey: ALICE, hotkey: ALICE, originNetuid: 1, destinationNetuid: 1, alphaAmount: 9n },
    },
    pallet: 'SubtensorModule',
    name: 'transfer_stake',
    types343: ['AccountId32', 'AccountId32', 'u16', 'u16', 'u64'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'swap_stake',
      args: { hotkey: ALICE, originNetuid: 1, destinationNetuid: 0, alphaAmount: 9n },
    },
    pallet: 'SubtensorModule',
    name: 'swap_stake',
    types343: ['AccountId32', 'u16', 'u16', 'u64'],
  },
  {
    call: { pallet: 'SubtensorModule', method: 'unstake_all', args: { hotkey: ALICE } },
    pallet: 'SubtensorModule',
    name: 'unstake_all',
    types343: ['AccountId32'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'register_network_with_identity',
      args: { hotkey: ALICE, name: 'named' },
    },
    pallet: 'SubtensorModule',
    name: 'register_network_with_identity',
    types343: ['AccountId32', 'Option<PalletSubtensorSubnetIdentityV3>'],
  },
  {
    call: {
      pallet: 'SubtensorModule',
      method: 'set_children',
      args: { hotkey: ALICE, netuid: 1, children: [[0xffff_ffff_ffff_ffffn / 2n, ALICE]] },
    },
    pallet: 'SubtensorModule',
    name: 'set_children',
    types343: ['AccountId32', 'u16', 'Vec<(u64,AccountId32)>'],
  },
  {
    call: { pallet: 'SubtensorModule', method: 'set_childkey_take', args: { hotkey: ALICE, netuid: 1, take: 1000 } },
    pallet: 'SubtensorModule',
    name: 'set_childkey_take',
    types343: ['AccountId32', 'u16', 'u16'],
  },
];

const cache = new Map<FixtureSpec, ReturnType<typeof loadFixtureMetadata>>();
function meta(spec: FixtureSpec) {
  let m = cache.get(spec);
  if (!m) {
    m = loadFixtureMetadata(spec);
    cache.set(spec, m);
  }
  return m;
}

/** Pallet and call index looked up independently of the decorator, through the type lookup. */
function indicesOf(
  spec: FixtureSpec,
  pallet: string,
  call: string,
): { pallet: number; call: number; types: string[] } | null {
  const { registry, metadata } = meta(spec);
  const p = metadata.asLatest.pallets.find((x) => x.name.toString() === pallet);
  if (!p || p.calls.isNone) return null;
  const variants = registry.lookup.getSiType(p.calls.unwrap().type).def.asVariant.variants;
  const v = variants.find((x) => x.name.toString() === call);
  if (!v) return null;
  return {
    pallet: p.index.toNumber(),
    call: v.index.toNumber(),
    types: v.fields.map((f) => registry.lookup.getTypeDef(f.type).type),
  };
}

describe('calls encode to the real runtimes (offline metadata)', () => {
  it('wraps a setter in Sudo.sudo (how the sudo key dispatches as root) on spec 343', () => {
    const { decorated } = meta('spec343-v15');
    const tx = decorated.tx as unknown as DecoratedCalls;
    const inner = buildCall(tx, {
      pallet: 'AdminUtils',
      method: 'set_hyperparameter',
      args: { netuid: 3, name: 'tempo', value: 10 },
    });
    const wrapped = wrapInSudo(tx, inner);
    const expected = indicesOf('spec343-v15', 'Sudo', 'sudo');
    expect(expected?.types).toEqual(['Call']);
    const bytes = wrapped?.toU8a() ?? new Uint8Array();
    expect([bytes[0], bytes[1]]).toEqual([expected?.pallet, expected?.call]);
    expect(u8aToHex(bytes.slice(2))).toBe(u8aToHex(inner.toU8a()));
  });

  it.each(CALLS.map((c) => [`${c.pallet}.${c.name}`, c] as const))(
    '%s on spec 343: pallet/call index and argument types',
    (_n, c) => {
      const { registry, decorated } = meta('spec343-v15');
      const expected = indicesOf('spec343-v15', c.pallet, c.name);
      expect(expected).not.toBeNull();
      expect(expected?.types).toEqual(c.types343);
      const built = buildCall(decorated.tx as unknown as DecoratedCalls, c.call);
      const bytes = built.toU8a();
      expect([bytes[0], bytes[1]]).toEqual([expected?.pallet, expected?.call]);
      // Round trip through the runtime's own Call type.
      const decoded = registry.createType('Call', bytes);
      expect(decoded.section).toBe(
        c.pallet === 'Balances' ? 'balances' : c.pallet === 'AdminUtils' ? 'adminUtils' : 'subtensorModule',
      );
      expect(decoded.toU8a()).toEqual(bytes);
    },
  );

  it('matches the worked example: burned_register(1, Alice) = 0x0707 0100 <Alice>', () => {
    const { decorated } = meta('spec343-v15');
    const built = buildCall(decorated.tx as unknown as DecoratedCalls, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid: 1, hotkey: ALICE },
    });
    expect(u8aToHex(built.toU8a())).toBe(`0x07070100${u8aToHex(decodeAddress(ALICE)).slice(2)}`);
  });

  it('encodes argument values exactly (serve_axon ip, set_weights vectors, stake amounts)', () => {
    const { registry, decorated } = meta('spec343-v15');
    const tx = decorated.tx as unknown as DecoratedCalls;
    const axon = registry.createType('Call', buildCall(tx, CALLS[4]?.call as ChainCall).toU8a()).toJSON() as {
      args: Record<string, unknown>;
    };
    expect(axon.args).toMatchObject({ netuid: 3, version: 900, ip: 0x0a010203, port: 8091, ip_type: 4, protocol: 4 });
    const weights = registry.createType('Call', buildCall(tx, CALLS[5]?.call as ChainCall).toU8a()).toJSON() as {
      args: Record<string, unknown>;
    };
    expect(weights.args).toEqual({ netuid: 2, dests: [0, 1], weights: [65535, 100], version_key: 7 });
    const stake = registry.createType('Call', buildCall(tx, CALLS[8]?.call as ChainCall).toU8a()).toJSON() as {
      args: Record<string, unknown>;
    };
    expect(stake.args).toEqual({ hotkey: ALICE, netuid: 1, amount_staked: 10 ** 12 });
  });

  it('encodes the stake moves and the identity by subtensor argument name', () => {
    const { registry, decorated } = meta('spec343-v15');
    const tx = decorated.tx as unknown as DecoratedCalls;
    const args = (name: string) =>
      (
        registry
          .createType('Call', buildCall(tx, CALLS.find((c) => c.name === name)?.call as ChainCall).toU8a())
          .toJSON() as {
          args: Record<string, unknown>;
        }
      ).args;
    expect(args('move_stake')).toEqual({
      origin_hotkey: ALICE,
      destination_hotkey: ALICE,
      origin_netuid: 1,
      destination_netuid: 2,
      alpha_amount: 9,
    });
    expect(args('add_stake_limit')).toEqual({
      hotkey: ALICE,
      netuid: 1,
      amount_staked: 5,
      limit_price: 7,
      allow_partial: true,
    });
    const identity = args('register_network_with_identity').identity as Record<string, string>;
    // polkadot-js's JSON of a struct: camelCased field names, bytes as hex
    expect(hexToString(identity.subnetName ?? '')).toBe('named');
    expect(identity.githubRepo).toBe('0x');
    // a u64 proportion above 2^53 survives exactly (polkadot-js JSON gives it as hex)
    const children = args('set_children').children as [string | number, string][];
    expect(children.map(([p, hk]) => [BigInt(p), hk])).toEqual([[0xffff_ffff_ffff_ffffn / 2n, ALICE]]);
    expect(args('set_childkey_take')).toEqual({ hotkey: ALICE, netuid: 1, take: 1000 });
  });

  it.each(['spec233-testnet-v14', 'spec219-mainnet-v14'] as const)(
    'builds every call %s has, by name, and refuses the rest',
    (spec) => {
      const { decorated } = meta(spec);
      const tx = decorated.tx as unknown as DecoratedCalls;
      for (const c of CALLS) {
        const target = c.pallet === 'AdminUtils' ? c.name : c.name;
        const idx = indicesOf(spec, c.pallet, target);
        if (idx === null) {
          let err: unknown;
          try {
            resolveCall(tx, c.call);
          } catch (e) {
            err = e;
          }
          // Only calls the runtime lacks may fail, and they fail with a clear code.
          expect(isSubnetkitError(err, 'SK_CHAIN_BAD_INPUT'), `${spec} ${target}`).toBe(true);
          continue;
        }
        const bytes = buildCall(tx, c.call).toU8a();
        expect([bytes[0], bytes[1]], `${spec} ${target}`).toEqual([idx.pallet, idx.call]);
      }
      // register_network takes no hotkey in 219 and add_stake no netuid: both still build.
      expect(indicesOf(spec, 'SubtensorModule', 'add_stake')).not.toBeNull();
    },
  );

  it('builds the finney commit_timelocked_mechanism_weights call byte for byte (call data of block 9101269)', () => {
    const { decorated } = meta('spec343-v15');
    const tx = decorated.tx as unknown as DecoratedCalls;
    const callData = hexToU8a(`0x${timelockVectors.onchainCommit.callData}`);
    // 0776 | netuid 7 | mecid 0 | compact(303) commit | reveal_round u64 | version u16
    const commit = u8aToHex(callData.subarray(7, 7 + 303));
    const built = buildCall(tx, {
      pallet: 'SubtensorModule',
      method: 'commit_timelocked_mechanism_weights',
      args: { netuid: 7, mecid: 0, commit, revealRound: 32_340_463n, commitRevealVersion: 4 },
    }).toU8a();
    expect(u8aToHex(built)).toBe(u8aToHex(callData));
    expect(() =>
      buildCall(tx, {
        pallet: 'SubtensorModule',
        method: 'commit_timelocked_weights',
        args: { netuid: 7, commit: `0x${'00'.repeat(5001)}`, revealRound: 1n, commitRevealVersion: 4 },
      }),
    ).toThrow(/5000 bytes/);
  });

  it('rejects malformed arguments before encoding', () => {
    const tx = meta('spec343-v15').decorated.tx as unknown as DecoratedCalls;
    const bad: ChainCall[] = [
      { pallet: 'SubtensorModule', method: 'burned_register', args: { netuid: 1, hotkey: 'not-an-address' } },
      { pallet: 'SubtensorModule', method: 'commit_weights', args: { netuid: 1, commitHash: '0x12' } },
      {
        pallet: 'SubtensorModule',
        method: 'set_weights',
        args: { netuid: 1, dests: [0, 1], weights: [1], versionKey: 0n },
      },
      {
        pallet: 'SubtensorModule',
        method: 'serve_axon',
        args: { netuid: 1, version: 1, ip: '300.1.1.1', port: 1, ipType: 4, protocol: 4 },
      },
      { pallet: 'AdminUtils', method: 'set_hyperparameter', args: { netuid: 1, name: 'no_such_param', value: 1 } },
      {
        pallet: 'SubtensorModule',
        method: 'set_weights',
        args: { netuid: 70000, dests: [0], weights: [1], versionKey: 0n },
      },
    ];
    for (const call of bad)
      expect(
        () => buildCall(tx, call),
        JSON.stringify(call, (_k, v) => (typeof v === 'bigint' ? `${v}` : v)),
      ).toThrow(/./);
    for (const call of bad) {
      try {
        buildCall(tx, call);
      } catch (e) {
        expect(isSubnetkitError(e, 'SK_CHAIN_BAD_INPUT')).toBe(true);
      }
    }
  });
});

describe('storage keys and values the backend reads decode with the real metadata', () => {
  const { registry, metadata, decorated } = meta('spec343-v15');
  const items = new Map(
    metadata.asLatest.pallets.flatMap((p) =>
      p.storage.isSome
        ? p.storage.unwrap().items.map((i) => [`${p.name.toString()}.${i.name.toString()}`, i] as const)
        : [],
    ),
  );

  it('computes the worked keys of the spec (Burn(1), System.Account(Alice))', () => {
    const query = decorated.query as unknown as Record<string, Record<string, (...a: unknown[]) => Uint8Array>>;
    const burn = compactStripLength(query.subtensorModule?.burn?.(1) as Uint8Array)[1];
    expect(u8aToHex(burn)).toBe('0x658faa385070e074c85bf6b568cf055501be1755d08418802946bca51b6863250100');
    const account = compactStripLength(query.system?.account?.(ALICE) as Uint8Array)[1];
    expect(u8aToHex(account)).toBe(
      `0x26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9de1e86a9a8c739864cf3cc5ec2bea59f${u8aToHex(decodeAddress(ALICE)).slice(2)}`,
    );
  });

  const READS: Array<[`${string}.${string}`, string[], string]> = [
    [
      'System.Account',
      ['Blake2_128Concat'],
      '{"nonce":"u32","consumers":"u32","providers":"u32","sufficients":"u32","data":"PalletBalancesAccountData"}',
    ],
    ['SubtensorModule.TotalIssuance', [], 'u64'],
    ['SubtensorModule.NetworksAdded', ['Identity'], 'bool'],
    ['SubtensorModule.SubnetworkN', ['Identity'], 'u16'],
    ['SubtensorModule.MaxAllowedUids', ['Identity'], 'u16'],
    ['SubtensorModule.Tempo', ['Identity'], 'u16'],
    ['SubtensorModule.Burn', ['Identity'], 'u64'],
    ['SubtensorModule.SubnetTAO', ['Identity'], 'u64'],
    ['SubtensorModule.SubnetAlphaIn', ['Identity'], 'u64'],
    ['SubtensorModule.SubnetAlphaOut', ['Identity'], 'u64'],
    ['SubtensorModule.SubnetOwner', ['Identity'], 'AccountId32'],
    ['SubtensorModule.SubnetOwnerHotkey', ['Identity'], 'AccountId32'],
    ['SubtensorModule.Uids', ['Identity', 'Blake2_128Concat'], 'u16'],
    ['SubtensorModule.Keys', ['Identity', 'Identity'], 'AccountId32'],
    ['SubtensorModule.Weights', ['Identity', 'Identity'], 'Vec<(u16,u16)>'],
    ['SubtensorModule.Bonds', ['Identity', 'Identity'], 'Vec<(u16,u16)>'],
    ['SubtensorModule.Owner', ['Blake2_128Concat'], 'AccountId32'],
    ['SubtensorModule.TotalHotkeyAlpha', ['Blake2_128Concat', 'Identity'], 'u64'],
    ['SubtensorModule.BondsPenalty', ['Identity'], 'u16'],
    ['SubtensorModule.StakeThreshold', [], 'u64'],
    ['SubtensorModule.Yuma3On', ['Blake2_128Concat'], 'bool'],
    ['SubtensorModule.NetworkRegisteredAt', ['Identity'], 'u64'],
    ['SubtensorModule.BlocksSinceLastStep', ['Identity'], 'u64'],
    ['SubtensorModule.SubnetTaoInEmission', ['Identity'], 'u64'],
  ];

  it.each(READS)('%s has hashers %j and value %s', (name, hashers, value) => {
    const item = items.get(name);
    expect(item, name).toBeDefined();
    const type = item?.type;
    if (hashers.length === 0) {
      expect(type?.isPlain).toBe(true);
      expect(registry.lookup.getTypeDef(type?.asPlain ?? 0).type).toBe(value);
    } else {
      const map = type?.asMap;
      expect(map?.hashers.map((h) => h.type)).toEqual(hashers);
      expect(registry.lookup.getTypeDef(map?.value ?? 0).type).toBe(value);
    }
  });

  it('decodes values of those types (u64 balances, Vec<(u16,u16)> rows)', () => {
    const query = decorated.query as unknown as Record<
      string,
      Record<string, { meta: { type: { asMap: { value: number } } } }>
    >;
    const weightsType = registry.createLookupType(query.subtensorModule?.weights?.meta.type.asMap.value ?? 0);
    const row = registry.createType(weightsType, hexToU8a('0x0800000100010002ff')).toJSON();
    expect(row).toEqual([
      [0, 1],
      [1, 65282],
    ]);
    const account = registry.createType('FrameSystemAccountInfo', new Uint8Array(80)).toJSON() as {
      data: { free: number };
    };
    expect(account.data.free).toBe(0);
  });
});

describe('runtime-API results recorded from a spec-343 node decode', () => {
  const { registry, metadata } = meta('spec343-v15');
  const recorded = loadRecordedRuntimeCalls();
  const outputType = (api: string, method: string): string => {
    const a = metadata.asLatest.apis?.find((x) => x.name.toString() === api);
    const m = a?.methods.find((x) => x.name.toString() === method);
    if (!m) throw new Error(`${api}_${method} is not in the metadata`);
    return registry.createLookupType(m.output);
  };
  const decodeRecorded = (key: string, index = 0): Json => {
    const [api, ...rest] = key.split('_');
    const rec = recorded[key]?.[index];
    if (!rec) throw new Error(`no record for ${key}`);
    const bytes = hexToU8a(rec.result);
    const value = registry.createType(outputType(api as string, rest.join('_')), bytes);
    // Every byte must be consumed: a shorter decode means a layout mismatch.
    expect(value.encodedLength, key).toBe(bytes.length);
    return value.toJSON() as Json;
  };

  it('has the runtime APIs and inputs the backend calls', () => {
    const inputs = (api: string, method: string) =>
      metadata.asLatest.apis
        ?.find((x) => x.name.toString() === api)
        ?.methods.find((x) => x.name.toString() === method)
        ?.inputs.map((i) => registry.lookup.getTypeDef(i.type).type);
    expect(inputs('NeuronInfoRuntimeApi', 'get_neurons_lite')).toEqual(['u16']);
    expect(inputs('SubnetInfoRuntimeApi', 'get_subnet_state')).toEqual(['u16']);
    expect(inputs('SubnetInfoRuntimeApi', 'get_subnet_hyperparams_v2')).toEqual(['u16']);
    expect(inputs('StakeInfoRuntimeApi', 'get_stake_info_for_hotkey_coldkey_netuid')).toEqual([
      'AccountId32',
      'AccountId32',
      'u16',
    ]);
    expect(inputs('StakeInfoRuntimeApi', 'get_stake_info_for_coldkey')).toEqual(['AccountId32']);
    expect(inputs('SubnetRegistrationRuntimeApi', 'get_network_registration_cost')).toEqual([]);
    expect(inputs('SwapRuntimeApi', 'current_alpha_price')).toEqual(['u16']);
  });

  it('builds a consistent metagraph from get_neurons_lite(1) + get_subnet_state(1)', () => {
    const neurons = decodeRecorded('NeuronInfoRuntimeApi_get_neurons_lite') as Json[];
    const state = decodeRecorded('SubnetInfoRuntimeApi_get_subnet_state') as Record<string, Json[]>;
    const mg = metagraphFromRuntime(1, 100, neurons, state);
    expect(mg.n).toBe(neurons.length);
    expect(mg.n).toBeGreaterThan(10);
    expect(mg.uids).toEqual(Array.from({ length: mg.n }, (_, i) => i));
    // The two runtime calls agree on who holds each uid.
    expect(mg.hotkeys).toEqual(state.hotkeys);
    expect(mg.alphaStake.map(String)).toEqual(
      (state.alphaStake as Json[]).map((v) => BigInt(v as number | string).toString()),
    );
    for (const key of [
      'ranks',
      'trust',
      'consensus',
      'validatorTrust',
      'incentive',
      'dividends',
      'pruningScore',
    ] as const) {
      expect(
        mg[key].every((x) => x >= 0 && x <= 1),
        key,
      ).toBe(true);
      expect(mg[key]).toHaveLength(mg.n);
    }
    const served = mg.axons.filter((a) => a !== null);
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((a) => /^\d+\.\d+\.\d+\.\d+$|:/.test(a?.ip ?? '') && (a?.port ?? 0) > 0)).toBe(true);
    expect(mg.validatorPermit.some(Boolean)).toBe(true);
  });

  it('decodes get_subnet_hyperparams into SubnetHyperparameters', () => {
    const raw = decodeRecorded('SubnetInfoRuntimeApi_get_subnet_hyperparams');
    const h = hyperparametersFromRuntime(raw, {
      maxAllowedUids: 256,
      burn: 1n,
      bondsPenalty: 0,
      stakeThreshold: 0n,
      yuma3Enabled: null,
    });
    expect(h.tempo).toBeGreaterThan(0);
    expect(h.kappa).toBe(32767);
    expect(h.immunityPeriod).toBe(5000);
    expect(h.maxWeightsLimit).toBe(65535);
    expect(h.minBurn <= h.maxBurn).toBe(true);
  });

  it('decodes get_network_registration_cost and get_selective_mechagraph fully', () => {
    const cost = decodeRecorded('SubnetRegistrationRuntimeApi_get_network_registration_cost');
    expect(BigInt(cost as number)).toBeGreaterThan(0n);
    const mech = decodeRecorded('SubnetInfoRuntimeApi_get_selective_mechagraph') as Record<string, Json>;
    expect(mech.netuid).toBe(1);
  });
});

describe('dispatch errors decode to subtensor names', () => {
  const handled = [
    'SubnetNotExists',
    'HotKeyAlreadyRegisteredInSubNet',
    'NotEnoughBalanceToStake',
    'NonAssociatedColdKey',
    'TooManyRegistrationsThisBlock',
    'SubNetRegistrationDisabled',
    'NetworkTxRateLimitExceeded',
    'CannotAffordLockCost',
    'NotSubnetOwner',
    'FirstEmissionBlockNumberAlreadySet',
    'NeedWaitingMoreBlocksToStarCall',
    'SubtokenDisabled',
    'HotKeyNotRegisteredInNetwork',
    'InvalidIpType',
    'InvalidIpAddress',
    'ServingRateLimitExceeded',
    'InvalidPort',
    'CommitRevealEnabled',
    'CommitRevealDisabled',
    'WeightVecNotEqualSize',
    'UidsLengthExceedUidsInSubNet',
    'HotKeyNotRegisteredInSubNet',
    'NotEnoughStakeToSetWeights',
    'IncorrectWeightVersionKey',
    'SettingWeightsTooFast',
    'NeuronNoValidatorPermit',
    'DuplicateUids',
    'UidVecContainInvalidOne',
    'WeightVecLengthIsLow',
    'MaxWeightExceeded',
    'CommittingWeightsTooFast',
    'TooManyUnrevealedCommits',
    'NoWeightsCommitFound',
    'InvalidRevealCommitHashNotMatch',
    'RevealTooEarly',
    'ExpiredWeightCommit',
    'AmountTooLow',
    'NotEnoughStakeToWithdraw',
    'HotKeyAccountNotExists',
    'InsufficientLiquidity',
    'SlippageTooHigh',
    'TransferDisallowed',
    'TxRateLimitExceeded',
    'AdminActionProhibitedDuringWeightsWindow',
  ];

  it('names every SubtensorModule, AdminUtils and Balances error of spec 343 by its module index', () => {
    const { registry, metadata } = meta('spec343-v15');
    let checked = 0;
    for (const palletName of ['SubtensorModule', 'AdminUtils', 'Balances', 'Swap']) {
      const p = metadata.asLatest.pallets.find((x) => x.name.toString() === palletName);
      const variants = registry.lookup.getSiType(p?.errors.unwrap().type ?? 0).def.asVariant.variants;
      for (const v of variants) {
        const err = registry.createType('DispatchError', {
          Module: { index: p?.index.toNumber(), error: [v.index.toNumber(), 0, 0, 0] },
        });
        expect(nameDispatchError(registry, err as never)).toEqual({ pallet: palletName, name: v.name.toString() });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('covers every error the runtimes branch on, in 343', () => {
    const { registry, metadata } = meta('spec343-v15');
    const p = metadata.asLatest.pallets.find((x) => x.name.toString() === 'SubtensorModule');
    const names = new Set(
      registry.lookup.getSiType(p?.errors.unwrap().type ?? 0).def.asVariant.variants.map((v) => v.name.toString()),
    );
    expect(handled.filter((n) => !names.has(n))).toEqual([]);
  });

  it('decodes with the metadata of the producing runtime (indices differ: [7, 0] in 219)', () => {
    const { registry } = meta('spec219-mainnet-v14');
    const err = registry.createType('DispatchError', { Module: { index: 7, error: [0, 0, 0, 0] } });
    expect(nameDispatchError(registry, err as never).name).toBe('SubNetworkDoesNotExist');
    const r343 = meta('spec343-v15').registry;
    const weightsTooFast = (r343.findMetaError(new Uint8Array([7, 28])) as { name: string }).name;
    expect(weightsTooFast).toBe('SettingWeightsTooFast');
  });

  it('names non-module dispatch errors (BadOrigin, Token.NoFunds)', () => {
    const { registry } = meta('spec343-v15');
    expect(nameDispatchError(registry, registry.createType('DispatchError', 'BadOrigin') as never)).toEqual({
      pallet: 'System',
      name: 'BadOrigin',
    });
    const token = registry.createType('DispatchError', { Token: 'NoFunds' });
    expect(nameDispatchError(registry, token as never).name).toBe('NoFunds');
    expect(errorCodeFor('NoFunds')).toBe('SK_CHAIN_INSUFFICIENT_BALANCE');
    expect(errorCodeFor('FundsUnavailable')).toBe('SK_CHAIN_INSUFFICIENT_BALANCE');
  });

  it('maps names to SubnetkitError codes and pool rejections to names', () => {
    expect(errorCodeFor('NotEnoughBalanceToStake')).toBe('SK_CHAIN_INSUFFICIENT_BALANCE');
    expect(errorCodeFor('SubnetNotExists')).toBe('SK_CHAIN_EXTRINSIC_FAILED');
    expect(errorCodeFor('InvalidValue')).toBe('SK_CHAIN_BAD_INPUT');
    expect(errorCodeFor('Stale')).toBe('SK_CHAIN_BAD_NONCE');
    expect(errorCodeFor('BadProof')).toBe('SK_CHAIN_BAD_SIGNATURE');
    expect(errorCodeFor('SettingWeightsTooFast')).toBe('SK_CHAIN_EXTRINSIC_FAILED');
    expect(namePoolRejection('1010: Invalid Transaction: Custom error: 6')).toEqual({
      pallet: 'SubtensorModule',
      name: 'RateLimitExceeded',
    });
    expect(namePoolRejection('1010: Invalid Transaction: Transaction has a bad signature')?.name).toBe('BadProof');
    expect(namePoolRejection('1010: Invalid Transaction: Transaction is outdated')?.name).toBe('Stale');
    expect(
      namePoolRejection('1010: Invalid Transaction: Inability to pay some fees (e.g. account balance too low)')?.name,
    ).toBe('Payment');
    expect(namePoolRejection('socket hang up')).toBeNull();
    expect(Object.keys(CUSTOM_VALIDITY_ERRORS)).toHaveLength(29);
  });
});

describe('signing with a Subnetkit Signer', () => {
  beforeAll(async () => {
    await cryptoWaitReady();
  });

  it('produces an extrinsic whose sr25519 signature verifies over the Substrate payload', async () => {
    const { registry, decorated } = meta('spec343-v15');
    const pair = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
    const signer = { address: pair.address, publicKey: pair.publicKey, sign: (m: Uint8Array) => pair.sign(m) };
    const call = buildCall(decorated.tx as unknown as DecoratedCalls, CALLS[5]?.call as ChainCall);
    const genesis = `0x${'11'.repeat(32)}`;
    const payload = registry.createType('SignerPayload', {
      address: pair.address,
      blockHash: genesis,
      blockNumber: 0,
      era: registry.createType('ExtrinsicEra'),
      genesisHash: genesis,
      method: call,
      nonce: 3,
      runtimeVersion: { specVersion: 343, transactionVersion: 1 },
      signedExtensions: registry.signedExtensions,
      tip: 0,
      version: 4,
    });
    const result = await toPolkadotSigner(signer, registry).signPayload?.(payload.toPayload());
    expect(result?.signature.startsWith('0x01')).toBe(true);
    const raw = registry.createType('ExtrinsicPayload', payload.toPayload(), { version: 4 }).toU8a({ method: true });
    const sig = hexToU8a(result?.signature).subarray(1);
    expect(signatureVerify(signingBytes(raw), sig, pair.address).isValid).toBe(true);
    // The signed extrinsic decodes back to the same call.
    const ext = registry.createType('Extrinsic', call);
    ext.addSignature(pair.address, hexToU8a(result?.signature), payload.toPayload());
    const back = registry.createType('Extrinsic', ext.toU8a());
    expect(back.method.method).toBe('setWeights');
    expect(back.signer.toString()).toBe(pair.address);
  });

  it('hashes payloads longer than 256 bytes before signing', () => {
    expect(signingBytes(new Uint8Array(256))).toHaveLength(256);
    expect(signingBytes(new Uint8Array(257))).toHaveLength(32);
  });

  it('refuses to sign for another account', async () => {
    const { registry } = meta('spec343-v15');
    const pair = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
    const signer = { address: pair.address, publicKey: pair.publicKey, sign: (m: Uint8Array) => pair.sign(m) };
    await expect(
      toPolkadotSigner(signer, registry).signPayload?.({ address: BOB } as never) as Promise<unknown>,
    ).rejects.toMatchObject({ code: 'SK_CHAIN_BAD_INPUT' });
  });
});

it('covers all three fixture runtimes', () => {
  expect(FIXTURE_SPECS).toHaveLength(3);
});
