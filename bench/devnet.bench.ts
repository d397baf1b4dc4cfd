// Extrinsics/s and query latency: the local chain in-process vs the same engine through the devnet
// (Substrate JSON-RPC over WebSocket) and the @polkadot/api subtensor backend.
// `npm run bench -- devnet`; BENCH_DEVNET_TX (default 120) sets the extrinsics per run.
import { startDevnet } from '../packages/core/src/chain/devnet/devnet-server.js';
import { localChainEngine } from '../packages/core/src/chain/devnet/local-engine.js';
import { createDevSigner, createLocalChain, devGenesis } from '../packages/core/src/chain/local/index.js';
import { createSubtensorChain } from '../packages/core/src/chain/subtensor/subtensor-chain.js';
import type { Chain } from '../packages/core/src/chain/types.js';
import { ManualClock } from '../packages/core/src/util/clock.js';
import type { Signer } from '../packages/core/src/util/signer.js';
import { median, percentile, printResult } from './util.js';

const TX = Number(process.env.BENCH_DEVNET_TX ?? 120);
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

printResult('devnet', {
  extrinsics: TX,
  queries: QUERIES,
  inProcess,
  devnet: { connectMs: +connectMs.toFixed(0), ...viaDevnet },
  slowdown: {
    sequential: +(inProcess.sequentialTxPerS / viaDevnet.sequentialTxPerS).toFixed(1),
    metagraphP50: +(viaDevnet.metagraph.p50Ms / inProcess.metagraph.p50Ms).toFixed(1),
  },
});
process.exit(0);
