/**
 * The fast extrinsic reader against the registry path it short-cuts: on every common-shape
 * extrinsic both give the same verified result (or the same refusal), and every other shape reads
 * as null so the registry path decides.
 */
import { Keyring } from '@polkadot/keyring';
import type { Extrinsic } from '@polkadot/types/interfaces';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCompact, readSignedEnvelope, readTransfer } from './fast-extrinsic.js';
import {
  DEVNET_SPEC,
  type DevnetRuntime,
  fastDecodeAndVerify,
  loadDevnetRuntime,
  registryDecodeAndVerify,
} from './runtime.js';

const GENESIS = `0x${'11'.repeat(32)}`;
const BLOCK_40 = `0x${'40'.repeat(32)}`;
const HEAD = 50;
const hashAt = (n: number): string | null => (n === 0 ? GENESIS : n === 40 ? BLOCK_40 : null);

describe('fast extrinsic reader', () => {
  let rt: DevnetRuntime;
  let keyring: Keyring;

  beforeAll(async () => {
    await cryptoWaitReady();
    rt = loadDevnetRuntime();
    keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  });

  const dest = () => keyring.addFromUri('//Dest').address;

  /** Signs `call` as polkadot-js does for the devnet (spec 343, metadata-hash mode 0). */
  const signed = (
    call: Record<string, unknown> | ReturnType<DevnetRuntime['registry']['createType']>,
    opts: { nonce?: number; tip?: bigint; era?: { period: number; current: number }; uri?: string; type?: string } = {},
  ): string => {
    const pair = new Keyring({ type: (opts.type ?? 'sr25519') as 'sr25519', ss58Format: 42 }).addFromUri(
      opts.uri ?? '//Alice',
    );
    const ext = rt.registry.createType('Extrinsic', rt.registry.createType('Call', call)) as Extrinsic;
    const era = opts.era
      ? rt.registry.createType('ExtrinsicEra', { period: opts.era.period, current: opts.era.current })
      : rt.registry.createType('ExtrinsicEra', new Uint8Array([0]));
    ext.sign(pair, {
      blockHash: opts.era ? BLOCK_40 : GENESIS,
      era,
      genesisHash: GENESIS,
      nonce: opts.nonce ?? 0,
      tip: opts.tip ?? 0n,
      runtimeVersion: {
        specVersion: DEVNET_SPEC.specVersion,
        transactionVersion: DEVNET_SPEC.transactionVersion,
      } as never,
    });
    return ext.toHex();
  };

  const both = (hex: string) => {
    const bytes = Uint8Array.from(Buffer.from(hex.slice(2), 'hex'));
    const run = (f: typeof registryDecodeAndVerify) => {
      try {
        return { ok: f(rt, bytes, hex, GENESIS, HEAD, hashAt) };
      } catch (err) {
        return { err: (err as Error).message };
      }
    };
    return { fast: run(fastDecodeAndVerify as typeof registryDecodeAndVerify), registry: run(registryDecodeAndVerify) };
  };

  const transfer = (method: 'transferKeepAlive' | 'transferAllowDeath', value: bigint) =>
    rt.registry.createType('Call', {
      callIndex: [rt.palletIndex('Balances') as number, method === 'transferKeepAlive' ? 3 : 0],
      args: { dest: { Id: dest() }, value },
    });

  it('reads the common shapes exactly as the registry path does', () => {
    const tx = (section: string, method: string, args: Record<string, unknown>) => {
      const meta = rt.metadata.asLatest.pallets.find((p) => p.name.toString().toLowerCase() === section);
      if (!meta) throw new Error(section);
      const variants = rt.registry.lookup.getSiType(meta.calls.unwrap().type).def.asVariant.variants;
      const v = variants.find((x) => x.name.toString() === method);
      if (!v) throw new Error(method);
      return rt.registry.createType('Call', {
        callIndex: [meta.index.toNumber(), v.index.toNumber()],
        args,
      });
    };
    const cases: string[] = [
      signed(transfer('transferKeepAlive', 1_000_000_000n)),
      // 2-byte nonce, 8-byte tip, a mortal era, a value above 2^53
      signed(transfer('transferAllowDeath', 2n ** 63n + 5n), {
        nonce: 300,
        tip: 10n ** 12n,
        era: { period: 64, current: 40 },
      }),
      signed(transfer('transferKeepAlive', 0n), { nonce: 70_000, uri: '//Bob' }),
      signed(tx('subtensormodule', 'burned_register', { netuid: 1, hotkey: dest() })),
      // a payload over 256 bytes is signed by its blake2-256 hash
      signed(
        tx('subtensormodule', 'set_weights', {
          netuid: 1,
          dests: Array.from({ length: 100 }, (_, i) => i),
          weights: Array.from({ length: 100 }, (_, i) => i * 3),
          version_key: 0,
        }),
      ),
      signed(
        tx('utility', 'batch_all', { calls: [transfer('transferKeepAlive', 5n), transfer('transferKeepAlive', 6n)] }),
      ),
      signed(tx('sudo', 'sudo', { call: tx('adminutils', 'sudo_set_tempo', { netuid: 1, tempo: 10 }) })),
    ];
    for (const hex of cases) {
      const { fast, registry } = both(hex);
      expect(registry.ok, hex).toBeDefined();
      expect(fast).toEqual(registry);
    }
  });

  it('refuses what the registry path refuses, with the same error', () => {
    const good = signed(transfer('transferKeepAlive', 1n));
    const bytes = Buffer.from(good.slice(2), 'hex');
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 1; // the value changes: the signature no longer covers it
    const tampered = `0x${bytes.toString('hex')}`;
    // a call the devnet does not apply, and an era born at a block the devnet does not know
    const forceTransfer = signed(
      rt.registry.createType('Call', {
        callIndex: [5, 2],
        args: { source: { Id: dest() }, dest: { Id: dest() }, value: 1n },
      }),
    );
    const ancient = signed(transfer('transferKeepAlive', 1n), { era: { period: 4, current: 13 } });
    for (const [hex, message] of [
      [tampered, 'bad signature'],
      [forceTransfer, 'not implemented'],
      [ancient, 'ancient birth block'],
    ] as const) {
      const { fast, registry } = both(hex);
      expect(registry.err).toContain(message);
      expect(fast).toEqual(registry);
    }
  });

  it('leaves every other shape to the registry path', () => {
    const good = signed(transfer('transferKeepAlive', 1n));
    const bytes = Uint8Array.from(Buffer.from(good.slice(2), 'hex'));
    expect(readSignedEnvelope(bytes)).not.toBeNull();
    // ed25519 signature, a trailing byte (length prefix no longer matches), unsigned
    const ed = signed(transfer('transferKeepAlive', 1n), { type: 'ed25519' });
    const trailing = Uint8Array.from([...bytes, 0]);
    const unsigned = rt.registry.createType('Extrinsic', transfer('transferKeepAlive', 1n)).toU8a();
    for (const b of [Uint8Array.from(Buffer.from(ed.slice(2), 'hex')), trailing, unsigned]) {
      expect(readSignedEnvelope(b)).toBeNull();
      expect(fastDecodeAndVerify(rt, b, u8aToHex(b), GENESIS, HEAD, hashAt)).toBeNull();
    }
    // a transfer of 2^64 (T::Balance is u64): not read as a transfer
    const big = Uint8Array.from([5, 3, 0, ...new Uint8Array(32), 0x13, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(readTransfer(big, 5)).toBeNull();
    expect(readTransfer(Uint8Array.from([...big.subarray(0, 35), 0x04]), 5)?.value).toBe(1n);
    // the ed25519 one still verifies through the registry path
    const edBytes = Uint8Array.from(Buffer.from(ed.slice(2), 'hex'));
    expect(registryDecodeAndVerify(rt, edBytes, ed, GENESIS, HEAD, hashAt).nonce).toBe(0);
  });

  it('reads only canonical SCALE compacts', () => {
    expect(readCompact(Uint8Array.from([0xfc]), 0)?.value).toBe(63n);
    expect(readCompact(Uint8Array.from([0x01, 0x01]), 0)?.value).toBe(64n);
    expect(readCompact(Uint8Array.from([0x02, 0x00, 0x01, 0x00]), 0)?.value).toBe(2n ** 14n);
    expect(readCompact(Uint8Array.from([0x03, 0x00, 0x00, 0x00, 0x40]), 0)?.value).toBe(2n ** 30n);
    expect(readCompact(Uint8Array.from([0x07, 1, 2, 3, 4, 5]), 0)?.value).toBe(0x0504030201n);
    // the same small values in longer forms, a zero top byte, truncation
    expect(readCompact(Uint8Array.from([0x01, 0x00]), 0)).toBeNull();
    expect(readCompact(Uint8Array.from([0x02, 0x01, 0x00, 0x00]), 0)).toBeNull();
    expect(readCompact(Uint8Array.from([0x03, 0xff, 0xff, 0xff, 0x3f]), 0)).toBeNull();
    expect(readCompact(Uint8Array.from([0x07, 1, 2, 3, 4, 0]), 0)).toBeNull();
    expect(readCompact(Uint8Array.from([0x02, 0x01]), 0)).toBeNull();
  });
});
