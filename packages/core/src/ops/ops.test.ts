import 'reflect-metadata';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLocalChain, devGenesis, type LocalChain } from '../chain/local/index.js';
import { createLogger } from '../log/logger.js';
import { createModelRuntime } from '../models/model-runtime.js';
import { createAxon } from '../protocol/axon.js';
import { initCrypto } from '../wallet/crypto-ready.js';
import { Keypair } from '../wallet/keypair.js';
import { instrumentChain } from './instrument-chain.js';
import { instrumentModelRuntime } from './instrument-models.js';
import { axonObserver } from './instrument-requests.js';
import { OpsMetrics } from './metrics.js';
import { type OpsServer, startOpsServer } from './ops-server.js';
import { Readiness } from './readiness.js';
import { requestMetrics } from './request-metrics.js';
import { forcedShutdownError, gracefulShutdown } from './shutdown.js';

/** The value of one sample line of a Prometheus exposition, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return undefined;
}

let chain: LocalChain;
beforeAll(async () => {
  await initCrypto();
  chain = await createLocalChain({ blockTime: 'instant', genesis: devGenesis() });
});
afterAll(async () => {
  await chain?.close();
});

describe('ops endpoints', () => {
  let server: OpsServer | undefined;
  afterAll(async () => {
    await server?.close();
  });

  test('/healthz, /readyz (503 while starting and when draining) and /metrics on 127.0.0.1', async () => {
    const metrics = new OpsMetrics();
    const readiness = new Readiness().require('models').require('registration');
    server = await startOpsServer({ metrics, readiness, port: 0 });
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const starting = await fetch(`${server.url}/readyz`);
    expect(starting.status).toBe(503);
    expect(await starting.json()).toEqual({ status: 'starting', waiting: ['models', 'registration'] });
    readiness.done('models');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    readiness.done('registration');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    metrics.countError({ code: 'SK_CHAIN_TIMEOUT' });
    const scrape = await fetch(`${server.url}/metrics`);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await scrape.text();
    expect(sample(text, 'subnetkit_errors_total', { code: 'SK_CHAIN_TIMEOUT' })).toBe(1);
    expect(text).toContain('subnetkit_process_cpu_seconds_total');
    await gracefulShutdown({ timeoutMs: 5_000, readiness }, async () => undefined);
    const draining = await fetch(`${server.url}/readyz`);
    expect(draining.status).toBe(503);
    expect(((await draining.json()) as { status: string }).status).toBe('shutting_down');
  });

  test('a taken ops port is SK_CLI_PORT_IN_USE', async () => {
    const metrics = new OpsMetrics({ processMetrics: false });
    const first = await startOpsServer({ metrics, readiness: new Readiness(), port: 0 });
    try {
      await expect(startOpsServer({ metrics, readiness: new Readiness(), port: first.port })).rejects.toMatchObject({
        code: 'SK_CLI_PORT_IN_USE',
      });
    } finally {
      await first.close();
    }
  });
});

describe('instrumentation', () => {
  test('chain calls are counted by call and outcome; a refused weight extrinsic is not counted as weights set', async () => {
    const metrics = new OpsMetrics({ processMetrics: false });
    const measured = instrumentChain(chain, metrics);
    expect(await measured.blockNumber()).toBe(await chain.blockNumber());
    await measured.subnets();
    await measured.subnets();
    const alice = Keypair.fromUri('//Alice');
    await expect(
      measured.submit(alice, {
        pallet: 'SubtensorModule',
        method: 'set_weights',
        args: { netuid: 99, dests: [0], weights: [1], versionKey: 0n },
      }),
    ).rejects.toHaveProperty('code');
    // subscriptions pass through unmeasured and still work
    const off = measured.onBlock(() => undefined);
    off();
    const text = await metrics.render();
    expect(sample(text, 'subnetkit_chain_calls_total', { call: 'subnets', outcome: 'ok' })).toBe(2);
    expect(sample(text, 'subnetkit_chain_calls_total', { call: 'blockNumber', outcome: 'ok' })).toBe(1);
    const failed = text
      .split('\n')
      .find((l) => l.includes('call="submit:set_weights"') && l.startsWith('subnetkit_chain_calls_total'));
    expect(failed).toMatch(/outcome="SK_CHAIN_[A-Z_]+"/);
    expect(sample(text, 'subnetkit_weights_set_total', { kind: 'set_weights' })).toBeUndefined();
    expect(sample(text, 'subnetkit_chain_call_duration_seconds_count', { call: 'subnets' })).toBe(2);
  });

  test('model calls report their batch size and outcome; handle methods pass through', { tags: ['slow'] }, async () => {
    const metrics = new OpsMetrics({ processMetrics: false });
    const runtime = instrumentModelRuntime(
      createModelRuntime({ logger: createLogger({ level: 'silent' }), useFixtures: true, warmup: false }),
      metrics,
    );
    try {
      const models = runtime.handles({
        embed: {
          task: 'feature-extraction',
          model: 'Xenova/all-MiniLM-L6-v2',
          fixture: 'tiny-bert',
          batch: { maxWaitMs: 50 },
        },
        gen: { task: 'text-generation', model: 'Xenova/gpt2', fixture: 'tiny-gpt2' },
      });
      const timings: number[] = [];
      // three concurrent calls share one batch; the caller's own onTiming still fires
      await Promise.all(['a', 'b', 'c'].map((t) => models.embed(t, { onTiming: (x) => timings.push(x.batchSize) })));
      await expect(models.embed('', {})).rejects.toMatchObject({ code: 'SK_MODEL_BAD_INPUT' });
      expect((await models.embed.info()).task).toBe('feature-extraction');
      const text = await metrics.render();
      const m = { model: 'Xenova/all-MiniLM-L6-v2' };
      expect(sample(text, 'subnetkit_model_batch_size_count', m)).toBe(3);
      expect(sample(text, 'subnetkit_model_batch_size_sum', m)).toBe(timings.reduce((a, b) => a + b, 0));
      expect(timings).toHaveLength(3);
      expect(sample(text, 'subnetkit_model_calls_total', { ...m, outcome: 'ok' })).toBe(3);
      expect(sample(text, 'subnetkit_model_calls_total', { ...m, outcome: 'SK_MODEL_BAD_INPUT' })).toBe(1);
      expect(sample(text, 'subnetkit_errors_total', { code: 'SK_MODEL_BAD_INPUT' })).toBe(1);
      // a stream counts once, when it ends, with its own batch of one
      const pieces: string[] = [];
      for await (const piece of models.gen.stream('Hello', { maxNewTokens: 3 })) pieces.push(piece);
      expect(pieces.length).toBeGreaterThan(0);
      const after = await metrics.render();
      expect(sample(after, 'subnetkit_model_calls_total', { model: 'Xenova/gpt2', outcome: 'ok' })).toBe(1);
      expect(sample(after, 'subnetkit_model_batch_size_sum', { model: 'Xenova/gpt2' })).toBe(1);
    } finally {
      await runtime.dispose();
    }
  });

  test('axon replies and hono routes are counted with bounded labels', async () => {
    const metrics = new OpsMetrics({ processMetrics: false });
    const axon = createAxon({
      signer: Keypair.fromUri('//Bob'),
      blacklist: { neurons: () => undefined },
      observer: axonObserver(metrics),
    });
    // unsigned calls are refused (401) and unknown synapses are 404: both still count
    expect((await axon.app.request('/Synapse', { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await axon.app.request('/no-such-synapse-123', { method: 'POST' })).status).toBe(404);
    const app = new Hono();
    app.use(requestMetrics(metrics, 'gateway'));
    app.get('/v1/models/:id', (c) => c.json({ id: c.req.param('id') }));
    expect((await app.request('/v1/models/abc')).status).toBe(200);
    expect((await app.request('/nope')).status).toBe(404);
    const text = await metrics.render();
    expect(sample(text, 'subnetkit_requests_total', { service: 'axon', route: 'Synapse', status: '401' })).toBe(1);
    expect(sample(text, 'subnetkit_requests_total', { service: 'axon', route: 'unknown', status: '404' })).toBe(1);
    expect(
      sample(text, 'subnetkit_requests_total', { service: 'gateway', route: '/v1/models/:id', status: '200' }),
    ).toBe(1);
    expect(sample(text, 'subnetkit_requests_total', { service: 'gateway', route: 'unknown', status: '404' })).toBe(1);
    expect(text).not.toContain('no-such-synapse');
    expect(sample(text, 'subnetkit_requests_in_flight', { service: 'gateway' })).toBe(0);
  });
});

describe('graceful shutdown', () => {
  test('a stop that outlasts the deadline is SK_OPS_SHUTDOWN_TIMEOUT; readiness drains at once', async () => {
    const readiness = new Readiness();
    let stopStarted = false;
    const never = gracefulShutdown({ timeoutMs: 20, readiness }, () => {
      stopStarted = true;
      return new Promise<void>(() => undefined);
    });
    expect(readiness.ready).toBe(false);
    expect(stopStarted).toBe(true);
    await expect(never).rejects.toMatchObject({ code: 'SK_OPS_SHUTDOWN_TIMEOUT', details: { timeoutMs: 20 } });
    expect(forcedShutdownError('SIGTERM')).toMatchObject({
      code: 'SK_OPS_SHUTDOWN_FORCED',
      details: { signal: 'SIGTERM' },
    });
  });
});
