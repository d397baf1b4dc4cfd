/**
 * Conformance: the devnet seen only through a stock @polkadot/api client, as any Polkadot or
 * Bittensor tool would use it. Project code is imported only to start the devnet in-process; every
 * observation goes through `ApiPromise` (storage, paging, runtime calls, transaction statuses).
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';
import type {
  ApiDecoration,
  QueryableStorageEntry,
  SubmittableExtrinsic,
  SubmittableExtrinsicFunction,
} from '@polkadot/api/types';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { AccountInfo } from '@polkadot/types/interfaces';
import type { Codec, ISubmittableResult } from '@polkadot/types/types';
import { blake2AsHex } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../util/clock.js';
import { createLocalChain, devGenesis } from '../local/index.js';
import { startDevnet } from './devnet-server.js';
import { localChainEngine } from './local-engine.js';

const TAO = 1_000_000_000n;

// the devnet's own metadata decorates these at runtime; without generated augmentation they are
// typed loosely, so the test narrows them here
const big = (c: Codec): bigint => (c as unknown as { toBigInt(): bigint }).toBigInt();
const num = (c: Codec): number => (c as unknown as { toNumber(): number }).toNumber();
const accountInfo = (c: Codec): AccountInfo => c as unknown as AccountInfo;

function entry(api: ApiPromise | ApiDecoration<'promise'>, pallet: string, item: string) {
  const f = api.query[pallet]?.[item];
  if (!f) throw new Error(`the metadata lacks ${pallet}.${item}`);
  return f as QueryableStorageEntry<'promise'>;
}

function call(api: ApiPromise, pallet: string, method: string): SubmittableExtrinsicFunction<'promise'> {
  const f = api.tx[pallet]?.[method];
  if (!f) throw new Error(`the metadata lacks ${pallet}.${method}`);
  return f;
}

interface Watched {
  statuses: string[];
  blockHash: string;
  isInBlockSeen: boolean;
  failed: boolean;
}

/** Sends a signed extrinsic and resolves at Finalized with every status polkadot-js reported. */
function watch(tx: SubmittableExtrinsic<'promise'>): Promise<Watched> {
  return new Promise((resolve, reject) => {
    const statuses: string[] = [];
    let isInBlockSeen = false;
    tx.send((r: ISubmittableResult) => {
      statuses.push(r.status.type);
      if (r.status.isInBlock) isInBlockSeen = true;
      if (r.status.isFinalized) {
        resolve({
          statuses,
          blockHash: r.status.asFinalized.toHex(),
          isInBlockSeen,
          failed: r.dispatchError !== undefined,
        });
      }
      if (r.status.isInvalid || r.status.isDropped) reject(new Error(`extrinsic ${r.status.type}`));
    }).catch(reject);
  });
}

/**
 * `subnetkit localnet --rpc-port` as a user starts it (the CLI's build, one small subnet), stopped
 * with Ctrl-C (SIGINT) as a user stops it.
 */
