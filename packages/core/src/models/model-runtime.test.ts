import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSubnetkitError } from '../errors/subnetkit-error.js';
import { FIXTURE_MODELS_DIR } from './fixtures.js';
import { createModelRuntime, type ModelRuntime } from './model-runtime.js';
import { captureLogger, expectClose, tmpDir } from './test-helpers.test.util.js';
import type { ModelDeclarations, ModelHandles } from './types.js';

const slow = { tags: ['slow'] };

const declarations = {
  generator: { task: 'text-generation', model: 'Xenova/gpt2', fixture: 'tiny-gpt2', batch: { maxWaitMs: 20 } },
  embedder: {
    task: 'feature-extraction',
    model: 'Xenova/all-MiniLM-L6-v2',
    fixture: 'tiny-bert',
    batch: { maxWaitMs: 20 },
  },
  upscaler: {
    task: 'image-to-image',
    model: 'caidas/swin2SR-classical-sr-x2-64',
    fixture: 'tiny-swin2sr',
    limits: { maxPixels: 96 * 96 },
  },
  classifier: { task: 'zero-shot-image-classification', model: 'Xenova/clip-vit-base-patch32', fixture: 'tiny-clip' },
  forecaster: {
    task: 'time-series-forecasting',
    model: 'ibm/patchtst',
    fixture: 'tiny-patchtst',
    batch: { maxWaitMs: 20 },
  },
  mixer: { task: 'time-series-forecasting', model: 'ibm/patchtsmixer', fixture: 'tiny-patchtsmixer' },
} as const satisfies ModelDeclarations;

// Same fixtures on separate slots (explicit dtype) whose batches run exactly when full: the
// batching tests then never depend on timing.
const batched = {
  generator: { ...declarations.generator, dtype: 'fp32', batch: { maxBatchSize: 3, maxWaitMs: 60_000 } },
  embedder: { ...declarations.embedder, dtype: 'fp32', batch: { maxBatchSize: 5, maxWaitMs: 60_000 } },
  forecaster: { ...declarations.forecaster, dtype: 'fp32', batch: { maxBatchSize: 4, maxWaitMs: 60_000 } },
} as const satisfies ModelDeclarations;

let runtime: ModelRuntime;
let models: ModelHandles<typeof declarations>;
let full: ModelHandles<typeof batched>;
const log = captureLogger();

beforeAll(async () => {
  runtime = createModelRuntime({ logger: log.logger, useFixtures: true, device: 'cpu' });
  models = await runtime.load(declarations);
  full = await runtime.load(batched);
}, 120_000);

afterAll(async () => {
  await runtime?.dispose();
});

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  });
  return dot / Math.sqrt(na * nb);
}

const code = (c: string) => (e: unknown) => isSubnetkitError(e) && e.code === c;

function gradient(width: number, height: number): { data: Uint8Array; width: number; height: number; channels: 3 } {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[i * 3] = (i * 7) % 256;
    data[i * 3 + 1] = (i * 13) % 256;
    data[i * 3 + 2] = (i * 29) % 256;
  }
  return { data, width, height, channels: 3 };
}

