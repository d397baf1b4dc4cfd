import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../../log/logger.js';
import { createModelRuntime, type ModelRuntime } from '../model-runtime.js';
import { expectClose } from '../test-helpers.test.util.js';
import {
  EMBED_MODEL,
  startTestInferenceServer,
  TEXT_MODEL,
  type TestInferenceServer,
} from './openai-server.test-helper.js';

// A real OpenAI-compatible HTTP server (the tiny fixtures behind hono) and the runtime's
// `openai-compatible` provider talking to it over loopback; the local runtime is the reference.
const API_KEY = 'sk-test-not-a-real-key-1234';
const KEY_ENV = 'SUBNETKIT_TEST_INFERENCE_KEY';
let server: TestInferenceServer;
let local: ModelRuntime;
let remote: ModelRuntime;
const quiet = createLogger({ level: 'silent' });

beforeAll(async () => {
  process.env[KEY_ENV] = API_KEY;
  server = await startTestInferenceServer({ apiKey: API_KEY });
  local = createModelRuntime({ logger: quiet, useFixtures: true });
  remote = createModelRuntime({ logger: quiet, useFixtures: true });
});
afterAll(async () => {
  await remote?.dispose();
  await local?.dispose();
  await server?.close();
  delete process.env[KEY_ENV];
});

const served = (model: string, extra: Record<string, unknown> = {}) =>
  ({
    task: 'text-generation',
    model,
    provider: 'openai-compatible',
    baseURL: server.baseURL,
    apiKeyEnv: KEY_ENV,
    batch: { maxWaitMs: 50 },
    ...extra,
  }) as const;