async function startLocalnet(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'sk-localnet-conformance-'));
  const port = await freePort();
  const bin = fileURLToPath(new URL('../../../../cli/dist/bin.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [bin, 'localnet', '--subnets', '@subnetkit/subnet-predict', '--validators', '1', '--miners', '1'].concat([
      '--rpc-port',
      String(port),
      '--data-dir',
      dir,
    ]),
    { cwd: fileURLToPath(new URL('../../../../..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /chain RPC on (ws:\/\/\S+)/.exec(output);
      if (m?.[1]) resolve(m[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`localnet exited (${code}) before serving RPC:\n${output}`)));
  });
  return {
    url,
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A node to check: its WebSocket endpoint, and how to stop it. */
interface Target {
  url: string;
  close(): Promise<void>;
}

/**
 * The conformance script: run against any target whose dev accounts //Alice, //Bob and //Charlie
 * are funded and which has at least one subnet besides root with a registered hotkey. Comparisons
 * of two reads are pinned to one block hash, so a chain that keeps producing blocks (a localnet
 * with its validators) gives the same answers as an idle devnet.
 */
function conformance(name: string, start: () => Promise<Target>, tags: string[] = []): void {
  describe(name, { tags }, () => {
    let target: Target;
    let api: ApiPromise;
    let provider: WsProvider;
    let alice: KeyringPair;
    let bob: KeyringPair;
    let charlie: KeyringPair;
    let dave: KeyringPair;
    /** A subnet besides root, every netuid, and a hotkey registered on that subnet. */
    let netuid: number;
    let netuids: number[];
    let stakeHot: string;

    beforeAll(async () => {
      target = await start();
      provider = new WsProvider(target.url);
      api = await ApiPromise.create({ provider, noInitWarn: true });
      const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
      alice = keyring.addFromUri('//Alice');
      bob = keyring.addFromUri('//Bob');
      charlie = keyring.addFromUri('//Charlie');
      dave = keyring.addFromUri('//Dave');
      const at = await api.at(await api.rpc.chain.getFinalizedHead());
      netuids = (await entry(at, 'subtensorModule', 'networksAdded').keys())
        .map((k) => Number(k.args[0]?.toString()))
        .sort((a, b) => a - b);
      netuid = netuids.find((n) => n > 0) ?? 1;
      const keys = await entry(at, 'subtensorModule', 'keys').entries(netuid);
      stakeHot = keys[0]?.[1].toString() ?? '';
      if (!stakeHot) throw new Error(`subnet ${netuid} has no registered hotkey`);
      // //Dave is not funded everywhere
      await watch(await transfer(dave.address, 1_000n * TAO).signAsync(alice));
    });

    afterAll(async () => {
      await api?.disconnect();
      await target?.close();
    });

    const nextNonce = async (who: KeyringPair): Promise<number> =>
      (await api.rpc.system.accountNextIndex(who.address)).toNumber();
    const free = async (address: string): Promise<bigint> =>
      accountInfo(await entry(api, 'system', 'account')(address)).data.free.toBigInt();
    const transfer = (to: string, value: bigint) => call(api, 'balances', 'transferKeepAlive')(to, value);

    it('reports Ready, then InBlock, then Finalized as separate statuses', async () => {
      const tx = transfer(dave.address, TAO);
      await tx.signAsync(alice);
      const w = await watch(tx);
      expect(w.statuses).toEqual(['Ready', 'InBlock', 'Finalized']);
      expect(w.isInBlockSeen).toBe(true);
      expect(w.failed).toBe(false);
      const block = await api.rpc.chain.getBlock(w.blockHash);
      expect(block.block.extrinsics.map((x) => x.hash.toHex())).toContain(tx.hash.toHex());
    });

    it('reads TotalNetworks, System.Number and Balances.TotalIssuance as a node holds them', async () => {
      const head = await api.at(await api.rpc.chain.getFinalizedHead());
      // root included
      expect(num(await entry(head, 'subtensorModule', 'totalNetworks')())).toBe(netuids.length);
      expect(netuids.length).toBeGreaterThanOrEqual(2);

      const w = await watch(await transfer(dave.address, TAO).signAsync(alice));
      const header = await api.rpc.chain.getHeader(w.blockHash);
      const at = await api.at(w.blockHash);
      expect(num(await entry(at, 'system', 'number')())).toBe(header.number.toNumber());
      expect(header.number.toNumber()).toBeGreaterThan(0);
      const parentAt = await api.at(header.parentHash);
      expect(num(await entry(parentAt, 'system', 'number')())).toBe(header.number.toNumber() - 1);

      const blockHash = entry(api, 'system', 'blockHash');
      expect((await blockHash(header.number.toNumber() - 1)).toHex()).toBe(header.parentHash.toHex());
      expect((await blockHash(0)).toHex()).toBe(api.genesisHash.toHex());
      // size and hash of a stored value, as a node computes them
      const aliceAccount = entry(at, 'system', 'account');
      const raw = (await aliceAccount(alice.address)).toU8a();
      expect((await aliceAccount.size(alice.address)).toNumber()).toBe(raw.length);
      expect((await aliceAccount.hash(alice.address)).toHex()).toBe(blake2AsHex(raw, 256));

      // both at one block: a chain with running neurons moves on between two reads
      const accounts = await entry(at, 'system', 'account').entries();
      const held = accounts.reduce((sum, [, c]) => {
        const a = accountInfo(c);
        return sum + a.data.free.toBigInt() + a.data.reserved.toBigInt();
      }, 0n);
      const issuance = big(await entry(at, 'balances', 'totalIssuance')());
      expect(issuance).toBeGreaterThan(0n);
      expect(issuance).toBe(held);
    });

    it('enumerates System.Account and SubnetTAO with entries(), keys() and paging', async () => {
      const at = await api.at(await api.rpc.chain.getFinalizedHead());
      const account = entry(at, 'system', 'account');
      const entries = await account.entries();
      const addresses = entries.map(([key]) => key.args[0]?.toString());
      for (const who of [alice, bob, charlie, dave]) expect(addresses).toContain(who.address);
      for (const [key, value] of entries.slice(0, 3)) {
        expect(accountInfo(value).data.free.toBigInt()).toBe(
          accountInfo(await account(key.args[0])).data.free.toBigInt(),
        );
      }
      const keys = await account.keys();
      expect(keys.map((k) => k.toHex()).sort()).toEqual(entries.map(([k]) => k.toHex()).sort());

      // pages of 2 cover the same set, each key once
      const paged: string[] = [];
      let startKey: string | undefined;
      let pages = 0;
      for (;;) {
        const page = await account.entriesPaged({
          args: [],
          pageSize: 2,
          ...(startKey ? { startKey } : {}),
        });
        pages++;
        paged.push(...page.map(([k]) => k.toHex()));
        if (page.length < 2) break;
        startKey = page[page.length - 1]?.[0].toHex();
      }
      expect(pages).toBeGreaterThan(2);
      expect(paged.sort()).toEqual(entries.map(([k]) => k.toHex()).sort());

      const subnetTao = entry(at, 'subtensorModule', 'subnetTAO');
      const tao = await subnetTao.entries();
      expect(tao.map(([k]) => Number(k.args[0]?.toString())).sort((a, b) => a - b)).toEqual(netuids);
      for (const [key, value] of tao) {
        expect(big(value)).toBe(big(await subnetTao(key.args[0])));
      }
    });

    it('fills Alpha and StakingHotkeys when a coldkey stakes', async () => {
      const stakingHotkeys = entry(api, 'subtensorModule', 'stakingHotkeys');
      const alpha = entry(api, 'subtensorModule', 'alpha');
      const hotkeysOf = async (who: string) =>
        ((await stakingHotkeys(who)) as unknown as Codec[]).map((h) => h.toString());
      expect(await hotkeysOf(bob.address)).toEqual([]);
      // a devnet's genesis subnets wait for their owner (//Alice) to start them
      if ((await entry(api, 'subtensorModule', 'subtokenEnabled')(netuid)).toJSON() !== true) {
        await watch(await call(api, 'subtensorModule', 'startCall')(netuid).signAsync(alice));
      }
      // U64F64 share bits
      const alphaOf = async () => {
        const v = await alpha(stakeHot, bob.address, netuid);
        return (v as unknown as { bits: { toBigInt(): bigint } }).bits.toBigInt();
      };
      expect(await alphaOf()).toBe(0n);

      const addStake = call(api, 'subtensorModule', 'addStake');
      const staked = await watch(await addStake(stakeHot, netuid, 10n * TAO).signAsync(bob));
      expect(staked.failed).toBe(false);
      expect(await hotkeysOf(bob.address)).toEqual([stakeHot]);
      const first = await alphaOf();
      expect(first).toBeGreaterThan(0n);

      await watch(await addStake(stakeHot, netuid, 10n * TAO).signAsync(bob));
      expect(await alphaOf()).toBeGreaterThan(first);

      const alphaKeys = await alpha.keys();
      expect(alphaKeys.map((k) => k.args.map((a) => a.toString()))).toContainEqual([
        stakeHot,
        bob.address,
        String(netuid),
      ]);
      const stakers = (await stakingHotkeys.keys()).map((k) => k.args[0]?.toString());
      expect(stakers).toContain(bob.address);
    });

    it('moves, transfers and swaps stake, and unstakes all (chain.md §9.1)', async () => {
      // read at the block that applied a move: a live chain's emissions change stake values later
      const stakeOf = async (hot: string, cold: string, n: number, hash?: string): Promise<bigint> => {
        const f = (hash ? await api.at(hash) : api).call.stakeInfoRuntimeApi?.getStakeInfoForHotkeyColdkeyNetuid;
        if (!f) throw new Error('the metadata lacks get_stake_info_for_hotkey_coldkey_netuid');
        const info = (await f(hot, cold, n)).toJSON() as { stake: number | string } | null;
        return info ? BigInt(info.stake) : 0n;
      };
      const sm = (m: string) => call(api, 'subtensorModule', m);
      const otherHot = (await entry(api, 'subtensorModule', 'keys').entries())
        .map(([, v]) => v.toString())
        .find((h) => h !== stakeHot);
      if (!otherHot) throw new Error('no second registered hotkey');
      await watch(await sm('addStake')(stakeHot, netuid, 20n * TAO).signAsync(charlie));
      const held = await stakeOf(stakeHot, charlie.address, netuid);
      expect(held).toBeGreaterThan(0n);

      // to another (fresh) coldkey within the subnet: the alpha changes hands (share rounding aside)
      const part = held / 4n;
      // alpha → shares → alpha rounds down by up to about one share's worth, and on a live chain a
      // share grows with every epoch's emission, so the loss grows with how long the run took (it
      // reached 3 rao at load 14); a fee would take ~0.05 %, far above this 1 ppm slack
      const slack = part / 1_000_000n + 2n;
      const receiver = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//StakeReceiver').address;
      let w = await watch(await sm('transferStake')(receiver, stakeHot, netuid, netuid, part).signAsync(charlie));
      expect(w.failed).toBe(false);
      const moved = await stakeOf(stakeHot, receiver, netuid, w.blockHash);
      expect(moved).toBeGreaterThanOrEqual(part - slack);
      expect(moved).toBeLessThanOrEqual(part);
      expect((await eventsAt(w.blockHash)).map((e) => e.event.method)).toContain('StakeTransferred');

      // to another hotkey of the same coldkey
      w = await watch(await sm('moveStake')(stakeHot, otherHot, netuid, netuid, part).signAsync(charlie));
      expect(w.failed).toBe(false);
      expect(await stakeOf(otherHot, charlie.address, netuid, w.blockHash)).toBeGreaterThanOrEqual(part - slack);

      // to root: sold into the subnet's pool (fee on that leg), bought 1:1 on root
      expect(await stakeOf(stakeHot, charlie.address, 0)).toBe(0n);
      w = await watch(await sm('swapStake')(stakeHot, netuid, 0, part).signAsync(charlie));
      expect(w.failed).toBe(false);
      const onRoot = await stakeOf(stakeHot, charlie.address, 0, w.blockHash);
      expect(onRoot).toBeGreaterThan(0n);
      const swapped = (await eventsAt(w.blockHash)).find((e) => e.event.method === 'StakeSwapped');
      expect(swapped && big(swapped.event.data[4] as Codec)).toBe(onRoot);
      // the same subnet on both ends is refused
      w = await watch(await sm('swapStake')(stakeHot, netuid, netuid, 1n).signAsync(charlie));
      expect(w.failed).toBe(true);

      // everything on stakeHot, root included, back to TAO
      const freeBefore = await free(charlie.address);
      w = await watch(await sm('unstakeAll')(stakeHot).signAsync(charlie));
      expect(w.failed).toBe(false);
      expect(await stakeOf(stakeHot, charlie.address, netuid)).toBe(0n);
      expect(await stakeOf(stakeHot, charlie.address, 0)).toBe(0n);
      expect(await free(charlie.address)).toBeGreaterThan(freeBefore);
      const removed = (await eventsAt(w.blockHash)).filter((e) => e.event.method === 'StakeRemoved');
      expect(removed).toHaveLength(2);
    });

    it('stakes and unstakes with a price limit (add_stake_limit / remove_stake_limit, chain.md §4.2)', async () => {
      const sm = (m: string) => call(api, 'subtensorModule', m);
      const priceAt = async (hash: string): Promise<bigint> => {
        const at = await api.at(hash);
        const y = big(await entry(at, 'subtensorModule', 'subnetTAO')(netuid));
        const x = big(await entry(at, 'subtensorModule', 'subnetAlphaIn')(netuid));
        return (y * TAO) / x;
      };
      const head = (await api.rpc.chain.getFinalizedHead()).toHex();
      const price = await priceAt(head);
      const amount = big(await entry(await api.at(head), 'subtensorModule', 'subnetTAO')(netuid)) / 10n;
      const lastField = async (hash: string, method: string, index: number) => {
        const ev = (await eventsAt(hash)).find((e) => e.event.method === method);
        if (!ev) throw new Error(`no ${method} event`);
        return big(ev.event.data[index] as Codec);
      };
      // a buy limit below the price, and all-or-nothing past the limit, fail
      let w = await watch(await sm('addStakeLimit')(stakeHot, netuid, amount, price / 2n, true).signAsync(bob));
      expect(w.failed).toBe(true);
      const limit = (price * 105n) / 100n;
      w = await watch(await sm('addStakeLimit')(stakeHot, netuid, amount, limit, false).signAsync(bob));
      expect(w.failed).toBe(true);
      // partial: only what keeps the price at or below the limit is bought
      w = await watch(await sm('addStakeLimit')(stakeHot, netuid, amount, limit, true).signAsync(bob));
      expect(w.failed).toBe(false);
      const staked = await lastField(w.blockHash, 'StakeAdded', 2);
      expect(staked).toBeGreaterThan(0n);
      expect(staked).toBeLessThan(amount);
      expect(await priceAt(w.blockHash)).toBeLessThanOrEqual(limit);

      // sell with a floor: only part of a large sale goes through, the price stays at or above it
      const now = await priceAt(w.blockHash);
      // the buy above moved the price up about 5 %: selling it all would pass a 1 % floor
      const floor = (now * 99n) / 100n;
      const alphaOut = await lastField(w.blockHash, 'StakeAdded', 3);
      w = await watch(await sm('removeStakeLimit')(stakeHot, netuid, alphaOut, floor, false).signAsync(bob));
      expect(w.failed).toBe(true);
      w = await watch(await sm('removeStakeLimit')(stakeHot, netuid, alphaOut, floor, true).signAsync(bob));
      expect(w.failed).toBe(false);
      const sold = await lastField(w.blockHash, 'StakeRemoved', 3);
      expect(sold).toBeGreaterThan(0n);
      expect(sold).toBeLessThan(alphaOut);
      expect(await priceAt(w.blockHash)).toBeGreaterThanOrEqual(floor);
    });

    it('queues a future nonce and applies it, in nonce order, once the gap fills', async () => {
      const n = await nextNonce(charlie);
      const before = await free(dave.address);
      const later = await transfer(dave.address, 2n * TAO).signAsync(charlie, { nonce: n + 1 });
      const first = await transfer(dave.address, 3n * TAO).signAsync(charlie, { nonce: n });

      const statuses: string[] = [];
      const laterDone = new Promise<string>((resolve, reject) => {
        later
          .send((r) => {
            statuses.push(r.status.type);
            if (r.status.isFinalized) resolve(r.status.asFinalized.toHex());
          })
          .catch(reject);
      });
      // the pool holds it: nothing applied, the account nonce unchanged, the extrinsic pending
      await expect.poll(() => statuses[0]).toBe('Future');
      expect((await api.rpc.author.pendingExtrinsics()).map((x) => x.hash.toHex())).toContain(later.hash.toHex());
      expect(await nextNonce(charlie)).toBe(n);
      expect(await free(dave.address)).toBe(before);

      // the same future nonce again, with no higher priority, is refused
      const twin = await transfer(dave.address, 4n * TAO).signAsync(charlie, { nonce: n + 1 });
      await expect(api.rpc.author.submitExtrinsic(twin)).rejects.toThrow(/1014/);

      const firstDone = await watch(first);
      const laterHash = await laterDone;
      expect(statuses).toEqual(['Future', 'Ready', 'InBlock', 'Finalized']);
      expect(await nextNonce(charlie)).toBe(n + 2);
      expect(await free(dave.address)).toBe(before + 5n * TAO);
      const order = async (hash: string) => {
        const header = await api.rpc.chain.getHeader(hash);
        const block = await api.rpc.chain.getBlock(hash);
        return { number: header.number.toNumber(), xs: block.block.extrinsics.map((x) => x.hash.toHex()) };
      };
      const a = await order(firstDone.blockHash);
      const b = await order(laterHash);
      // nonce n lands no later than n+1, and before it when they share a block
      expect(a.number).toBeLessThanOrEqual(b.number);
      if (a.number === b.number)
        expect(a.xs.indexOf(first.hash.toHex())).toBeLessThan(a.xs.indexOf(later.hash.toHex()));
    });

    const eventsAt = async (hash: string) =>
      (await (await api.at(hash)).query.system?.events?.()) as unknown as Array<{
        phase: { isApplyExtrinsic: boolean; asApplyExtrinsic: Codec };
        event: { section: string; method: string; data: Codec[] };
      }>;

    it('charges the fee tx.paymentInfo() predicts, plus the tip, and reports it in TransactionFeePaid', async () => {
      const tip = 12_345n;
      const tx = transfer(dave.address, TAO);
      const info = await tx.paymentInfo(alice, { tip });
      expect(info.class.toString()).toBe('Normal');
      expect(info.partialFee.toBigInt()).toBeGreaterThan(0n);
      expect(info.weight.refTime.toBigInt()).toBeGreaterThan(0n);
      const details = api.call.transactionPaymentApi?.queryFeeDetails;
      if (!details) throw new Error('the metadata lacks TransactionPaymentApi.query_fee_details');
      const before = await free(alice.address);
      const signed = await tx.signAsync(alice, { tip });
      const u8a = signed.toU8a();
      const fd = (await details(u8a, u8a.length)).toJSON() as {
        inclusionFee: { baseFee: number; lenFee: number; adjustedWeightFee: number };
      };
      const { baseFee, lenFee, adjustedWeightFee } = fd.inclusionFee;
      expect(BigInt(baseFee + lenFee + adjustedWeightFee)).toBe(info.partialFee.toBigInt());
      const w = await watch(signed);
      expect(w.failed).toBe(false);
      const charged = info.partialFee.toBigInt() + tip;
      expect(before - (await free(alice.address))).toBe(TAO + charged);
      const events = await eventsAt(w.blockHash);
      const paid = events.find(
        (e) => e.event.section === 'transactionPayment' && e.event.method === 'TransactionFeePaid',
      );
      if (!paid) throw new Error('no TransactionFeePaid event');
      expect(paid.event.data[0]?.toString()).toBe(alice.address);
      expect(big(paid.event.data[1] as Codec)).toBe(charged);
      expect(big(paid.event.data[2] as Codec)).toBe(tip);
      // the outcome event carries the weight paymentInfo reported
      const success = events.find(
        (e) =>
          e.event.method === 'ExtrinsicSuccess' && num(e.phase.asApplyExtrinsic) === num(paid.phase.asApplyExtrinsic),
      );
      const dispatchInfo = success?.event.data[0]?.toJSON() as { weight: { refTime: number } } | undefined;
      expect(BigInt(dispatchInfo?.weight.refTime ?? 0)).toBe(info.weight.refTime.toBigInt());
    });

    it('refuses an extrinsic from a key that cannot pay its fee (1010), and charges none for Pays::No calls', async () => {
      const broke = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Broke');
      await expect(transfer(dave.address, 1n).signAndSend(broke)).rejects.toThrow(/1010.*Inability to pay some fees/);
      expect(await nextNonce(broke)).toBe(0);
      expect(await free(broke.address)).toBe(0n);
      // set_weights is Pays::No: the quote is 0 and the weight is still reported
      const info = await call(api, 'subtensorModule', 'setWeights')(1, [0], [65535], 0).paymentInfo(alice);
      expect(info.partialFee.toBigInt()).toBe(0n);
      expect(info.weight.refTime.toBigInt()).toBeGreaterThan(0n);
    });

    it('replaces a pooled extrinsic only for a higher tip (the old one is Usurped)', async () => {
      const n = await nextNonce(charlie);
      const before = await free(dave.address);
      const low = await transfer(dave.address, 2n * TAO).signAsync(charlie, { nonce: n + 1, tip: 10n });
      const statuses: string[] = [];
      const usurped = new Promise<string>((resolve, reject) => {
        low
          .send((r) => {
            statuses.push(r.status.type);
            if (r.status.isUsurped) resolve(r.status.asUsurped.toHex());
          })
          .catch(reject);
      });
      await expect.poll(() => statuses[0]).toBe('Future');
      const same = await transfer(dave.address, 4n * TAO).signAsync(charlie, { nonce: n + 1, tip: 10n });
      await expect(api.rpc.author.submitExtrinsic(same)).rejects.toThrow(/1014.*Priority is too low/);
      const high = await transfer(dave.address, 3n * TAO).signAsync(charlie, { nonce: n + 1, tip: 11n });
      const highDone = watch(high);
      expect(await usurped).toBe(high.hash.toHex());
      await watch(await transfer(dave.address, TAO).signAsync(charlie, { nonce: n }));
      await highDone;
      expect(await nextNonce(charlie)).toBe(n + 2);
      expect(await free(dave.address)).toBe(before + 4n * TAO);
    });

    it('reports the runtime API versions of spec 343 and answers Core_version like state_getRuntimeVersion', async () => {
      const rv = await api.rpc.state.getRuntimeVersion();
      const versions = new Map(rv.apis.map(([id, v]) => [id.toHex(), v.toNumber()]));
      // Core 5, Metadata 2, BlockBuilder 6, TransactionPaymentApi 4 (blake2-64 ids of the names)
      expect(versions.get('0xdf6acb689907609b')).toBe(5);
      expect(versions.get('0x37e397fc7c91f5e4')).toBe(2);
      expect(versions.get('0x40fe3ad401f8959a')).toBe(6);
      expect(versions.get('0x37c8bb1350a9a2a8')).toBe(4);
      const coreVersion = api.call.core?.version;
      if (!coreVersion) throw new Error('the metadata lacks Core.version');
      const core = (await coreVersion()).toJSON() as { specVersion: number; apis: unknown[] };
      expect(core.specVersion).toBe(343);
      expect(core.apis).toEqual(rv.toJSON().apis);
    });

    it('takes ed25519 signers, and refuses a tampered ed25519 signature', async () => {
      const ed = new Keyring({ type: 'ed25519', ss58Format: 42 }).addFromUri('//Eddie');
      await watch(await transfer(ed.address, 10n * TAO).signAsync(alice));
      const before = await free(charlie.address);
      const sent = await watch(await transfer(charlie.address, TAO).signAsync(ed));
      expect(sent.failed).toBe(false);
      expect(await free(charlie.address)).toBe(before + TAO);
      expect(await nextNonce(ed)).toBe(1);

      const bad = await transfer(charlie.address, TAO).signAsync(ed);
      const hex = bad.toHex();
      // flip a byte inside the 64-byte signature (it starts after length, version, address and type)
      const at = 2 + 2 * (1 + 1 + 1 + 32 + 1) + 10;
      const flipped = `${hex.slice(0, at)}${((Number.parseInt(hex.slice(at, at + 2), 16) ^ 1) & 0xff).toString(16).padStart(2, '0')}${hex.slice(at + 2)}`;
      await expect(api.rpc.author.submitExtrinsic(flipped)).rejects.toThrow(/1010.*bad signature/);
      expect(await free(charlie.address)).toBe(before + TAO);
    });

    it('takes ecdsa signers (account = blake2 of the key), and refuses a tampered ecdsa signature', async () => {
      const ec = new Keyring({ type: 'ecdsa', ss58Format: 42 }).addFromUri('//Ecky');
      await watch(await transfer(ec.address, 10n * TAO).signAsync(alice));
      const before = await free(charlie.address);
      const sent = await watch(await transfer(charlie.address, TAO).signAsync(ec));
      expect(sent.failed).toBe(false);
      expect(await free(charlie.address)).toBe(before + TAO);
      expect(await nextNonce(ec)).toBe(1);
      const hex = (await transfer(charlie.address, TAO).signAsync(ec)).toHex();
      // flip a byte inside the 65-byte signature (after length, version, address and type)
      const at = 2 + 2 * (2 + 1 + 1 + 32 + 1) + 10;
      const flipped = `${hex.slice(0, at)}${((Number.parseInt(hex.slice(at, at + 2), 16) ^ 1) & 0xff).toString(16).padStart(2, '0')}${hex.slice(at + 2)}`;
      await expect(api.rpc.author.submitExtrinsic(flipped)).rejects.toThrow(/1010.*bad signature/);
      expect(await nextNonce(ec)).toBe(1);
    });

    it('applies utility.batch / batch_all / force_batch and system.remark(_with_event) as pallet-utility does', async () => {
      const utility = (m: string) => call(api, 'utility', m);
      const remark = call(api, 'system', 'remarkWithEvent')('0x68656c6c6f');
      const tooMuch = transfer(charlie.address, 10n ** 18n);
      const methods = (es: Awaited<ReturnType<typeof eventsAt>>) =>
        es
          .filter((e) => e.phase.isApplyExtrinsic && num(e.phase.asApplyExtrinsic) > 0)
          .map((e) => `${e.event.section}.${e.event.method}`);

      // batch: the first item applies, the second fails and stops the batch; the extrinsic succeeds
      let before = await free(charlie.address);
      let w = await watch(await utility('batch')([transfer(charlie.address, TAO), tooMuch, remark]).signAsync(dave));
      expect(w.failed).toBe(false);
      let events = methods(await eventsAt(w.blockHash));
      expect(events).toContain('utility.ItemCompleted');
      expect(events).toContain('utility.BatchInterrupted');
      expect(events).not.toContain('system.Remarked');
      expect(await free(charlie.address)).toBe(before + TAO);

      // batch_all: all or nothing
      before = await free(charlie.address);
      w = await watch(await utility('batchAll')([transfer(charlie.address, TAO), tooMuch]).signAsync(dave));
      expect(w.failed).toBe(true);
      expect(await free(charlie.address)).toBe(before);

      // force_batch: failures are skipped, the rest applies
      w = await watch(await utility('forceBatch')([tooMuch, transfer(charlie.address, TAO), remark]).signAsync(dave));
      expect(w.failed).toBe(false);
      events = methods(await eventsAt(w.blockHash));
      expect(events).toEqual(
        expect.arrayContaining(['utility.ItemFailed', 'system.Remarked', 'utility.BatchCompletedWithErrors']),
      );
      expect(await free(charlie.address)).toBe(before + TAO);

      // a plain remark succeeds and changes nothing but the fee and nonce
      const n = await nextNonce(dave);
      w = await watch(await call(api, 'system', 'remark')('0x01').signAsync(dave));
      expect(w.failed).toBe(false);
      expect(await nextNonce(dave)).toBe(n + 1);
    });

    it('answers get_dynamic_info / get_all_dynamic_info consistently with storage', async () => {
      const at = await api.at(await api.rpc.chain.getFinalizedHead());
      const runtime = at.call.subnetInfoRuntimeApi;
      if (!runtime?.getAllDynamicInfo || !runtime.getDynamicInfo) throw new Error('the metadata lacks DynamicInfo');
      const all = (await runtime.getAllDynamicInfo()).toJSON() as Array<Record<string, unknown> | null>;
      expect(all.map((d) => d?.netuid)).toEqual(netuids);
      const one = (await runtime.getDynamicInfo(netuid)).toJSON() as Record<string, unknown>;
      expect(one).toEqual(all[netuids.indexOf(netuid)]);
      expect(BigInt(one.taoIn as number)).toBe(big(await entry(at, 'subtensorModule', 'subnetTAO')(netuid)));
      expect(BigInt(one.alphaIn as number)).toBe(big(await entry(at, 'subtensorModule', 'subnetAlphaIn')(netuid)));
      expect(one.ownerColdkey).toBe((await entry(at, 'subtensorModule', 'subnetOwner')(netuid)).toString());
      expect(one.tempo).toBe(num(await entry(at, 'subtensorModule', 'tempo')(netuid)));
      expect((one.subnetName as number[]).length).toBeGreaterThan(0);
      expect((await runtime.getDynamicInfo(999)).toJSON()).toBeNull();
    });

    it('predicts with get_stake_fee the fee add_stake then reports in StakeAdded', async () => {
      const stakeFee = api.call.stakeInfoRuntimeApi?.getStakeFee;
      if (!stakeFee) throw new Error('the metadata lacks StakeInfoRuntimeApi.get_stake_fee');
      const amount = 7n * TAO;
      const predicted = big(await stakeFee(null, dave.address, [stakeHot, netuid], dave.address, amount));
      expect(predicted).toBeGreaterThan(0n);
      // root is a stable pool: no fee
      expect(big(await stakeFee(null, dave.address, [stakeHot, 0], dave.address, amount))).toBe(0n);

      const w = await watch(await call(api, 'subtensorModule', 'addStake')(stakeHot, netuid, amount).signAsync(dave));
      expect(w.failed).toBe(false);
      const events = await eventsAt(w.blockHash);
      const added = events.find((e) => e.event.section === 'subtensorModule' && e.event.method === 'StakeAdded');
      if (!added) throw new Error('no StakeAdded event');
      const data = added.event.data;
      expect(big(data[data.length - 1] as Codec)).toBe(predicted);
    });

    it("serves subtensor's custom RPCs as the runtime APIs' SCALE bytes", async () => {
      const methods = (await api.rpc.rpc.methods()).methods.map((m) => m.toString());
      expect(methods).toEqual(expect.arrayContaining(['neuronInfo_getNeuronsLite', 'subnetInfo_getDynamicInfo']));
      // both reads at one block (the RPCs take it after their arguments)
      const hash = (await api.rpc.chain.getFinalizedHead()).toHex();
      const at = await api.at(hash);
      const neurons = at.call.neuronInfoRuntimeApi?.getNeuronsLite;
      const dynamic = at.call.subnetInfoRuntimeApi?.getDynamicInfo;
      const price = at.call.swapRuntimeApi?.currentAlphaPrice;
      if (!neurons || !dynamic || !price) throw new Error('the metadata lacks the runtime APIs');
      const viaRpc = (await provider.send('neuronInfo_getNeuronsLite', [netuid, hash])) as number[];
      expect(viaRpc.length).toBeGreaterThan(1);
      expect(Uint8Array.from(viaRpc)).toEqual((await neurons(netuid)).toU8a());
      const dyn = (await provider.send('subnetInfo_getDynamicInfo', [netuid, hash])) as number[];
      expect(Uint8Array.from(dyn)).toEqual((await dynamic(netuid)).toU8a());
      expect(await provider.send('swap_currentAlphaPrice', [netuid, hash])).toBe(num(await price(netuid)));
      await expect(provider.send('neuronInfo_getNeuronsLite', [])).rejects.toThrow(/Invalid params/);
    });

    it('answers get_metagraph consistently with storage and get_subnet_state', async () => {
      const at = await api.at(await api.rpc.chain.getFinalizedHead());
      const runtime = at.call.subnetInfoRuntimeApi;
      if (!runtime?.getMetagraph || !runtime.getSubnetState || !runtime.getAllMetagraphs)
        throw new Error('the metadata lacks the metagraph APIs');
      const mg = (await runtime.getMetagraph(netuid)).toJSON() as Record<string, unknown>;
      const state = (await runtime.getSubnetState(netuid)).toJSON() as Record<string, unknown>;
      expect(mg.netuid).toBe(netuid);
      expect(mg.numUids).toBe(num(await entry(at, 'subtensorModule', 'subnetworkN')(netuid)));
      expect(mg.tempo).toBe(num(await entry(at, 'subtensorModule', 'tempo')(netuid)));
      expect(mg.hotkeys).toEqual(state.hotkeys);
      expect(mg.alphaStake).toEqual(state.alphaStake);
      expect((mg.hotkeys as string[]).length).toBe(mg.numUids);
      const keys = await entry(at, 'subtensorModule', 'keys').entries(netuid);
      expect(keys.map(([, v]) => v.toString()).sort()).toEqual([...(mg.hotkeys as string[])].sort());
      const all = (await runtime.getAllMetagraphs()).toJSON() as Array<Record<string, unknown> | null>;
      expect(all.map((m) => m?.netuid)).toEqual(netuids);
      expect((await runtime.getMetagraph(999)).toJSON()).toBeNull();
    });

    it('reads storage and runtime calls at an older block hash as they were at that block', async () => {
      const before = await api.rpc.chain.getFinalizedHead();
      const daveThen = await free(dave.address);
      const nonceThen = await nextNonce(alice);
      const w = await watch(await transfer(dave.address, 5n * TAO).signAsync(alice));
      const thenApi = await api.at(before);
      expect(accountInfo(await entry(thenApi, 'system', 'account')(dave.address)).data.free.toBigInt()).toBe(daveThen);
      expect(await free(dave.address)).toBe(daveThen + 5n * TAO);
      const nowApi = await api.at(w.blockHash);
      expect(accountInfo(await entry(nowApi, 'system', 'account')(dave.address)).data.free.toBigInt()).toBe(
        daveThen + 5n * TAO,
      );
      // a runtime API at the older block answers from that block's state
      const nonceApi = thenApi.call.accountNonceApi?.accountNonce;
      if (!nonceApi) throw new Error('the metadata lacks AccountNonceApi');
      expect(num(await nonceApi(alice.address))).toBe(nonceThen);
      // entries() at the older block list that block's values
      const thenEntries = await entry(thenApi, 'system', 'account').entries();
      const daveEntry = thenEntries.find(([k]) => k.args[0]?.toString() === dave.address);
      expect(daveEntry && accountInfo(daveEntry[1]).data.free.toBigInt()).toBe(daveThen);
      const unknown = `0x${'ab'.repeat(32)}`;
      await expect(provider.send('state_getStorage', [entry(api, 'system', 'number').key(), unknown])).rejects.toThrow(
        /4003/,
      );
    });

    it('builds blocks like a node: timestamp.set first, an Aura pre-runtime digest, an extrinsics trie root', async () => {
      const tx = await transfer(dave.address, TAO).signAsync(bob);
      const w = await watch(tx);
      const block = await api.rpc.chain.getBlock(w.blockHash);
      const [first, ...rest] = block.block.extrinsics;
      expect(first?.isSigned).toBe(false);
      expect(`${first?.method.section}.${first?.method.method}`).toBe('timestamp.set');
      const at = await api.at(w.blockHash);
      expect(first?.method.args[0]?.toString()).toBe((await entry(at, 'timestamp', 'now')()).toString());
      expect(rest.map((x) => x.hash.toHex())).toContain(tx.hash.toHex());
      const header = block.block.header;
      expect(header.digest.logs.map((l) => l.type)).toEqual(['PreRuntime']);
      const [engine] = header.digest.logs[0]?.asPreRuntime ?? [];
      expect(engine?.toString()).toBe('aura');
      // distinct bodies give distinct roots; an empty trie's root is blake2-256 of 0x00
      const parent = await api.rpc.chain.getBlock(header.parentHash);
      expect(header.extrinsicsRoot.toHex()).not.toBe(parent.block.header.extrinsicsRoot.toHex());
      expect((await api.rpc.chain.getHeader(api.genesisHash)).extrinsicsRoot.toHex()).toBe(
        blake2AsHex(new Uint8Array([0]), 256),
      );
      // the inherent's outcome is the first event of phase ApplyExtrinsic(0)
      const events = await eventsAt(w.blockHash);
      const firstApply = events.find((e) => e.phase.isApplyExtrinsic);
      expect(firstApply && num(firstApply.phase.asApplyExtrinsic)).toBe(0);
      expect(firstApply?.event.method).toBe('ExtrinsicSuccess');
    });

    it('takes back-to-back submissions from one account without losing any', async () => {
      const n = await nextNonce(bob);
      const before = await free(charlie.address);
      const txs = await Promise.all(
        [0, 1, 2].map((i) => transfer(charlie.address, TAO).signAsync(bob, { nonce: n + i })),
      );
      const done = await Promise.all(txs.map((tx) => watch(tx)));
      expect(done.map((d) => d.failed)).toEqual([false, false, false]);
      expect(await nextNonce(bob)).toBe(n + 3);
      expect(await free(charlie.address)).toBe(before + 3n * TAO);
    });

    // last: it adds a subnet, which the netuid lists above would not expect
    it('registers a subnet with its identity (register_network_with_identity)', async () => {
      const hot = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Charlie//conformance-subnet').address;
      const before = num(await entry(api, 'subtensorModule', 'totalNetworks')());
      const identity = {
        subnetName: 'conform',
        githubRepo: '',
        subnetContact: '',
        subnetUrl: '',
        discord: '',
        description: '',
        logoUrl: '',
        additional: '',
      };
      const w = await watch(
        await call(api, 'subtensorModule', 'registerNetworkWithIdentity')(hot, identity).signAsync(charlie),
      );
      expect(w.failed).toBe(false);
      const at = await api.at(w.blockHash);
      expect(num(await entry(at, 'subtensorModule', 'totalNetworks')())).toBe(before + 1);
      const added = (await eventsAt(w.blockHash)).find((e) => e.event.method === 'NetworkAdded');
      if (!added) throw new Error('no NetworkAdded event');
      const created = num(added.event.data[0] as Codec);
      expect((await entry(at, 'subtensorModule', 'subnetOwner')(created)).toString()).toBe(charlie.address);
      const info = (await at.call.subnetInfoRuntimeApi?.getDynamicInfo?.(created))?.toJSON() as {
        subnetName: number[];
      };
      expect(String.fromCharCode(...info.subnetName)).toBe('conform');
    });

    it('schedules set_children in PendingChildKeys and applies it to ChildKeys / ParentKeys at an epoch (chain.md §9.4)', async () => {
      const sm = (m: string) => call(api, 'subtensorModule', m);
      const links = (c: Codec): [bigint, string][] =>
        (c as unknown as Codec[][]).map((t) => [big(t[0] as Codec), (t[1] as Codec).toString()]);
      if ((await entry(api, 'subtensorModule', 'subtokenEnabled')(netuid)).toJSON() !== true) {
        await watch(await sm('startCall')(netuid).signAsync(alice));
      }
      // a parent hotkey //Charlie owns, registered on the subnet
      const parentHot = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Charlie//childparent').address;
      expect((await watch(await sm('burnedRegister')(netuid, parentHot).signAsync(charlie))).failed).toBe(false);
      const half = 0xffff_ffff_ffff_ffffn / 2n;
      let w = await watch(await sm('setChildren')(parentHot, netuid, [[half, stakeHot]]).signAsync(charlie));
      expect(w.failed).toBe(false);
      expect((await eventsAt(w.blockHash)).map((e) => e.event.method)).toContain('SetChildrenScheduled');
      const at = await api.at(w.blockHash);
      const pending = (await entry(at, 'subtensorModule', 'pendingChildKeys')(netuid, parentHot)) as unknown as Codec[];
      expect(links(pending[0] as Codec)).toEqual([[half, stakeHot]]);
      expect(links(await entry(at, 'subtensorModule', 'childKeys')(parentHot, netuid))).toEqual([]);
      // a take above MaxChildkeyTake (18 %) fails; one within the bounds is stored
      w = await watch(await sm('setChildkeyTake')(parentHot, netuid, 20_000).signAsync(charlie));
      expect(w.failed).toBe(true);
      w = await watch(await sm('setChildkeyTake')(parentHot, netuid, 1000).signAsync(charlie));
      expect(num(await entry(api, 'subtensorModule', 'childkeyTake')(parentHot, netuid))).toBe(1000);

      // blocks until the first epoch after the cooldown (one remark per block on an instant devnet)
      const cooldown = num(await entry(api, 'subtensorModule', 'pendingChildKeyCooldown')());
      const tempo = num(await entry(api, 'subtensorModule', 'tempo')(netuid));
      const childKeys = entry(api, 'subtensorModule', 'childKeys');
      for (let i = 0; i <= cooldown + tempo + 1; i++) {
        if (links(await childKeys(parentHot, netuid)).length > 0) break;
        await watch(await call(api, 'system', 'remark')('0x00').signAsync(dave));
      }
      expect(links(await childKeys(parentHot, netuid))).toEqual([[half, stakeHot]]);
      expect(links(await entry(api, 'subtensorModule', 'parentKeys')(stakeHot, netuid))).toContainEqual([
        half,
        parentHot,
      ]);
      expect((await childKeys.keys()).map((k) => k.args.map((x) => x.toString()))).toContainEqual([
        parentHot,
        String(netuid),
      ]);
      expect(await entry(api, 'subtensorModule', 'pendingChildKeys').keys(netuid)).toEqual([]);
    });
  });
}

conformance('devnet conformance (stock @polkadot/api)', async () => {
  const local = await createLocalChain({
    blockTime: 'instant',
    genesis: { ...devGenesis({ subnets: 2 }), timestamp: 1_700_000_000_000 },
    clock: new ManualClock(1_700_000_000_000),
  });
  const devnet = await startDevnet({ engine: localChainEngine(local), port: 0 });
  return {
    url: devnet.url,
    close: async () => {
      await devnet.close();
      await local.close();
    },
  };
});

conformance('subnetkit localnet --rpc-port conformance (stock @polkadot/api)', startLocalnet, ['slow']);

describe('devnet history across a restart (stock @polkadot/api)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sk-devnet-history-'));
  const genesis = { ...devGenesis({ subnets: 1 }), timestamp: 1_700_000_000_000 };
  const open = async () => {
    const local = await createLocalChain({
      dataDir: dir,
      blockTime: 'instant',
      genesis,
      clock: new ManualClock(1_700_000_000_000),
      historyBlocks: 2,
    });
    const devnet = await startDevnet({ engine: localChainEngine(local), port: 0 });
    const provider = new WsProvider(devnet.url);
    const api = await ApiPromise.create({ provider, noInitWarn: true });
    return {
      api,
      provider,
      close: async () => {
        await api.disconnect();
        await devnet.close();
        await local.close();
      },
    };
  };

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves old blocks with their header, body and events after a restart, and refuses state outside the window', async () => {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const alice = keyring.addFromUri('//Alice');
    const bob = keyring.addFromUri('//Bob');
    const first = await open();
    let tx: SubmittableExtrinsic<'promise'>;
    let w: Watched;
    let header: string;
    let events: string;
    try {
      tx = await call(first.api, 'balances', 'transferKeepAlive')(bob.address, TAO).signAsync(alice);
      w = await watch(tx);
      header = JSON.stringify((await first.api.rpc.chain.getHeader(w.blockHash)).toJSON());
      const raw = await first.api.rpc.state.getStorage(entry(first.api, 'system', 'events').key(), w.blockHash);
      events = (raw as unknown as Codec).toHex();
    } finally {
      await first.close();
    }

    const second = await open();
    try {
      const { api, provider } = second;
      expect(JSON.stringify((await api.rpc.chain.getHeader(w.blockHash)).toJSON())).toBe(header);
      const block = await api.rpc.chain.getBlock(w.blockHash);
      expect(block.block.extrinsics.map((x) => x.hash.toHex())).toContain(tx.hash.toHex());
      const again = await api.rpc.state.getStorage(entry(api, 'system', 'events').key(), w.blockHash);
      expect((again as unknown as Codec).toHex()).toBe(events);
      const decoded = (await (await api.at(w.blockHash)).query.system?.events?.()) as unknown as Array<{
        event: { section: string; method: string };
      }>;
      expect(decoded.map((e) => `${e.event.section}.${e.event.method}`)).toEqual(
        expect.arrayContaining(['balances.Transfer', 'transactionPayment.TransactionFeePaid']),
      );
      // three more blocks push that block out of a 2-block state window
      for (let i = 0; i < 3; i++) {
        await watch(await call(api, 'balances', 'transferKeepAlive')(bob.address, TAO).signAsync(alice));
      }
      const key = entry(api, 'system', 'account').key(alice.address);
      await expect(provider.send('state_getStorage', [key, w.blockHash])).rejects.toThrow(/State already discarded/);
    } finally {
      await second.close();
    }
  });
});
