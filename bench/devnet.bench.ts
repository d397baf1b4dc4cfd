// Extrinsics/s and query latency: the local chain in-process (the baseline of every figure) vs the
// same engine through the devnet (Substrate JSON-RPC over WebSocket). The headline figure is the
// devnet's own throughput (goal >= 1,000/s): the devnet runs in a process of its own, transfers are
// signed by @polkadot/api before the timed window and then pipelined over a few raw WebSockets, and
// the line gives the server's and the client's CPU per transfer and which side was saturated (plus
// the same with both in one process, as earlier rounds measured it). Then the @polkadot/api subtensor
// backend end to end. One JSON line per figure.
// `npm run bench -- devnet`; BENCH_DEVNET_TX (default 120) sets the extrinsics per API run,
// BENCH_DEVNET_BURST (default 2400) the pre-signed transfers per burst (after 240 not timed, in
// every set-up alike), BENCH_DEVNET_CONNECTIONS (default 2) the client's WebSockets,
// BENCH_DEVNET_VERIFY_WORKERS the devnet's `verifyWorkers`.
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider } from '@polkadot/api';
import WebSocket from 'ws';
import { startDevnet } from '../packages/core/src/chain/devnet/devnet-server.js';
import { localChainEngine } from '../packages/core/src/chain/devnet/local-engine.js';
import { createDevSigner, createLocalChain, devGenesis } from '../packages/core/src/chain/local/index.js';
import { toPolkadotSigner } from '../packages/core/src/chain/subtensor/signer-adapter.js';
import { createSubtensorChain } from '../packages/core/src/chain/subtensor/subtensor-chain.js';
import type { Chain } from '../packages/core/src/chain/types.js';
import { ManualClock } from '../packages/core/src/util/clock.js';
import type { Signer } from '../packages/core/src/util/signer.js';
import { initCrypto } from '../packages/core/src/wallet/crypto-ready.js';
import { Keypair } from '../packages/core/src/wallet/keypair.js';
import { median, percentile, printFigure } from './util.js';

const TX = Number(process.env.BENCH_DEVNET_TX ?? 120);
const BURST = Number(process.env.BENCH_DEVNET_BURST ?? 2400);
/** Transfers sent (and awaited) before the timed window, so the figure is a warm server's. */
const WARM = 240;
const CONNECTIONS = Number(process.env.BENCH_DEVNET_CONNECTIONS ?? 2);
const QUERIES = 40;
const senders = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((n) => createDevSigner(`//${n}`));
const dest = createDevSigner('//Receiver').address;

function newChain() {
  return createLocalChain({ blockTime: 'instant', genesis: devGenesis(), clock: new ManualClock(1_700_000_000_000) });
}

/** One sender, one extrinsic at a time (submit → in block → next). */
async function sequential(chain: Chain, n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    await chain.submit(senders[0] as Signer, {
      pallet: 'Balances',
      method: 'transfer_keep_alive',
      args: { dest, value: 1_000_000_000n },
    });
  }
  return n / ((performance.now() - start) / 1000);
}

/** Six senders in parallel, each sequential: blocks carry several extrinsics. */
async function parallel(chain: Chain, n: number): Promise<number> {
  const per = Math.ceil(n / senders.length);
  const start = performance.now();
  await Promise.all(
    senders.map(async (s) => {
      for (let i = 0; i < per; i++) {
        await chain.submit(s, {
          pallet: 'Balances',
          method: 'transfer_keep_alive',
          args: { dest, value: 1_000_000_000n },
        });
      }
    }),
  );
  return (per * senders.length) / ((performance.now() - start) / 1000);
}

async function latency(fn: () => Promise<unknown>): Promise<{ p50Ms: number; p95Ms: number }> {
  const xs: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return { p50Ms: +median(xs).toFixed(3), p95Ms: +percentile(xs, 95).toFixed(3) };
}

async function measure(chain: Chain) {
  // Registered neurons make the metagraph non-trivial.
  for (let i = 0; i < 8; i++) {
    const owner = senders[i % senders.length] as Signer;
    await chain.submit(owner, {
      pallet: 'SubtensorModule',
      method: 'burned_register',
      args: { netuid: 1, hotkey: createDevSigner(`//bench//hot/${i}`).address },
    });
  }
  const seq = await sequential(chain, TX);
  const par = await parallel(chain, TX);
  return {
    sequentialTxPerS: +seq.toFixed(1),
    parallelTxPerS: +par.toFixed(1),
    balance: await latency(() => chain.balance(dest)),
    blockNumber: await latency(() => chain.blockNumber()),
    metagraph: await latency(() => chain.metagraph(1)),
    hyperparameters: await latency(() => chain.hyperparameters(1)),
    subnets: await latency(() => chain.subnets()),
  };
}

// ---- pre-signed transfers, all sent at once: the engine's (and the devnet's) throughput
await initCrypto();
const burstSenders = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((n) => Keypair.fromUri(`//${n}`));
const transfer = { pallet: 'Balances', method: 'transfer_keep_alive', args: { dest, value: 1_000_000_000n } } as const;

