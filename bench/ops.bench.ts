/**
 * Ops benchmark: what the metrics cost on the paths they watch. One JSON line per figure, each
 * with a baseline measured in the same run:
 * - axon request accounting (the `axonObserver` pair: in-flight gauge, counter, histogram) in µs of
 *   CPU per request, against one sr25519 verify, the axon's irreducible per-request work;
 * - an instrumented local-chain query (`hyperparameters`) against the same query on the raw chain;
 * - a `/metrics` render of a busy validator (256 uid scores, 40 chain calls, 4 models, 10 error
 *   codes) against a render of the process metrics alone.
 * Run: `npm run bench -- ops` (or `node --import tsx bench/ops.bench.ts`).
 */
import { createLocalChain, devGenesis } from '../packages/core/src/chain/local/index.js';
import { sr25519Verify } from '../packages/core/src/crypto/sr25519.js';
import { instrumentChain } from '../packages/core/src/ops/instrument-chain.js';
import { axonObserver } from '../packages/core/src/ops/instrument-requests.js';
import { OpsMetrics } from '../packages/core/src/ops/metrics.js';
import { initCrypto } from '../packages/core/src/wallet/crypto-ready.js';
import { Keypair } from '../packages/core/src/wallet/keypair.js';
import { median, printFigure } from './util.js';

const cpuUs = (u: NodeJS.CpuUsage): number => u.user + u.system;

/** CPU µs per call of `fn`, median of 5 rounds of `n` calls after a warm-up round. */
async function perCallUs(n: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r < 6; r++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await fn();
    if (r > 0) rounds.push(cpuUs(process.cpuUsage(c0)) / n);
  }
  return median(rounds);
}

async function main(): Promise<void> {
  await initCrypto();

  // axon accounting vs one signature verification
  const alice = Keypair.fromUri('//Alice');
  const msg = new TextEncoder().encode('x'.repeat(160));
  const sig = alice.sign(msg);
  const verifyUs = await perCallUs(500, () => sr25519Verify(sig, msg, alice.publicKey));
  const observer = axonObserver(new OpsMetrics({ processMetrics: false }));
  const routes = ['TextSynapse', 'ImageSynapse', 'unknown'];
  let i = 0;
  const observeUs = await perCallUs(20_000, () => {
    const synapse = routes[i++ % 3] as string;
    observer.onRequest?.({ synapse, peerIp: '127.0.0.1' });
    observer.onResponse?.({ synapse, status: i % 7 === 0 ? 503 : 200, durationMs: 3 + (i % 50), stage: undefined });
  });
  printFigure('ops', {
    figure: 'axon request accounting (observer: in-flight, counter, histogram)',
    unit: 'µs CPU per request',
    value: Number(observeUs.toFixed(2)),
    baseline: 'one sr25519 verify (the axon’s per-request floor)',
    baselineValue: Number(verifyUs.toFixed(2)),
    goal: '<= 0.1 × baseline',
  });

  // instrumented vs raw chain query
  const chain = await createLocalChain({ blockTime: 'manual', genesis: devGenesis() });
  try {
    const measured = instrumentChain(chain, new OpsMetrics({ processMetrics: false }));
    const rawUs = await perCallUs(5_000, () => chain.hyperparameters(1));
    const wrappedUs = await perCallUs(5_000, () => measured.hyperparameters(1));
    printFigure('ops', {
      figure: 'instrumented local-chain query (hyperparameters)',
      unit: 'µs CPU per call',
      value: Number(wrappedUs.toFixed(2)),
      baseline: 'the same query on the raw chain',
      baselineValue: Number(rawUs.toFixed(2)),
    });
  } finally {
    await chain.close();
  }

  // a busy validator's scrape vs the process metrics alone
  const busy = new OpsMetrics();
  const scores = Array.from({ length: 256 }, (_, uid) => ({ uid, score: (uid % 17) / 17 }));
  busy.addScoreSource('text/validator', () => scores);
  for (let c = 0; c < 40; c++) busy.chainCalls.inc({ call: `call${c}`, outcome: 'ok' }, c + 1);
  for (let m = 0; m < 4; m++) for (let b = 1; b <= 16; b++) busy.modelBatchSize.observe({ model: `m${m}` }, b);
  for (let e = 0; e < 10; e++) busy.errors.inc({ code: `SK_CODE_${e}` });
  const empty = new OpsMetrics();
  const emptyUs = await perCallUs(200, () => empty.render());
  const busyUs = await perCallUs(200, () => busy.render());
  printFigure('ops', {
    figure: '/metrics render, busy validator (256 scores, 40 chain calls, 4 models, 10 codes)',
    unit: 'ms CPU per scrape',
    value: Number((busyUs / 1000).toFixed(3)),
    baseline: 'render of the process metrics alone',
    baselineValue: Number((emptyUs / 1000).toFixed(3)),
    bytes: (await busy.render()).length,
  });
}

await main();
