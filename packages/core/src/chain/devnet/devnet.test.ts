import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { isSubnetkitError } from '../../errors/subnetkit-error.js';
import { ManualClock } from '../../util/clock.js';
import type { Signer } from '../../util/signer.js';
import { createDevSigner, createLocalChain, devGenesis, type LocalChain } from '../local/index.js';
import { createSubtensorChain } from '../subtensor/subtensor-chain.js';
import type { Chain, ChainCall } from '../types.js';
import { type Devnet, startDevnet } from './devnet-server.js';
import { localChainEngine } from './local-engine.js';

const alice = createDevSigner('//Alice');
const bob = createDevSigner('//Bob');
const bobHot = createDevSigner('//Bob//miner');

const newLocal = (): Promise<LocalChain> =>
  createLocalChain({
    blockTime: 'instant',
    genesis: { ...devGenesis(), timestamp: 1_700_000_000_000 },
    clock: new ManualClock(1_700_000_000_000),
  });

const big = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)));

/**
 * The chain behaviour suite: the same calls and queries, run against any `Chain`. Returns what a
 * client observes (outcomes, events, state), without block hashes and timestamps, which differ by
 * construction (the devnet's headers are Substrate headers).
 */
/** `inherents`: extrinsics a block starts with before signed ones (the devnet's `timestamp.set`, as on a node). */
async function behaviour(chain: Chain, inherents = 0): Promise<unknown> {
  const steps: Array<[Signer, ChainCall]> = [
    [alice, { pallet: 'Balances', method: 'transfer_keep_alive', args: { dest: bob.address, value: 50_000_000_000n } }],
    [bob, { pallet: 'SubtensorModule', method: 'burned_register', args: { netuid: 1, hotkey: bobHot.address } }],
    [bob, { pallet: 'SubtensorModule', method: 'burned_register', args: { netuid: 1, hotkey: bobHot.address } }],
    [
      bobHot,
      {
        pallet: 'SubtensorModule',
        method: 'serve_axon',
        args: { netuid: 1, version: 1, ip: '10.0.0.7', port: 8091, ipType: 4, protocol: 4 },
      },
    ],
    [alice, { pallet: 'SubtensorModule', method: 'start_call', args: { netuid: 1 } }],
    [
      bob,
      {
        pallet: 'SubtensorModule',
        method: 'add_stake',
        args: { hotkey: bobHot.address, netuid: 1, amountStaked: 5_000_000_000n },
      },
    ],
    [
      bobHot,
      {
        pallet: 'SubtensorModule',
        method: 'set_weights',
        args: { netuid: 1, dests: [0, 1], weights: [100, 65535], versionKey: 0n },
      },
    ],
    [
      alice,
      { pallet: 'AdminUtils', method: 'set_hyperparameter', args: { netuid: 1, name: 'immunity_period', value: 77 } },
    ],
    [
      bob,
      { pallet: 'AdminUtils', method: 'set_hyperparameter', args: { netuid: 1, name: 'immunity_period', value: 78 } },
    ],
    [bob, { pallet: 'SubtensorModule', method: 'burned_register', args: { netuid: 99, hotkey: bob.address } }],
    [alice, { pallet: 'SubtensorModule', method: 'set_subnet_identity', args: { netuid: 1, name: 'sähkö ⚡' } }],
    [bob, { pallet: 'SubtensorModule', method: 'set_subnet_identity', args: { netuid: 1, name: 'mine' } }],
    [alice, { pallet: 'SubtensorModule', method: 'set_subnet_identity', args: { netuid: 1, name: 'x'.repeat(257) } }],
    [
      bob,
      {
        pallet: 'SubtensorModule',
        method: 'remove_stake',
        args: { hotkey: bobHot.address, netuid: 1, amountUnstaked: 1_000n },
      },
    ],
  ];
  const outcomes: unknown[] = [];
  for (const [signer, call] of steps) {
    try {
      const r = await chain.submit(signer, call);
      outcomes.push({
        ok: true,
        block: r.blockNumber,
        // Sudo.Sudid exists only over the devnet: the backend dispatches the sudo key's setters
        // through Sudo.sudo, as the real chain needs; the in-process chain takes them directly
        events: r.events
          .filter((e) => e.pallet !== 'System' && e.pallet !== 'Sudo')
          .map((e) => ({
            ...e,
            extrinsicIndex: e.extrinsicIndex === null ? null : e.extrinsicIndex - inherents,
            data: big(e.data),
          })),
      });
    } catch (err) {
      if (!isSubnetkitError(err)) throw err;
      outcomes.push({ ok: false, code: err.code, chainError: err.details.chainError });
    }
  }
  const mg = await chain.metagraph(1, { weights: true });
  const h = await chain.hyperparameters(1);
  const subnets = (await chain.subnets()).map((s) => ({
    netuid: s.netuid,
    name: s.name,
    owner: s.owner,
    ownerHotkey: s.ownerHotkey,
    n: s.n,
    maxN: s.maxN,
    tempo: s.tempo,
    registeredAt: s.registeredAt,
    blocksSinceLastStep: s.blocksSinceLastStep,
    burn: s.burn,
    taoIn: s.taoIn,
    alphaIn: s.alphaIn,
    alphaOut: s.alphaOut,
    price: s.price.toFixed(6),
    emissionPerBlock: s.emissionPerBlock,
    started: s.started ?? false,
  }));
  const typedHyper = Object.fromEntries(
    (
      [
        'tempo',
        'rho',
        'kappa',
        'immunityPeriod',
        'minAllowedWeights',
        'maxWeightsLimit',
        'maxAllowedUids',
        'maxAllowedValidators',
        'weightsVersion',
        'weightsRateLimit',
        'registrationAllowed',
        'targetRegistrationsPerInterval',
        'maxRegistrationsPerBlock',
        'adjustmentInterval',
        'adjustmentAlpha',
        'minBurn',
        'maxBurn',
        'burn',
        'bondsMovingAvg',
        'bondsPenalty',
        'commitRevealWeightsEnabled',
        'commitRevealPeriod',
        'liquidAlphaEnabled',
        'alphaHigh',
        'alphaLow',
        'yuma3Enabled',
        'bondsResetEnabled',
        'servingRateLimit',
      ] as const
    ).map((k) => [k, h[k]]),
  );
  return big({
    outcomes,
    block: await chain.blockNumber(),
    balances: [await chain.balance(alice.address), await chain.balance(bob.address)],
    issuance: await chain.totalIssuance(),
    subnets,
    subnet1: subnets.find((s) => s.netuid === 1),
    missing: await chain.subnet(42),
    hyper: typedHyper,
    metagraph: { ...mg, pruningScore: mg.pruningScore.map((x) => x.toFixed(4)) },
    uid: await chain.uidOf(1, bobHot.address),
    noUid: await chain.uidOf(1, alice.address),
    stake: await chain.stake(bobHot.address, bob.address, 1),
    burn: await chain.burnCost(1),
    lock: await chain.networkLockCost(),
  });
}