/** In-process: the same number of transfers, signed beforehand, submitted together. */
async function burstInProcess(): Promise<{ perSecond: number; cpuMs: number }> {
  const chain = await newChain();
  const signed = Array.from({ length: WARM + BURST }, (_, i) =>
    chain.sign(burstSenders[i % burstSenders.length] as Signer, transfer, Math.floor(i / burstSenders.length)),
  );
  await Promise.all(signed.splice(0, WARM).map((x) => chain.submitExtrinsic(x)));
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const results = await Promise.allSettled(signed.map((x) => chain.submitExtrinsic(x)));
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const failed = results.filter((r) => r.status === 'rejected').length;
  await chain.close();
  if (failed > 0) throw new Error(`${failed} in-process transfers failed`);
  return { perSecond: BURST / seconds, cpuMs: (cpu.user + cpu.system) / 1000 / BURST };
}

/**
 * The devnet in a process of its own (as `subnetkit devnet` runs): it reports its CPU time over IPC,
 * so the server's share of each transfer is measured apart from the client's.
 */
async function serveForBench(): Promise<void> {
  await initCrypto();
  const chain = await newChain();
  const workers = process.env.BENCH_DEVNET_VERIFY_WORKERS;
  const devnet = await startDevnet({
    engine: localChainEngine(chain),
    port: 0,
    ...(workers ? { verifyWorkers: Number(workers) } : {}),
  });
  const send = (m: unknown) => process.send?.(m);
  process.on('message', (m) => {
    if (m === 'cpu') {
      const c = process.cpuUsage();
      void chain.blockNumber().then((head) => send({ cpuUs: c.user + c.system, head }));
    } else if (m === 'close') {
      void devnet
        .close()
        .then(() => chain.close())
        .then(() => process.exit(0));
    }
  });
  // the bench went away: nothing is left running
  process.on('disconnect', () => process.exit(0));
  send({ url: devnet.url });
}

interface ServerProcess {
  url: string;
  stats(): Promise<{ cpuUs: number; head: number }>;
  close(): Promise<void>;
}

async function startServerProcess(): Promise<ServerProcess> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the devnet process exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m as T);
      });
    });
  const { url } = await next<{ url: string }>();
  return {
    url,
    stats: () => {
      const reply = next<{ cpuUs: number; head: number }>();
      child.send('cpu');
      return reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('close');
      }),
  };
}

/**
 * Pre-signed SCALE transfers (nonce i / senders for transfer i), built by @polkadot/api against
 * `url`: WARM of them for the warm-up, then BURST.
 */
async function preSign(url: string): Promise<string[]> {
  const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
  const balances = api.tx.balances as NonNullable<typeof api.tx.balances>;
  const hexes: string[] = [];
  for (let i = 0; i < WARM + BURST; i++) {
    const s = burstSenders[i % burstSenders.length] as Keypair;
    const tx = balances.transferKeepAlive!(dest, 1_000_000_000n);
    await tx.signAsync(s.address, {
      signer: toPolkadotSigner(s, api.registry),
      nonce: Math.floor(i / burstSenders.length),
      era: 0,
    });
    hexes.push(tx.toHex());
  }
  await api.disconnect();
  return hexes;
}

/**
 * Sends every pre-signed transfer at once over `CONNECTIONS` WebSockets (each sender's transfers on
 * one connection, in nonce order) as `author_submitExtrinsic`, and waits for every answer.
 */
async function pipeline(url: string, hexes: string[]): Promise<{ seconds: number; clientCpuUs: number }> {
  const sockets = await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      const ws = new WebSocket(url);
      await new Promise((r) => ws.once('open', r));
      return ws;
    }),
  );
  let answered = 0;
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  await new Promise<void>((resolve) => {
    for (const ws of sockets) {
      ws.on('message', (d) => {
        if ((JSON.parse(String(d)) as { error?: unknown }).error) errors++;
        if (++answered === hexes.length) resolve();
      });
    }
    hexes.forEach((hex, id) => {
      const ws = sockets[(id % burstSenders.length) % CONNECTIONS] as WebSocket;
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'author_submitExtrinsic', params: [hex] }));
    });
  });
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  for (const ws of sockets) ws.close();
  if (errors > 0) throw new Error(`${errors} of ${hexes.length} devnet transfers were refused`);
  return { seconds, clientCpuUs: cpu.user + cpu.system };
}

