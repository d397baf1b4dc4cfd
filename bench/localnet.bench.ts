// Imports core's public API from dist (npm run bench builds first): tsx would not compile its DI decorators.
// Local network benchmark: time from start to the first completed epoch of every reference
// subnet, validator step latency (challenge, fan-out, reward), and RSS of the default localnet
// (3 subnets × 8 neurons: 2 validators, 6 miners) while it runs. Measured twice in one run: with
// the embedded chain (baseline) and joined to the same engine served as a devnet over WebSocket
// (`localnet --network`), so the second's cost is the JSON-RPC + @polkadot/api path and the setup
// (funding, register_network, sudo hyperparameters) it does on chain.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type Chain,
  createLocalChain,
  createLogger,
  createModelRuntime,
  createSubtensorChain,
  devGenesis,
  initCrypto,
  Keypair,
  LocalNetwork,
  loadSubnet,
  localChainEngine,
  type StepReport,
  startDevnet,
  systemClock,
} from '../packages/core/dist/index.js';
import { median, percentile, printFigure } from './util.js';

const root = resolve(import.meta.dirname, '..');
const names = ['@subnetkit/subnet-text', '@subnetkit/subnet-image', '@subnetkit/subnet-predict'];
const log = createLogger({ level: 'silent' });

async function measure(joined?: Chain) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sk-bench-localnet-'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const t0 = performance.now();
  const subnets = await Promise.all(names.map((n) => loadSubnet(n, { cwd: root })));
  const models = createModelRuntime({ logger: log, useFixtures: true });
  for (const s of subnets) await models.load(s.definition.models ?? {});
  const modelsMs = performance.now() - t0;
  const network = await LocalNetwork.start({
    subnets,
    blockTime: 250,
    tempo: 20,
    ...(joined ? { join: { chain: joined, funder: Keypair.fromUri('//Alice') } } : { dataDir }),
    stateDir: join(dataDir, 'validators'),
    models,
    log,
    clock: systemClock,
  });
  const upMs = performance.now() - t0;
  const firstEpoch = new Map<number, number>();
  const steps: StepReport[] = [];
  const seen = new Set<StepReport>();
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      for (const v of network.validators()) {
        const r = v.lastReport;
        if (r && !seen.has(r)) {
          seen.add(r);
          steps.push(r);
        }
      }
    }, 50);
    network.onEpoch((e) => {
      if (!firstEpoch.has(e.netuid)) firstEpoch.set(e.netuid, performance.now() - t0);
      // measure through three epochs so every subnet has weights and steps under load
      if (subnets.every((s) => network.epochs(network.netuidOf(s.definition.name)) >= 3)) {
        clearInterval(timer);
        done();
      }
    });
  });
  clearInterval(sampler);
  await network.stop();
  await models.dispose();
  rmSync(dataDir, { recursive: true, force: true });
  const pick = (k: keyof StepReport['timings']) => steps.map((s) => s.timings[k]);
  return {
    modelsLoadedMs: Math.round(modelsMs),
    networkUpMs: Math.round(upMs),
    firstEpochOfEverySubnetMs: Math.round(Math.max(...firstEpoch.values())),
    steps: steps.length,
    stepMs: {
      challengeP50: median(pick('challengeMs')),
      fanOutP50: median(pick('fanOutMs')),
      fanOutP99: percentile(pick('fanOutMs'), 99),
      rewardP50: median(pick('rewardMs')),
    },
    peakRssMiB: Math.round(peakRss / 2 ** 20),
  };
}

const embedded = await measure();
// the joined run: the same engine in this process, reached only over the devnet's WebSocket
await initCrypto();
const host = await createLocalChain({ blockTime: 250, genesis: devGenesis(), clock: systemClock });
const devnet = await startDevnet({ engine: localChainEngine(host), port: 0 });
const remote = await createSubtensorChain({ endpoint: devnet.url });
const overDevnet = await measure(remote);
await remote.close();
await devnet.close();
await host.close();

// one line per figure: the joined network (over the devnet) against the embedded one, same run
const common = { subnets: names, neuronsPerSubnet: 8 };
const figures: [string, string, number, number, Record<string, unknown>][] = [
  ['network up', 'ms', overDevnet.networkUpMs, embedded.networkUpMs, {}],
  ['first epoch of every subnet', 'ms', overDevnet.firstEpochOfEverySubnetMs, embedded.firstEpochOfEverySubnetMs, {}],
  ['validator fan-out p50', 'ms', overDevnet.stepMs.fanOutP50, embedded.stepMs.fanOutP50, { steps: overDevnet.steps }],
  ['peak RSS', 'MiB', overDevnet.peakRssMiB, embedded.peakRssMiB, { goal: '<= 1536 MiB' }],
];
for (const [figure, unit, value, base, extra] of figures) {
  printFigure('localnet', {
    figure: `localnet joined over the devnet: ${figure}`,
    unit,
    value,
    baseline: 'the same localnet on its embedded chain',
    baselineValue: base,
    ...common,
    ...extra,
  });
}
printFigure('localnet', {
  figure: 'embedded localnet: peak RSS',
  unit: 'MiB',
  value: embedded.peakRssMiB,
  baseline: 'goal',
  baselineValue: 1536,
  goal: '<= 1536 MiB',
  modelsLoadedMs: embedded.modelsLoadedMs,
  stepMs: embedded.stepMs,
  ...common,
});