describe('devnet: the local chain over Substrate JSON-RPC', () => {
  let local: LocalChain;
  let devnet: Devnet;
  let remote: Chain;
  /** One stock @polkadot/api client, for the tests that use one (each connection decodes the whole metadata). */
  let stock: Promise<ApiPromise> | undefined;
  const stockApi = (): Promise<ApiPromise> =>
    (stock ??= ApiPromise.create({ provider: new WsProvider(devnet.url), noInitWarn: true }));

  beforeAll(async () => {
    local = await newLocal();
    devnet = await startDevnet({
      engine: localChainEngine(local),
      port: 0,
      maxRequestBytes: 64 * 1024,
      // compared with the fee-free in-process engine below; fees are conformance.test.ts's
      chargeFees: false,
    });
    remote = await createSubtensorChain({ endpoint: devnet.url, timeoutMs: 10_000 });
  });

  afterAll(async () => {
    await (await stock)?.disconnect();
    await remote?.close();
    await devnet?.close();
    await local?.close();
  });

  it('gives the same results in-process and through @polkadot/api over the devnet', async () => {
    const inProcess = await newLocal();
    try {
      const expected = await behaviour(inProcess);
      const viaDevnet = await behaviour(remote, 1);
      expect(viaDevnet).toEqual(expected);
      // The suite really exercised both paths: successes, failures, events.
      const outcomes = (expected as { outcomes: Array<{ ok: boolean; chainError?: string }> }).outcomes;
      expect(outcomes.filter((o) => o.ok).length).toBeGreaterThanOrEqual(4);
      expect(outcomes.map((o) => o.chainError)).toContain('HotKeyAlreadyRegisteredInSubNet');
    } finally {
      await inProcess.close();
    }
  });

  it('reads the same metagraph and hyperparameters from storage alone (no runtime APIs)', async () => {
    const storageOnly = await createSubtensorChain({ endpoint: devnet.url, timeoutMs: 10_000, runtimeApis: false });
    try {
      const norm = (mg: Awaited<ReturnType<Chain['metagraph']>>) =>
        big({ ...mg, pruningScore: mg.pruningScore.map((x) => x.toFixed(4)) });
      const expected = await local.metagraph(1, { weights: true, bonds: true });
      expect(expected.n).toBeGreaterThan(1);
      expect(norm(await storageOnly.metagraph(1, { weights: true, bonds: true }))).toEqual(norm(expected));
      const h = await storageOnly.hyperparameters(1);
      const want = await local.hyperparameters(1);
      for (const k of [
        'tempo',
        'rho',
        'kappa',
        'immunityPeriod',
        'minAllowedWeights',
        'maxAllowedUids',
        'weightsVersion',
        'weightsRateLimit',
        'minBurn',
        'maxBurn',
        'alphaLow',
        'alphaHigh',
        'commitRevealWeightsEnabled',
        'servingRateLimit',
      ] as const) {
        expect(big(h[k]), k).toEqual(big(want[k]));
      }
    } finally {
      await storageOnly.close();
    }
  });

  it("takes the sudo key's root-only setters through Sudo.sudo, with the inner outcome in Sudid; nobody else may", async () => {
    // tempo 7 is below the owner's bound (360): only root may set it
    const ok = await remote.submit(alice, {
      pallet: 'AdminUtils',
      method: 'set_hyperparameter',
      args: { netuid: 1, name: 'tempo', value: 7 },
    });
    expect(ok.events.map((e) => `${e.pallet}.${e.name}`)).toEqual(
      expect.arrayContaining(['SubtensorModule.TempoSet', 'Sudo.Sudid']),
    );
    // the same event data as in-process (subtensor's field names)
    expect(ok.events.find((e) => e.name === 'TempoSet')?.data).toEqual({ netuid: 1, tempo: 7 });
    expect((await remote.hyperparameters(1)).tempo).toBe(7);
    // an inner failure arrives in Sudid (the extrinsic itself succeeds) and is still an error here
    const maxUids = (await remote.hyperparameters(1)).maxAllowedUids;
    await expect(
      remote.submit(alice, {
        pallet: 'AdminUtils',
        method: 'set_hyperparameter',
        args: { netuid: 1, name: 'max_allowed_validators', value: maxUids + 1 },
      }),
    ).rejects.toMatchObject({ details: { chainError: 'MaxValidatorsLargerThanMaxUIds' } });
    expect((await remote.hyperparameters(1)).maxAllowedValidators).toBeLessThanOrEqual(maxUids);

    const api = await stockApi();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const tx = api.tx as unknown as Record<
      string,
      Record<string, (...a: unknown[]) => { signAndSend: (p: unknown) => Promise<unknown> }>
    >;
    expect((await api.query.sudo?.key?.())?.toString()).toBe(alice.address);
    const setTempo = tx.adminUtils!.sudoSetTempo!(1, 9);
    // not the sudo key: refused before inclusion, nothing changes
    await expect(tx.sudo!.sudo!(setTempo).signAndSend(keyring.addFromUri('//Bob'))).rejects.toThrow(/1010.*sudo key/);
    // only setters are dispatched as root by the devnet
    const transfer = tx.balances!.transferKeepAlive!(bob.address, 1n);
    await expect(tx.sudo!.sudo!(transfer).signAndSend(keyring.addFromUri('//Alice'))).rejects.toThrow(
      /1010.*not implemented/,
    );
    expect((await remote.hyperparameters(1)).tempo).toBe(7);
  });

  it('delivers new heads and events to subscribers', async () => {
    const heads: number[] = [];
    const stamps = new Map<number, number>();
    const events: string[] = [];
    const offHeads = remote.onBlock((h) => {
      heads.push(h.number);
      stamps.set(h.number, h.timestamp);
    });
    const offEvents = remote.onEvents((evs) => events.push(...evs.map((e) => `${e.pallet}.${e.name}`)));
    try {
      const start = await remote.blockNumber();
      await remote.submit(alice, {
        pallet: 'Balances',
        method: 'transfer_keep_alive',
        args: { dest: bob.address, value: 1_000_000_000n },
      });
      await vi.waitFor(() => expect(heads).toContain(start + 1), { timeout: 30_000 });
      await vi.waitFor(() => expect(events).toContain('Balances.Transfer'), { timeout: 30_000 });
      expect(heads.filter((n) => n > start)).toEqual([...heads.filter((n) => n > start)].sort((a, b) => a - b));
      // a produced block's head carries its Timestamp.Now (the genesis is at 1_700_000_000_000)
      expect(stamps.get(start + 1)).toBeGreaterThanOrEqual(1_700_000_000_000);
    } finally {
      offHeads();
      offEvents();
    }
  });

  describe('bad input gets JSON-RPC errors and the server stays up', () => {
    let ws: WebSocket;
    let nextId = 1;
    const raw = (text: string | Buffer) =>
      new Promise<Record<string, unknown>>((resolve) => {
        ws.once('message', (d) => resolve(JSON.parse(d.toString())));
        ws.send(text);
      });
    const rpc = (method: string, params: unknown[] = []) =>
      raw(JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }));
    const errorCode = (r: Record<string, unknown>) => (r.error as { code: number } | undefined)?.code;

    beforeAll(async () => {
      ws = new WebSocket(devnet.url);
      await new Promise((r) => ws.once('open', r));
    });
    afterAll(() => ws.close());

    it('malformed JSON → -32700, invalid request → -32600, unknown method → -32601, bad params → -32602', async () => {
      expect(errorCode(await raw('{"jsonrpc": "2.0", "id": 1, "method": '))).toBe(-32700);
      expect(errorCode(await raw(JSON.stringify({ jsonrpc: '2.0', id: 2 })))).toBe(-32600);
      expect(errorCode(await raw(JSON.stringify({ jsonrpc: '1.0', id: 3, method: 'system_chain' })))).toBe(-32600);
      expect(errorCode(await raw('[]'))).toBe(-32600);
      expect(errorCode(await rpc('no_suchMethod'))).toBe(-32601);
      expect(errorCode(await rpc('state_getStorage', ['not hex']))).toBe(-32602);
      expect(errorCode(await rpc('state_queryStorageAt', ['0x00']))).toBe(-32602);
      expect(errorCode(await rpc('system_accountNextIndex', ['nope']))).toBe(-32602);
      expect(errorCode(await rpc('state_call', ['NoSuchApi_method', '0x']))).toBe(4003);
      expect((await rpc('system_chain')).result).toBe('Subnetkit Devnet');
    });

    it('answers batches', async () => {
      const r = (await raw(
        JSON.stringify([
          { jsonrpc: '2.0', id: 'a', method: 'system_name' },
          { jsonrpc: '2.0', id: 'b', method: 'nope' },
        ]),
      )) as unknown as Array<Record<string, unknown>>;
      expect(r.map((x) => x.id)).toEqual(['a', 'b']);
      expect(r[0]?.result).toBe('subnetkit-devnet');
      expect(errorCode(r[1] as Record<string, unknown>)).toBe(-32601);
    });

    it('bad SCALE → 1002, bad signature → 1010, and neither changes state', async () => {
      const before = await local.balance(bob.address);
      expect(errorCode(await rpc('author_submitExtrinsic', ['0x1234']))).toBe(1002);
      expect(errorCode(await rpc('author_submitExtrinsic', [42]))).toBe(1002);
      const api = await stockApi();
      const pair = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
      const transfer = api.tx.balances?.transferKeepAlive;
      if (!transfer) throw new Error('the devnet metadata lacks Balances.transfer_keep_alive');
      const signed = await transfer(bob.address, 7_000_000_000n).signAsync(pair);
      const hex = signed.toHex();
      // Flip one byte of the 64-byte signature (it follows the 0x00 MultiAddress tag, key and 0x01 tag).
      const bytes = Buffer.from(hex.slice(2), 'hex');
      const sigAt = bytes.indexOf(Buffer.from(pair.publicKey)) + 32 + 1;
      // Several positions: some make the signature invalid, some make it malformed (the
      // verifier throws); both must read as a bad signature.
      for (const offset of [0, 5, 31, 32, 63]) {
        const copy = Buffer.from(bytes);
        copy[sigAt + offset] = (copy[sigAt + offset] ?? 0) ^ 0xff;
        const tampered = await rpc('author_submitExtrinsic', [`0x${copy.toString('hex')}`]);
        expect(tampered.error, `offset ${offset}`).toMatchObject({
          code: 1010,
          data: expect.stringMatching(/bad signature/),
        });
      }
      bytes[sigAt + 5] = (bytes[sigAt + 5] ?? 0) ^ 0xff;
      expect(errorCode(await rpc('author_submitAndWatchExtrinsic', [`0x${bytes.toString('hex')}`]))).toBe(1010);
      expect(await local.balance(bob.address)).toBe(before);
      // The untampered extrinsic goes through.
      expect((await rpc('author_submitExtrinsic', [hex])).result).toMatch(/^0x[0-9a-f]{64}$/);
      expect(await local.balance(bob.address)).toBe(before + 7_000_000_000n);
      // Replaying it is a stale nonce.
      const replay = await rpc('author_submitExtrinsic', [hex]);
      expect((replay.error as { data: string }).data).toMatch(/outdated/);
    });

    it('never answers garbage with an internal error (property)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 200 }), async (bytes, text) => {
          const scale = await rpc('author_submitExtrinsic', [`0x${Buffer.from(bytes).toString('hex')}`]);
          expect([1002, 1010]).toContain(errorCode(scale));
          const call = await rpc('state_call', [
            'NeuronInfoRuntimeApi_get_neurons_lite',
            `0x${Buffer.from(bytes).toString('hex')}`,
          ]);
          expect(call.error === undefined || errorCode(call) === 4003).toBe(true);
          const storage = await rpc('state_getStorage', [`0x${Buffer.from(bytes).toString('hex')}`]);
          expect(storage.error).toBeUndefined();
          const junk = await raw(text);
          expect([-32700, -32600, -32601, -32602]).toContain(errorCode(junk));
        }),
        { numRuns: 60, seed: 14 },
      );
      expect((await rpc('system_chain')).result).toBe('Subnetkit Devnet');
    });

    it('oversized frames get an error (or a closed socket past the hard limit) and the server stays up', async () => {
      const big = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'system_chain', params: ['x'.repeat(100 * 1024)] });
      const r = await raw(big);
      expect(errorCode(r)).toBe(-32600);
      expect(String((r.error as { message: string }).message)).toMatch(/too large/);
      const other = new WebSocket(devnet.url);
      await new Promise((res) => other.once('open', res));
      const closed = new Promise<number>((res) => other.once('close', (code) => res(code)));
      other.send('y'.repeat(1024 * 1024));
      expect(await closed).toBe(1009);
      expect((await rpc('system_chain')).result).toBe('Subnetkit Devnet');
    });

    it('cleans up subscriptions of a connection dropped mid-subscription', async () => {
      const before = devnet.connections();
      const sub = new WebSocket(devnet.url);
      await new Promise((res) => sub.once('open', res));
      await vi.waitFor(() => expect(devnet.connections()).toBe(before + 1));
      const first = new Promise((res) => sub.once('message', res));
      sub.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'chain_subscribeNewHeads', params: [] }));
      await first;
      sub.terminate();
      await vi.waitFor(() => expect(devnet.connections()).toBe(before));
      // Blocks keep flowing to the remaining subscribers.
      await remote.submit(alice, {
        pallet: 'Balances',
        method: 'transfer_keep_alive',
        args: { dest: bob.address, value: 1n * 10n ** 9n },
      });
      expect((await rpc('system_health')).result).toMatchObject({ peers: 0 });
    });
  });
});
