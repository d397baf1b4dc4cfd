import { describe, expect, it } from 'vitest';
import { isSubnetkitError } from '../../errors/subnetkit-error.js';
import { createRandom, type Random } from '../../util/random.js';
import type { Signer } from '../../util/signer.js';
import type { ChainCall } from '../types.js';
import { canonicalEncode, utf8 } from './codec.js';
import { initCrypto } from './crypto.js';
import type { SignedExtrinsic } from './extrinsic.js';
import type { GenesisConfig } from './genesis.js';
import { createLocalChain, type LocalChain } from './local-chain.js';
import { invariantViolations, wasmSigner } from './test-helpers.js';

const TAO = 1_000_000_000n;
const CODES = new Set([
  'SK_CHAIN_EXTRINSIC_FAILED',
  'SK_CHAIN_INSUFFICIENT_BALANCE',
  'SK_CHAIN_BAD_SIGNATURE',
  'SK_CHAIN_BAD_NONCE',
  'SK_CHAIN_BAD_INPUT',
]);

function randomCall(r: Random, keys: Signer[]): ChainCall {
  const addr = () => r.pick(keys).address;
  const netuid = r.int(0, 3);
  const amount = () => r.pick([0n, 1n, 499n, 2_000_000n, TAO, 50n * TAO, BigInt(r.int(0, 1e9)) * 1000n, 10n ** 18n]);
  const u16s = (len: number) => Array.from({ length: len }, () => r.pick([0, 1, 2, 3, 4, r.int(0, 65535)]));
  switch (r.int(0, 13)) {
    case 0:
      return {
        pallet: 'Balances',
        method: r.pick(['transfer_keep_alive', 'transfer_allow_death'] as const),
        args: { dest: addr(), value: amount() },
      };
    case 1:
      return { pallet: 'SubtensorModule', method: 'burned_register', args: { netuid, hotkey: addr() } };
    case 2:
      return {
        pallet: 'SubtensorModule',
        method: 'serve_axon',
        args: {
          netuid,
          version: 1,
          ip: r.pick(['10.0.0.1', '127.0.0.1', '::1', '2001:db8::2', '1.2.3', '0.0.0.0']),
          port: r.int(0, 3),
          ipType: r.pick([4, 6, 5] as (4 | 6)[]),
          protocol: 4,
        },
      };
    case 3: {
      const len = r.int(0, 5);
      return {
        pallet: 'SubtensorModule',
        method: 'set_weights',
        args: { netuid, dests: u16s(len), weights: u16s(r.int(0, 1) ? len : len + 1), versionKey: BigInt(r.int(0, 2)) },
      };
    }
    case 4:
    case 5:
      return {
        pallet: 'SubtensorModule',
        method: 'add_stake',
        args: { hotkey: addr(), netuid, amountStaked: amount() },
      };
    case 6:
      return {
        pallet: 'SubtensorModule',
        method: 'remove_stake',
        args: { hotkey: addr(), netuid, amountUnstaked: amount() },
      };
    case 7:
      return {
        pallet: 'SubtensorModule',
        method: 'commit_weights',
        args: { netuid, commitHash: `0x${'ab'.repeat(32)}` },
      };
    case 8:
      return {
        pallet: 'SubtensorModule',
        method: 'reveal_weights',
        args: { netuid, uids: u16s(1), values: u16s(1), salt: u16s(2), versionKey: 0n },
      };
    case 9:
      return {
        pallet: 'AdminUtils',
        method: 'set_hyperparameter',
        args: {
          netuid,
          name: r.pick([
            'tempo',
            'immunity_period',
            'max_allowed_uids',
            'min_burn',
            'commit_reveal_weights_enabled',
            'bogus',
          ]),
          value: r.pick([0, 1, 5, 300, true, 10n ** 12n]),
        },
      };
    case 10:
      return { pallet: 'SubtensorModule', method: 'register_network', args: { hotkey: addr() } };
    case 11: {
      const proportion = () => r.pick([0n, 1n, 2n ** 63n, 2n ** 64n - 1n, BigInt(r.int(0, 1e9)) << 32n]);
      const children = Array.from({ length: r.int(0, 6) }, (): [bigint, string] => [proportion(), addr()]);
      return { pallet: 'SubtensorModule', method: 'set_children', args: { hotkey: addr(), netuid, children } };
    }
    case 12:
      return {
        pallet: 'SubtensorModule',
        method: 'set_childkey_take',
        args: { hotkey: addr(), netuid, take: r.pick([0, 1000, 11796, 11797, 65535]) },
      };
    default:
      return { pallet: 'SubtensorModule', method: 'start_call', args: { netuid } };
  }
}