describe('openai-compatible provider against a real server', { tags: ['slow'] }, () => {
  test('completions: concurrent calls share one server request; outputs match the local model', async () => {
    const { gen } = await remote.load({ gen: served('tiny-gpt2') });
    const { ref } = await local.load({ ref: TEXT_MODEL });
    const prompts = ['The cat', 'A river', 'Numbers are'];
    const before = server.log.length;
    const sizes: number[] = [];
    const got = await Promise.all(
      prompts.map((p) => gen(p, { maxNewTokens: 6, onTiming: (t) => sizes.push(t.batchSize) })),
    );
    const want = await Promise.all(prompts.map((p) => ref(p, { maxNewTokens: 6 })));
    expect(got).toEqual(want);
    const calls = server.log.slice(before).filter((l) => l.path === '/v1/completions');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ inputs: 3, stream: false, authorization: `Bearer ${API_KEY}` });
    expect(sizes).toEqual([3, 3, 3]);
    const m = remote.metrics().find((x) => x.model === 'tiny-gpt2')!;
    expect(m).toMatchObject({ device: 'server', state: 'ready', requests: 3, succeeded: 3, batches: 1 });
    expect((await gen.info()).source).toEqual({ kind: 'server', baseURL: server.baseURL });
  });

  test('streaming: pieces arrive one by one over SSE and join to the plain answer', async () => {
    const { gen } = remote.handles({ gen: served('tiny-gpt2') });
    const pieces: string[] = [];
    for await (const piece of gen.stream('Once upon', { maxNewTokens: 8 })) pieces.push(piece);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(await gen('Once upon', { maxNewTokens: 8 }));
    expect(server.log.at(-2)).toMatchObject({ stream: true, inputs: 1 });
  });

  test('embeddings: ordered by index and normalised like the local model', async () => {
    const { embed } = remote.handles({
      embed: { ...served('tiny-bert'), task: 'feature-extraction', model: 'tiny-bert' },
    });
    const { ref } = local.handles({ ref: EMBED_MODEL });
    const texts = ['a small cat', 'the stock market', 'rain tomorrow'];
    expectClose(await embed(texts), await ref(texts), 5);
  });

  test('a server that dies mid-stream is SK_MODEL_UNREACHABLE, not a hang', async () => {
    const { gen } = remote.handles({ gen: served('dies-mid-stream') });
    const pieces: string[] = [];
    const consume = async () => {
      for await (const piece of gen.stream('Once upon', { maxNewTokens: 8 })) pieces.push(piece);
    };
    await expect(consume()).rejects.toMatchObject({ code: 'SK_MODEL_UNREACHABLE' });
    expect(pieces).toHaveLength(1);
  });

  test('a call over its timeout is SK_MODEL_TIMEOUT and the server sees the client go', async () => {
    const { gen } = remote.handles({ gen: served('hangs', { timeoutMs: 300 }) });
    const arrived = server.nextRequest();
    await expect(gen('Hello', { maxNewTokens: 2 })).rejects.toMatchObject({
      code: 'SK_MODEL_TIMEOUT',
      details: { timeoutMs: 300 },
    });
    const seen = await arrived;
    await expect.poll(() => seen.clientGone).toBe(true);
  });

  test('an aborted call is SK_MODEL_CANCELLED and the server request is dropped', async () => {
    const { gen } = remote.handles({ gen: served('hangs') });
    const controller = new AbortController();
    const arrived = server.nextRequest();
    const call = gen('Hello', { maxNewTokens: 2, signal: controller.signal });
    const seen = await arrived;
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'SK_MODEL_CANCELLED' });
    await expect.poll(() => seen.clientGone).toBe(true);
  });

  test('logProbs needs the weights: a coded error says to keep that model local', async () => {
    const { gen } = remote.handles({ gen: served('tiny-gpt2') });
    await expect(gen.logProbs('The cat', ' sat')).rejects.toMatchObject({
      code: 'SK_MODEL_BAD_INPUT',
      message: expect.stringMatching(/local/),
    });
  });

  test('faults: no server, unknown model, missing or wrong key, bad declarations', async () => {
    const gone = await startTestInferenceServer();
    const goneURL = gone.baseURL;
    await gone.close();
    const runtime = createModelRuntime({ logger: quiet });
    try {
      await expect(runtime.load({ g: { ...served('tiny-gpt2'), baseURL: goneURL } })).rejects.toMatchObject({
        code: 'SK_MODEL_UNREACHABLE',
      });
      await expect(runtime.load({ g: served('no-such-model') })).rejects.toMatchObject({ code: 'SK_MODEL_NOT_FOUND' });
      await expect(
        runtime.load({ g: served('tiny-gpt2', { apiKeyEnv: 'SUBNETKIT_TEST_UNSET_KEY' }) }),
      ).rejects.toMatchObject({
        code: 'SK_CONFIG_INVALID',
        message: expect.stringContaining('SUBNETKIT_TEST_UNSET_KEY'),
      });
      process.env.SUBNETKIT_TEST_WRONG_KEY = 'sk-wrong-secret-value';
      const wrong = runtime.load({ g: served('tiny-gpt2', { apiKeyEnv: 'SUBNETKIT_TEST_WRONG_KEY' }) });
      await expect(wrong).rejects.toMatchObject({ code: 'SK_MODEL_UNREACHABLE', details: { status: 401 } });
      const err = (await wrong.catch((e: unknown) => e)) as Error;
      expect(JSON.stringify(err)).not.toContain('sk-wrong-secret-value');
      expect(err.message).not.toContain('sk-wrong-secret-value');
      expect(() => runtime.handles({ g: { ...served('tiny-gpt2'), baseURL: undefined } })).toThrow(
        expect.objectContaining({ code: 'SK_PLUGIN_INVALID' }),
      );
      expect(() => runtime.handles({ g: { ...served('tiny-gpt2'), task: 'image-to-image' } as never })).toThrow(
        expect.objectContaining({ code: 'SK_PLUGIN_INVALID' }),
      );
    } finally {
      delete process.env.SUBNETKIT_TEST_WRONG_KEY;
      await runtime.dispose();
    }
  });
});