/** Over the devnet in its own process: server and client CPU per transfer, and which side was saturated. */
async function burstViaDevnetProcess() {
  const server = await startServerProcess();
  try {
    const hexes = await preSign(server.url);
    await pipeline(server.url, hexes.splice(0, WARM));
    const before = await server.stats();
    const { seconds, clientCpuUs } = await pipeline(server.url, hexes);
    const after = await server.stats();
    const serverCpuUs = after.cpuUs - before.cpuUs;
    const serverBusy = serverCpuUs / 1e6 / seconds;
    const clientBusy = clientCpuUs / 1e6 / seconds;
    // a side that used (nearly) a full core for the whole window was the limit
    const saturated =
      serverBusy >= 0.85 && serverBusy >= clientBusy
        ? 'server'
        : clientBusy >= 0.85
          ? 'client'
          : 'neither: both waited on a shared CPU (see loadAverage)';
    return {
      perSecond: BURST / seconds,
      serverCpuMs: serverCpuUs / 1000 / BURST,
      clientCpuMs: clientCpuUs / 1000 / BURST,
      serverBusy,
      clientBusy,
      saturated,
      blocks: after.head - before.head,
    };
  } finally {
    await server.close();
  }
}

/** The earlier set-up, for comparison: the devnet and the client in one process. */
async function burstViaDevnetSameProcess(): Promise<{ perSecond: number; cpuMs: number }> {
  const chain = await newChain();
  const devnet = await startDevnet({ engine: localChainEngine(chain), port: 0 });
  const hexes = await preSign(devnet.url);
  await pipeline(devnet.url, hexes.splice(0, WARM));
  const cpu0 = process.cpuUsage();
  const { seconds } = await pipeline(devnet.url, hexes);
  const cpu = process.cpuUsage(cpu0);
  await devnet.close();
  await chain.close();
  return { perSecond: BURST / seconds, cpuMs: (cpu.user + cpu.system) / 1000 / BURST };
}

const load = () => Number(loadavg()[0]?.toFixed(2));

async function main(): Promise<void> {
  const load0 = load();
  const burstBase = await burstInProcess();
  const burst = await burstViaDevnetProcess();
  const same = await burstViaDevnetSameProcess();
  printFigure('devnet', {
    figure: `signed transfers over JSON-RPC (devnet in its own process; pre-signed, pipelined on ${CONNECTIONS} WebSockets, author_submitExtrinsic)`,
    unit: 'transfers/s',
    value: Math.round(burst.perSecond),
    baseline: 'the same pre-signed transfers submitted to the local chain in-process',
    baselineValue: Math.round(burstBase.perSecond),
    goal: '>= 1000',
    transfers: BURST,
    blocks: burst.blocks,
    serverCpuMsPerTransfer: Number(burst.serverCpuMs.toFixed(3)),
    clientCpuMsPerTransfer: Number(burst.clientCpuMs.toFixed(3)),
    baselineCpuMsPerTransfer: Number(burstBase.cpuMs.toFixed(3)),
    serverBusy: Number(burst.serverBusy.toFixed(2)),
    clientBusy: Number(burst.clientBusy.toFixed(2)),
    saturated: burst.saturated,
    sameProcessTransfersPerS: Math.round(same.perSecond),
    sameProcessCpuMsPerTransfer: Number(same.cpuMs.toFixed(3)),
    loadAverage: [load0, load()],
  });

  const inProcessChain = await newChain();
  const inProcess = await measure(inProcessChain);
  await inProcessChain.close();

  const engineChain = await newChain();
  const devnet = await startDevnet({ engine: localChainEngine(engineChain), port: 0 });
  const connectStart = performance.now();
  const remote = await createSubtensorChain({ endpoint: devnet.url, timeoutMs: 30_000 });
  const connectMs = performance.now() - connectStart;
  const viaDevnet = await measure(remote);
  await remote.close();
  await devnet.close();
  await engineChain.close();

  const figures: [string, string, number, number][] = [
    [
      'signed transfers via @polkadot/api, one sender, each awaited',
      'transfers/s',
      viaDevnet.sequentialTxPerS,
      inProcess.sequentialTxPerS,
    ],
    [
      'signed transfers via @polkadot/api, six senders in parallel',
      'transfers/s',
      viaDevnet.parallelTxPerS,
      inProcess.parallelTxPerS,
    ],
    ['balance query p50', 'ms', viaDevnet.balance.p50Ms, inProcess.balance.p50Ms],
    ['block number query p50', 'ms', viaDevnet.blockNumber.p50Ms, inProcess.blockNumber.p50Ms],
    ['metagraph query p50', 'ms', viaDevnet.metagraph.p50Ms, inProcess.metagraph.p50Ms],
    ['hyperparameters query p50', 'ms', viaDevnet.hyperparameters.p50Ms, inProcess.hyperparameters.p50Ms],
    ['subnets query p50', 'ms', viaDevnet.subnets.p50Ms, inProcess.subnets.p50Ms],
  ];
  for (const [figure, unit, value, base] of figures) {
    printFigure('devnet', {
      figure: `${figure} (devnet)`,
      unit,
      value,
      baseline: 'the same through the local chain in-process',
      baselineValue: base,
      ...(unit === 'transfers/s' ? { extrinsics: TX } : { queries: QUERIES, connectMs: Math.round(connectMs) }),
    });
  }
}

if (process.argv[2] === '--serve') await serveForBench();
else {
  await main();
  process.exit(0);
}
