/**
 * The devnet's submit path hands each verified extrinsic to the engine's pool before yielding, so
 * extrinsics that arrive together keep their arrival order: one account's consecutive nonces sent
 * in one burst are all accepted (as Substrate's pool would), and share blocks; a future nonce
 * waits for its gap.
 */
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock } from '../../util/clock.js';
import { createDevSigner, createLocalChain, devGenesis, type LocalChain } from '../local/index.js';
import { type Devnet, startDevnet } from './devnet-server.js';
import { localChainEngine } from './local-engine.js';

describe('devnet submit path', () => {
  let local: LocalChain;
  let devnet: Devnet;
  let api: ApiPromise;
  let ws: WebSocket;

  beforeAll(async () => {
    local = await createLocalChain({
      blockTime: 'instant',
      genesis: { ...devGenesis(), timestamp: 1_700_000_000_000 },
      clock: new ManualClock(1_700_000_000_000),
    });
    // one verify worker, whatever the cores: bursts here take the worker path end to end
    devnet = await startDevnet({ engine: localChainEngine(local), port: 0, verifyWorkers: 1 });
    api = await ApiPromise.create({ provider: new WsProvider(devnet.url), noInitWarn: true });
    ws = new WebSocket(devnet.url);
    await new Promise((r) => ws.once('open', r));
  });

  afterAll(async () => {
    ws?.close();
    await api?.disconnect();
    await devnet?.close();
    await local?.close();
  });

  /** Sends every request in one go and collects the answers by id. */
  const burst = (hexes: string[]): Promise<Map<number, Record<string, unknown>>> =>
    new Promise((resolve) => {
      const answers = new Map<number, Record<string, unknown>>();
      const onMessage = (d: WebSocket.RawData) => {
        const m = JSON.parse(d.toString()) as Record<string, unknown>;
        answers.set(m.id as number, m);
        if (answers.size === hexes.length) {
          ws.off('message', onMessage);
          resolve(answers);
        }
      };
      ws.on('message', onMessage);
      hexes.forEach((hex, id) => {
        ws.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'author_submitExtrinsic', params: [hex] }));
      });
    });

  /** Sends the requests as one JSON-RPC batch (one message, handled in one turn). */
  const batch = (hexes: string[]): Promise<Array<Record<string, unknown>>> =>
    new Promise((resolve) => {
      ws.once('message', (d: WebSocket.RawData) => {
        const answers = JSON.parse(d.toString()) as Array<Record<string, unknown>>;
        resolve(answers.sort((a, b) => Number(a.id) - Number(b.id)));
      });
      ws.send(
        JSON.stringify(
          hexes.map((hex, i) => ({ jsonrpc: '2.0', id: 100 + i, method: 'author_submitExtrinsic', params: [hex] })),
        ),
      );
    });

  it("accepts one account's consecutive nonces sent together, and holds a gap until it fills", async () => {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const alice = keyring.addFromUri('//Alice');
    const dest = createDevSigner('//Burst').address;
    const transfer = api.tx.balances?.transferKeepAlive;
    if (!transfer) throw new Error('the devnet metadata lacks Balances.transfer_keep_alive');
    const first = await local.nonce(alice.address);
    const count = 8;
    const hexes: string[] = [];
    for (let i = 0; i < count; i++) {
      const tx = transfer(dest, 1_000_000_000n);
      await tx.signAsync(alice, { nonce: first + i, era: 0 });
      hexes.push(tx.toHex());
    }
    const headBefore = await local.blockNumber();
    const answers = await burst(hexes);
    for (let id = 0; id < count; id++)
      expect(answers.get(id)?.result, `nonce ${first + id}`).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await local.balance(dest)).toBe(BigInt(count) * 1_000_000_000n);
    expect(await local.nonce(alice.address)).toBe(first + count);
    // arriving together, they were pooled together: fewer blocks than extrinsics
    expect((await local.blockNumber()) - headBefore).toBeLessThan(count);

    // a nonce past the next one waits in the pool (answered at once, nothing applied) until the
    // gap fills; then both apply, in nonce order
    const gap = transfer(dest, 1_000_000_000n);
    await gap.signAsync(alice, { nonce: first + count + 1, era: 0 });
    const queued = await burst([gap.toHex()]);
    expect(queued.get(0)?.result).toBe(gap.hash.toHex());
    expect(await local.balance(dest)).toBe(BigInt(count) * 1_000_000_000n);
    expect(await local.nonce(alice.address)).toBe(first + count);
    const filler = transfer(dest, 1_000_000_000n);
    await filler.signAsync(alice, { nonce: first + count, era: 0 });
    const filled = await burst([filler.toHex()]);
    expect(filled.get(0)?.result).toBe(filler.hash.toHex());
    // the filler's block holds the released one too (both went to the pool in one turn)
    expect(await local.balance(dest)).toBe(BigInt(count + 2) * 1_000_000_000n);
    expect(await local.nonce(alice.address)).toBe(first + count + 2);

    // two extrinsics with one nonce in one batch: the pool keeps the first and refuses the other
    // as Substrate does without a higher tip (1014), not as outdated
    const n = first + count + 2;
    const one = transfer(dest, 1_000_000_000n);
    await one.signAsync(alice, { nonce: n, era: 0 });
    const twin = transfer(dest, 2_000_000_000n);
    await twin.signAsync(alice, { nonce: n, era: 0 });
    const answers2 = await batch([one.toHex(), twin.toHex()]);
    expect(answers2[0]?.result).toBe(one.hash.toHex());
    expect(answers2[1]?.error).toMatchObject({ code: 1014, message: 'Priority is too low' });
    expect(await local.balance(dest)).toBe(BigInt(count + 3) * 1_000_000_000n);
    expect(await local.nonce(alice.address)).toBe(n + 1);

    // a gap filled outside the devnet (an in-process submission) releases the queued nonce too
    const queuedAhead = transfer(dest, 1_000_000_000n);
    await queuedAhead.signAsync(alice, { nonce: n + 2, era: 0 });
    expect((await burst([queuedAhead.toHex()])).get(0)?.result).toBe(queuedAhead.hash.toHex());
    await local.submit(createDevSigner('//Alice'), {
      pallet: 'Balances',
      method: 'transfer_keep_alive',
      args: { dest, value: 1_000_000_000n },
    });
    await expect.poll(() => local.nonce(alice.address)).toBe(n + 3);
    expect(await local.balance(dest)).toBe(BigInt(count + 5) * 1_000_000_000n);
  });
});