describe('model runtime on the tiny fixtures (cpu)', () => {
  it('loads and warms every model once, and reports where each came from', slow, async () => {
    const info = await models.embedder.info();
    expect(info.source).toEqual({ kind: 'fixture', path: join(FIXTURE_MODELS_DIR, 'tiny-bert') });
    expect(info.device).toBe('cpu');
    expect(info.warmupMs).not.toBeNull();
    expect(info.meta.dimensions).toBe(32);
    const loaded = log.lines.filter((l) => l.event === 'model.loaded');
    expect(loaded).toHaveLength(Object.keys(declarations).length + Object.keys(batched).length);
  });

  describe('feature extraction', () => {
    it('embeds texts: one unit vector per text, identical texts identical', slow, async () => {
      const [a, b, c] = await models.embedder(['a cat sat on the mat', 'the dog runs fast', 'a cat sat on the mat']);
      expect(a).toHaveLength(32);
      expect(Math.hypot(...(a as number[]))).toBeCloseTo(1, 5);
      expect(cosine(a as number[], c as number[])).toBeCloseTo(1, 6);
      expect(cosine(a as number[], b as number[])).toBeLessThan(0.999);
    });

    it('batches concurrent calls into one pass with the same results as separate calls', slow, async () => {
      const texts = ['red car', 'blue sky', 'small bird', 'hot sun', 'cold snow'];
      const alone: number[][] = [];
      for (const t of texts) alone.push(...(await models.embedder(t)));
      const timings: number[] = [];
      const together = await Promise.all(
        texts.map((t) => full.embedder(t, { onTiming: (x) => timings.push(x.batchSize) })),
      );
      expect(timings).toEqual([5, 5, 5, 5, 5]);
      expectClose(
        together.map(([v]) => v),
        alone,
        5,
      );
    });

    it('rejects wrong types, empty input and texts over the token limit', slow, async () => {
      await expect(models.embedder([])).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      await expect(models.embedder(['ok', '  '])).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      await expect(models.embedder(42 as unknown as string)).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      await expect(models.embedder([7] as unknown as string[])).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      const long = 'cat '.repeat(200); // tiny-bert's context is 128 tokens
      await expect(models.embedder(long)).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      const [cut] = await models.embedder(long, { truncate: true });
      expect(cut).toHaveLength(32);
    });
  });

  describe('text generation', () => {
    it('generates deterministically with greedy decoding and honours minNewTokens', slow, async () => {
      const a = await models.generator('The cat sat', { maxNewTokens: 6, minNewTokens: 6 });
      const b = await models.generator('The cat sat', { maxNewTokens: 6, minNewTokens: 6 });
      expect(a.length).toBeGreaterThan(0);
      expect(a).toBe(b);
    });

    it('gives batched requests the same greedy text as requests run alone', slow, async () => {
      const prompts = ['The cat sat', 'Hello world, this is', 'A dog'];
      const alone: string[] = [];
      for (const p of prompts) alone.push(await models.generator(p, { maxNewTokens: 5, minNewTokens: 5 }));
      const sizes: number[] = [];
      const together = await Promise.all(
        prompts.map((p) =>
          full.generator(p, { maxNewTokens: 5, minNewTokens: 5, onTiming: (t) => sizes.push(t.batchSize) }),
        ),
      );
      expect(sizes).toEqual([3, 3, 3]);
      expect(together).toEqual(alone);
    });

    it('streams tokens through onToken and stream(); the pieces add up to the full text', slow, async () => {
      const pieces: string[] = [];
      const full = await models.generator('Once upon a time', {
        maxNewTokens: 10,
        minNewTokens: 10,
        onToken: (t) => pieces.push(t),
      });
      expect(pieces.length).toBeGreaterThan(1);
      expect(pieces.join('')).toBe(full);
      const streamed: string[] = [];
      for await (const piece of models.generator.stream('Once upon a time', { maxNewTokens: 10, minNewTokens: 10 })) {
        streamed.push(piece);
      }
      expect(streamed.join('')).toBe(full);
    });

    it('stops generating when the caller aborts mid-stream', slow, async () => {
      const ctrl = new AbortController();
      let seen = 0;
      const call = models.generator('The quick brown fox', {
        maxNewTokens: 200,
        minNewTokens: 200,
        signal: ctrl.signal,
        onToken: () => {
          if (++seen === 2) ctrl.abort();
        },
      });
      await expect(call).rejects.toSatisfy(code('SK_MODEL_CANCELLED'));
      // The next call queues behind the interrupted batch, so once it is done the batch has ended.
      await models.generator('Hi', { maxNewTokens: 1 });
      expect(seen).toBeLessThan(20);
    });

    it('breaking out of stream() cancels the rest', slow, async () => {
      let n = 0;
      for await (const _ of models.generator.stream('The quick brown fox', { maxNewTokens: 200, minNewTokens: 200 })) {
        if (++n === 2) break;
      }
      const cancelled = runtime.metrics().find((m) => m.model === 'Xenova/gpt2')?.cancelled ?? 0;
      expect(cancelled).toBeGreaterThan(0);
    });

    it('rejects bad prompts and options with SK_MODEL_BAD_INPUT and keeps serving', slow, async () => {
      await expect(models.generator('')).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      await expect(models.generator(5 as unknown as string)).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      await expect(models.generator('hi', { maxNewTokens: 0 })).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      await expect(models.generator('hi', { temperature: -1 })).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      // tiny-gpt2 has a 256-token context.
      await expect(models.generator('the cat '.repeat(150))).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      await expect(models.generator('the cat '.repeat(50), { maxNewTokens: 250 })).rejects.toSatisfy(
        code('SK_MODEL_BAD_INPUT'),
      );
      expect(typeof (await models.generator('still here', { maxNewTokens: 2 }))).toBe('string');
    });

    it('samples when asked', slow, async () => {
      const out = await models.generator('The cat', { maxNewTokens: 4, doSample: true, temperature: 1.5, topK: 50 });
      expect(typeof out).toBe('string');
    });
  });

  describe('image to image', () => {
    it('upscales ×2 and crops the processor padding away (40×28 → 80×56 PNG)', slow, async () => {
      const png = await models.upscaler(gradient(40, 28));
      expect([...png.slice(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
      const raw = await models.upscaler(png, { output: 'raw' });
      expect([raw.width, raw.height, raw.channels]).toEqual([160, 112, 3]);
      const direct = await models.upscaler(gradient(40, 28), { output: 'raw' });
      expect([direct.width, direct.height]).toEqual([80, 56]);
      expect(direct.data).toHaveLength(80 * 56 * 3);
    });

    it('rejects undecodable bytes, inconsistent pixels and images over the pixel limit', slow, async () => {
      await expect(models.upscaler(new Uint8Array([1, 2, 3]))).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      await expect(models.upscaler(new Uint8Array())).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      await expect(models.upscaler({ data: new Uint8Array(10), width: 4, height: 4, channels: 3 })).rejects.toSatisfy(
        code('SK_MODEL_BAD_INPUT'),
      );
      await expect(models.upscaler(gradient(97, 96))).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      await expect(models.upscaler('x.png' as unknown as Uint8Array)).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
    });
  });

  describe('zero-shot image classification', () => {
    it('scores every label, sorted, summing to 1, independent of label order', slow, async () => {
      const img = gradient(48, 40);
      const a = await models.classifier(img, ['a cat', 'a dog', 'a red car']);
      expect(a.map((s) => s.label).sort()).toEqual(['a cat', 'a dog', 'a red car']);
      expect(a.reduce((s, x) => s + x.score, 0)).toBeCloseTo(1, 5);
      expect(a.map((s) => s.score)).toEqual([...a.map((s) => s.score)].sort((x, y) => y - x));
      const b = await models.classifier(img, ['a red car', 'a cat', 'a dog']);
      for (const s of a) expect(b.find((x) => x.label === s.label)?.score).toBeCloseTo(s.score, 5);
    });

    it('refuses labels that would be truncated, duplicates and empty lists', slow, async () => {
      const img = gradient(32, 32);
      await expect(models.classifier(img, [])).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      await expect(models.classifier(img, ['cat', 'cat'])).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      await expect(models.classifier(img, ['cat', 'dog'], { hypothesisTemplate: 'no slot' })).rejects.toSatisfy(
        code('SK_MODEL_BAD_INPUT'),
      );
      await expect(models.classifier(img, ['cat', 'dog '.repeat(100)])).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
    });
  });

  describe('time-series forecasting', () => {
    const series = (n: number, phase = 0) => Array.from({ length: n }, (_, i) => [Math.sin(i / 5 + phase), i / 10, 1]);

    it('forecasts predictionLength rows of every channel, for PatchTST and PatchTSMixer', slow, async () => {
      const info = await models.forecaster.info();
      expect(info.meta).toEqual({ contextLength: 64, predictionLength: 16, channels: 3 });
      const out = await models.forecaster(series(64));
      expect(out).toHaveLength(16);
      expect(out.every((row) => row.length === 3 && row.every(Number.isFinite))).toBe(true);
      const mix = await models.mixer(series(64));
      expect(mix).toHaveLength(16);
    });

    it('uses only the last contextLength rows, and batches concurrent calls with equal results', slow, async () => {
      const long = series(100);
      expect(await models.forecaster(long)).toEqual(await models.forecaster(long.slice(-64)));
      const inputs = [0, 1, 2, 3].map((p) => series(64, p));
      const alone: number[][][] = [];
      for (const s of inputs) alone.push(await models.forecaster(s));
      const sizes: number[] = [];
      const together = await Promise.all(
        inputs.map((s) => full.forecaster(s, { onTiming: (t) => sizes.push(t.batchSize) })),
      );
      expect(sizes).toEqual([4, 4, 4, 4]);
      expectClose(together, alone, 4);
    });

    it('rejects short contexts, ragged rows and non-finite values', slow, async () => {
      await expect(models.forecaster(series(63))).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      const ragged = series(64);
      ragged[10] = [1, 2];
      await expect(models.forecaster(ragged)).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      const nan = series(64);
      nan[5] = [1, Number.NaN, 1];
      await expect(models.forecaster(nan)).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
    });
  });

  describe('sharing, failures and shutdown', () => {
    it('shares one loaded model between every declaration of it', slow, async () => {
      await models.embedder('load first');
      const before = runtime.metrics().length;
      const again = runtime.handles({
        other: { task: 'feature-extraction', model: 'Xenova/all-MiniLM-L6-v2', fixture: 'tiny-bert' },
      });
      await again.other('shared');
      expect(runtime.metrics()).toHaveLength(before);
    });

    it('fails a corrupt model with SK_MODEL_LOAD_FAILED while other models keep serving', slow, async () => {
      const dir = join(tmpDir('corrupt'), 'bert');
      cpSync(join(FIXTURE_MODELS_DIR, 'tiny-bert'), dir, { recursive: true });
      writeFileSync(join(dir, 'onnx', 'model.onnx'), 'this is not a protobuf');
      const h = runtime.handles({ broken: { task: 'feature-extraction', model: 'local/broken-bert', path: dir } });
      await expect(h.broken('hello')).rejects.toSatisfy(code('SK_MODEL_LOAD_FAILED'));
      // The failure is remembered, not retried on every call.
      await expect(h.broken('again')).rejects.toSatisfy(code('SK_MODEL_LOAD_FAILED'));
      expect(await models.embedder('still serving')).toHaveLength(1);
    });

    it('fails a model with a missing ONNX file with SK_MODEL_NOT_FOUND naming the file', slow, async () => {
      const dir = join(tmpDir('incomplete'), 'bert');
      cpSync(join(FIXTURE_MODELS_DIR, 'tiny-bert'), dir, { recursive: true });
      rmSync(join(dir, 'onnx'), { recursive: true });
      const h = runtime.handles({ partial: { task: 'feature-extraction', model: 'local/partial-bert', path: dir } });
      const err = await h.partial('hello').catch((e: unknown) => e);
      expect(isSubnetkitError(err, 'SK_MODEL_NOT_FOUND')).toBe(true);
      expect((err as Error).message).toContain('model.onnx');
    });

    it('reports a model that is nowhere to be found, without touching the network', slow, async () => {
      const h = runtime.handles({ ghost: { task: 'text-generation', model: 'nobody/no-such-model' } });
      const err = await h.ghost('hi').catch((e: unknown) => e);
      expect(isSubnetkitError(err, 'SK_MODEL_NOT_FOUND')).toBe(true);
      expect((err as Error).message).toContain('nobody/no-such-model');
    });

    it('keeps per-model counters and latency percentiles', slow, async () => {
      const key = runtime.metrics().find((m) => m.model === 'ibm/patchtsmixer')?.key;
      const before = runtime.metrics().find((m) => m.key === key);
      await models.mixer(Array.from({ length: 64 }, () => [1, 2, 3]));
      await expect(models.mixer([])).rejects.toSatisfy(code('SK_MODEL_BAD_INPUT'));
      const after = runtime.metrics().find((m) => m.key === key);
      expect(after?.state).toBe('ready');
      expect(after?.device).toBe('cpu');
      expect((after?.succeeded ?? 0) - (before?.succeeded ?? 0)).toBe(1);
      expect(after?.latencyMs?.p99).toBeGreaterThanOrEqual(after?.latencyMs?.p50 ?? Number.POSITIVE_INFINITY);
      expect(after?.loadMs).not.toBeNull();
    });

    it('rejects invalid declarations with SK_PLUGIN_INVALID', () => {
      expect(() => runtime.handles({ bad: { task: 'translation', model: 'x' } as never })).toThrow(
        expect.objectContaining({ code: 'SK_PLUGIN_INVALID' }),
      );
    });
  });
});

describe('device auto', () => {
  it('picks WebGPU only when a probe runs, else falls back to cpu with one log line', slow, async () => {
    const cap = captureLogger();
    const rt = createModelRuntime({ logger: cap.logger, useFixtures: true, device: 'auto', warmup: false });
    try {
      const h = rt.handles({
        a: { task: 'time-series-forecasting', model: 'ibm/patchtst', fixture: 'tiny-patchtst' },
        b: { task: 'feature-extraction', model: 'Xenova/all-MiniLM-L6-v2', fixture: 'tiny-bert' },
      });
      const [ia, ib] = [await h.a.info(), await h.b.info()];
      expect(ia.device).toBe(ib.device);
      const lines = cap.lines.filter((l) => l.event === 'model.device');
      expect(lines).toHaveLength(1);
      if (ia.device === 'cpu') {
        expect(lines[0]?.level).toBe(40);
        expect(String(lines[0]?.reason).length).toBeGreaterThan(0);
      }
      expect(await h.b('works')).toHaveLength(1);
    } finally {
      await rt.dispose();
    }
  });

  it('refuses calls after dispose with SK_MODEL_DISPOSED', slow, async () => {
    const cap = captureLogger();
    const rt = createModelRuntime({ logger: cap.logger, useFixtures: true });
    const h = await rt.load({
      ts: { task: 'time-series-forecasting', model: 'ibm/patchtst', fixture: 'tiny-patchtst' },
    });
    await rt.dispose();
    await expect(h.ts([[1, 2, 3]])).rejects.toSatisfy(code('SK_MODEL_DISPOSED'));
    expect(() => rt.handles({})).toThrow(expect.objectContaining({ code: 'SK_MODEL_DISPOSED' }));
  });
});