/** A signed extrinsic, or one of many kinds of garbage. */
function randomInput(r: Random, chain: LocalChain, keys: Signer[]): Uint8Array | SignedExtrinsic {
  const signer = r.pick(keys);
  const call = randomCall(r, keys);
  const kind = r.int(0, 19);
  if (kind < 12) return chain.sign(signer, call);
  const x = chain.sign(signer, call);
  switch (kind) {
    case 12:
      return { ...x, signature: `0x${'00'.repeat(64)}` };
    case 13:
      return { ...x, nonce: x.nonce + r.int(1, 3) };
    case 14:
      return { ...x, call: randomCall(r, keys) };
    case 15:
      return Uint8Array.from({ length: r.int(0, 80) }, () => r.int(0, 255));
    case 16:
      return utf8(canonicalEncode({ ...x, call: { ...x.call, method: 'sudo_kill_everyone' } }));
    case 17:
      return utf8(canonicalEncode({ ...x, call: { ...x.call, args: { ...x.call.args, netuid: -1, value: 'x' } } }));
    case 18:
      return { ...x, signer: r.pick(['nope', '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQ', x.signer]) };
    default:
      return utf8(canonicalEncode(x).slice(0, r.int(0, 60)));
  }
}

describe('fuzz', () => {
  it('thousands of random and malformed extrinsics: typed errors, invariants, replayable state', {
    tags: ['slow'],
  }, async () => {
    await initCrypto();
    const keys = Array.from({ length: 6 }, (_, i) => wasmSigner(`fuzz-${i}`));
    const genesis: GenesisConfig = {
      accounts: keys.map((k, i) => ({ address: k.address, balance: i === 5 ? 1000n : 5000n * TAO })),
      subnets: [
        {
          netuid: 1,
          owner: keys[0]?.address as string,
          ownerHotkey: keys[1]?.address as string,
          hyperparameters: { tempo: 5, weightsRateLimit: 1, maxAllowedUids: 4, immunityPeriod: 3, minNonImmuneUids: 1 },
        },
        {
          netuid: 2,
          owner: keys[2]?.address as string,
          ownerHotkey: keys[3]?.address as string,
          hyperparameters: { tempo: 7, commitRevealWeightsEnabled: true, maxAllowedUids: 3 },
        },
      ],
      params: { sudo: keys[0]?.address as string, networkRateLimit: 5 },
    };
    const chain = await createLocalChain({ blockTime: 'manual', genesis });
    const r = createRandom('local-chain-fuzz');
    const blocks: { extrinsics: string[]; stateHash: string }[] = [];
    let accepted = 0;
    let rejected = 0;
    const settled: Promise<void>[] = [];
    const total = 3000;
    for (let i = 0; i < total; i++) {
      const input = randomInput(r, chain, keys);
      settled.push(
        chain.submitExtrinsic(input).then(
          () => {
            accepted++;
          },
          (err) => {
            rejected++;
            expect(isSubnetkitError(err)).toBe(true);
            expect(CODES.has(err.code)).toBe(true);
            expect(typeof err.details.chainError).toBe('string');
          },
        ),
      );
      if (i % 12 === 11) {
        await chain.advance(1);
        blocks.push({ extrinsics: chain.lastBlockExtrinsics(), stateHash: chain.stateHash() });
        if (blocks.length % 25 === 0) expect(invariantViolations(chain)).toEqual([]);
      }
    }
    await chain.advance(1);
    blocks.push({ extrinsics: chain.lastBlockExtrinsics(), stateHash: chain.stateHash() });
    await Promise.all(settled);
    expect(accepted + rejected).toBe(total);
    expect(accepted).toBeGreaterThan(50);
    expect(invariantViolations(chain)).toEqual([]);
    // replay: the same genesis and the same included extrinsics give the same hash, block by block
    const replay = await createLocalChain({ blockTime: 'manual', genesis });
    for (const b of blocks) {
      for (const x of b.extrinsics) replay.submitExtrinsic(utf8(x)).catch(() => undefined);
      await replay.advance(1);
      expect(replay.stateHash()).toBe(b.stateHash);
    }
    await chain.close();
    await replay.close();
  });
});
