// Imports core's public API from dist (npm run bench builds first).
// Gateway load test, loopback only and bounded: a fixed number of OpenAI-style completions through
// the gateway (API key check, rate limit, hedged query to 2 miners, schema check, OpenAI JSON) at a
// fixed concurrency, against a baseline measured in the same run: the same number of signed
// dendrite queries straight to one miner. The subnet echoes its prompt, so the figure is the
// gateway's own cost, not a model's. One JSON line: requests/s, p50/p99 latency, both paths.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import {
  ApiKeyStore,
  createLogger,
  Dendrite,
  defineSubnet,
  dialableIp,
  Gateway,
  loadSubnet,
  localnetKeys,
  subnetSynapses,
} from '../packages/core/dist/index.js';
import { createTestNetwork } from '../packages/core/dist/testing/index.js';
import { percentile, printFigure } from './util.js';

// Miners' axons limit each validator hotkey to 50 requests/s with a burst of 100 (the gateway's
// hotkey included): each phase stays within one burst and waits for the bucket to refill after.
const REQUESTS = 90;
const CONCURRENCY = 8;
const REFILL_MS = 2_500;

const echo = defineSubnet({
  apiVersion: 1,
  name: 'echo',
  task: {
    request: z.object({ prompt: z.string().min(1), maxTokens: z.int().min(1) }),
    response: z.object({ completion: z.string() }),
  },
  miner: { handle: (req) => ({ completion: req.prompt }) },
  validator: {
    challenge: () => ({ request: { prompt: 'ping', maxTokens: 1 }, truth: 'ping' }),
    reward: (responses, truth: string) => responses.map((r) => (r.completion === truth ? 1 : 0)),
  },
});

/** Runs `n` calls with `concurrency` in flight; returns requests/s and each call's latency. */
async function load(n: number, concurrency: number, call: () => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) {
        const s = performance.now();
        await call();
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { rps: n / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const dir = mkdtempSync(join(tmpdir(), 'sk-bench-gateway-'));
const net = await createTestNetwork({ subnet: echo, miners: ['honest', 'honest'], validators: 1 });
const log = createLogger({ level: 'silent' });
const signer = localnetKeys('test', 'echo', 'validator', 0).hotkey;
const keys = ApiKeyStore.open(join(dir, 'keys.json'));
const { key } = keys.add({ name: 'bench', requestsPerMinute: 1_000_000 });
const gateway = await Gateway.create({
  subnet: await loadSubnet(echo, { cwd: process.cwd() }),
  netuid: net.network.netuidOf('echo'),
  chain: net.network.chain,
  signer,
  log,
  keys,
});
const { url } = await gateway.listen({ port: 0 });
const dendrite = new Dendrite({ signer, logger: log });
try {
  const m = await net.network.chain.metagraph(net.network.netuidOf('echo'));
  const uid = m.uids.find((u) => (m.axons[u]?.port ?? 0) > 0)!;
  const axon = { ip: dialableIp(m.axons[uid]!.ip), port: m.axons[uid]!.port, hotkey: m.hotkeys[uid]! };
  const synapse = subnetSynapses(echo).unary;
  const direct = async () => {
    const r = await dendrite.query(axon, synapse, { prompt: 'hello', maxTokens: 1 });
    if (!r.ok) throw new Error(`direct query failed: ${r.status}`);
  };
  const viaGateway = async () => {
    const res = await fetch(`${url}/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'echo', prompt: 'hello', max_tokens: 1 }),
    });
    if (res.status !== 200) throw new Error(`gateway answered ${res.status}`);
    await res.arrayBuffer();
  };
  const refill = () => new Promise((done) => setTimeout(done, REFILL_MS));
  // warm-up: connections, JIT, prepared nonces
  await load(30, CONCURRENCY, direct);
  await load(30, CONCURRENCY, viaGateway);
  await refill();
  const base = await load(REQUESTS, CONCURRENCY, direct);
  await refill();
  const gw = await load(REQUESTS, CONCURRENCY, viaGateway);
  printFigure('gateway', {
    figure: `gateway requests/s, POST /v1/completions, echo subnet, hedged to 2 miners, ${REQUESTS} requests, ${CONCURRENCY} in flight`,
    unit: 'req/s',
    value: Number(gw.rps.toFixed(1)),
    baseline: 'signed dendrite queries straight to one miner, same count and concurrency',
    baselineValue: Number(base.rps.toFixed(1)),
    ratioMeans: 'gateway req/s over direct req/s (1 = no overhead; the gateway asks 2 miners per request)',
    p50Ms: Number(gw.p50.toFixed(2)),
    p99Ms: Number(gw.p99.toFixed(2)),
    baselineP50Ms: Number(base.p50.toFixed(2)),
    baselineP99Ms: Number(base.p99.toFixed(2)),
  });
} finally {
  await dendrite.close();
  await gateway.close();
  await net.close();
  rmSync(dir, { recursive: true, force: true });
}
