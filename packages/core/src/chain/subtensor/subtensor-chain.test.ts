import { createServer, type Server } from 'node:net';
import { WsProvider } from '@polkadot/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { freePort } from '../../testing/free-port.js';
import { ManualClock } from '../../util/clock.js';
import { type Devnet, startDevnet } from '../devnet/devnet-server.js';
import { localChainEngine } from '../devnet/local-engine.js';
import { createDevSigner, createLocalChain, devGenesis } from '../local/index.js';
import { createSubtensorChain, resolveEndpoint } from './subtensor-chain.js';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

describe('createSubtensorChain: endpoints', () => {
  it('resolves named endpoints and URLs, refuses anything else', () => {
    expect(resolveEndpoint('finney')).toMatch(/^wss:\/\/.*finney/);
    expect(resolveEndpoint('test')).toMatch(/^wss:\/\/test\./);
    expect(resolveEndpoint('local')).toBe('ws://127.0.0.1:9944');
    expect(resolveEndpoint('ws://10.0.0.1:9944')).toBe('ws://10.0.0.1:9944');
    expect(() => resolveEndpoint('http://x')).toThrow(expect.objectContaining({ code: 'SK_CHAIN_BAD_INPUT' }));
    expect(() => resolveEndpoint('mainnet')).toThrow(expect.objectContaining({ code: 'SK_CHAIN_BAD_INPUT' }));
  });
});

describe('createSubtensorChain: no hang when the node is gone', () => {
  it('fails fast with SK_CHAIN_CONNECTION on a closed port', async () => {
    const port = await freePort();
    // A wait for the timeout would end in SK_CHAIN_TIMEOUT, and only after the test's own limit: the
    // refused connection itself must be the answer.
    await expect(
      createSubtensorChain({ endpoint: `ws://127.0.0.1:${port}`, timeoutMs: 3_600_000 }),
    ).rejects.toMatchObject({ code: 'SK_CHAIN_CONNECTION' });
  });

  it('times out with SK_CHAIN_TIMEOUT against a WebSocket server that accepts and never answers', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    cleanups.push(() => new Promise((r) => wss.close(r)));
    let requests = 0;
    wss.on('connection', (s) => s.on('message', () => requests++));
    const { port } = wss.address() as { port: number };
    await expect(createSubtensorChain({ endpoint: `ws://127.0.0.1:${port}`, timeoutMs: 800 })).rejects.toMatchObject({
      code: 'SK_CHAIN_TIMEOUT',
      details: { timeoutMs: 800 },
    });
    expect(requests).toBeGreaterThan(0);
  });

  it('times out against a TCP server that accepts and never completes the handshake', async () => {
    const sockets: import('node:net').Socket[] = [];
    const srv: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => srv.close(r));
    });
    const { port } = srv.address() as { port: number };
    await expect(createSubtensorChain({ endpoint: `ws://127.0.0.1:${port}`, timeoutMs: 600 })).rejects.toMatchObject({
      code: 'SK_CHAIN_TIMEOUT',
    });
  });
});

describe('createSubtensorChain: reconnects after the node comes back', () => {
  it('fails queries while the node is down, then reconnects with backoff', async () => {
    const chain = await createLocalChain({
      blockTime: 'instant',
      genesis: devGenesis(),
      clock: new ManualClock(1_700_000_000_000),
    });
    cleanups.push(() => chain.close());
    const alice = createDevSigner('//Alice');
    const engine = localChainEngine(chain);
    let devnet: Devnet = await startDevnet({ engine, port: 0 });
    const port = devnet.port;
    cleanups.push(() => devnet.close());
    const remote = await createSubtensorChain({
      endpoint: devnet.url,
      timeoutMs: 1_500,
      reconnect: { initialDelayMs: 50, maxDelayMs: 400 },
    });
    cleanups.push(() => remote.close());
    expect(await remote.balance(alice.address)).toBe(await chain.balance(alice.address));

    await devnet.close();
    await expect(remote.blockNumber()).rejects.toMatchObject({
      code: expect.stringMatching(/SK_CHAIN_(CONNECTION|TIMEOUT)/),
    });

    devnet = await startDevnet({ engine, port });
    // The client reconnects on its own (backoff capped at 400 ms). On a loaded machine one 1.5 s wait
    // may not be enough to get back, so ask again until it answers; the project timeout bounds this.
    const back = await vi.waitFor(() => remote.blockNumber(), { timeout: 50_000, interval: 100 });
    expect(back).toBe(await chain.blockNumber());
    const r = await remote.submit(alice, {
      pallet: 'Balances',
      method: 'transfer_keep_alive',
      args: { dest: createDevSigner('//Bob').address, value: 10n ** 9n },
    });
    expect(r.blockNumber).toBe(await chain.blockNumber());
  });

  it('rejects use after close without touching the network', async () => {
    const chain = await createLocalChain({ blockTime: 'manual', genesis: devGenesis() });
    cleanups.push(() => chain.close());
    const devnet = await startDevnet({ engine: localChainEngine(chain), port: 0 });
    cleanups.push(() => devnet.close());
    // the default request timeout: connecting is not what this test is about, and a loaded machine
    // can take seconds to answer the metadata request
    const remote = await createSubtensorChain({ endpoint: devnet.url });
    await remote.close();
    await expect(remote.blockNumber()).rejects.toMatchObject({ code: 'SK_CHAIN_CONNECTION' });
  });
});

describe('createSubtensorChain: over a provider passed in', () => {
  it('queries and submits through the given provider, and disconnects it on close', async () => {
    const chain = await createLocalChain({ blockTime: 'instant', genesis: devGenesis() });
    cleanups.push(() => chain.close());
    const devnet = await startDevnet({ engine: localChainEngine(chain), port: 0 });
    cleanups.push(() => devnet.close());
    // polkadot-js style: the caller builds the provider; the backend opens no socket of its own
    const provider = new WsProvider(devnet.url, false);
    const remote = await createSubtensorChain({ provider, timeoutMs: 5_000 });
    cleanups.push(() => remote.close());
    expect(provider.isConnected).toBe(true);
    const alice = createDevSigner('//Alice');
    expect(await remote.balance(alice.address)).toBe(await chain.balance(alice.address));
    const r = await remote.submit(alice, {
      pallet: 'Balances',
      method: 'transfer_keep_alive',
      args: { dest: createDevSigner('//Bob').address, value: 10n ** 9n },
    });
    expect(r.blockNumber).toBe(await chain.blockNumber());
    const gone = new Promise<void>((resolve) => provider.on('disconnected', () => resolve()));
    await remote.close();
    await gone;
    expect(provider.isConnected).toBe(false);
  });

  it('needs an endpoint or a provider', async () => {
    await expect(createSubtensorChain({})).rejects.toMatchObject({ code: 'SK_CHAIN_BAD_INPUT' });
  });
});
