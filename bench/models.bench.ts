/**
 * Model runtime throughput and latency: embeddings and text generation at batch sizes 1/8/32, on
 * mid-size random-weight models (bench/make-bench-models.sh writes them to .tmp/bench-models/).
 * Each batch size gets its own runtime (maxBatchSize = B) and B closed-loop clients, so the queue
 * really forms batches of B. Env: BENCH_DEVICE=cpu|webgpu (default cpu), BENCH_MODELS_DIR.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../packages/core/src/log/logger.js';
import { createModelRuntime } from '../packages/core/src/models/index.js';
import type { ModelDeclaration } from '../packages/core/src/models/types.js';
import { percentile, printResult } from './util.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const modelsDir = process.env.BENCH_MODELS_DIR ?? join(root, '.tmp', 'bench-models');
const device = (process.env.BENCH_DEVICE ?? 'cpu') as 'cpu' | 'webgpu';
for (const m of ['mid-bert', 'mid-gpt2']) {
  if (!existsSync(join(modelsDir, m, 'config.json'))) {
    process.stderr.write(`missing ${join(modelsDir, m)}: run bash bench/make-bench-models.sh first\n`);
    process.exit(2);
  }
}

const WORDS = 'the a cat dog bird sat ran on in mat park house over happy small red blue fast slow tree sky'.split(' ');
function sentence(i: number, n: number): string {
  return Array.from({ length: n }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' ');
}

interface Point {
  batch: number;
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanBatch: number;
}

async function measure(
  decl: ModelDeclaration,
  batch: number,
  requests: number,
  call: (h: (...a: never[]) => Promise<unknown>, i: number) => Promise<unknown>,
): Promise<Point> {
  const logger = createLogger({ level: 'warn' });
  const runtime = createModelRuntime({ logger, modelsDir, device });
  const handles = await runtime.load({
    m: { ...decl, batch: { maxBatchSize: batch, maxWaitMs: 10, maxQueue: 10_000 } },
  });
  const h = handles.m as unknown as (...a: never[]) => Promise<unknown>;
  for (let i = 0; i < Math.min(batch, 4); i++) await call(h, i); // warm caches
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const batchesBefore = runtime.metrics()[0]?.batches ?? 0;
  const itemsBefore = (runtime.metrics()[0]?.meanBatchSize ?? 0) * batchesBefore;
  await Promise.all(
    Array.from({ length: batch }, async () => {
      while (next < requests) {
        const i = next++;
        const s = performance.now();
        await call(h, i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const m = runtime.metrics()[0];
  const batches = (m?.batches ?? 0) - batchesBefore;
  const items = (m?.meanBatchSize ?? 0) * (m?.batches ?? 0) - itemsBefore;
  await runtime.dispose();
  return {
    batch,
    requests,
    seconds: round(seconds, 3),
    perSecond: round(requests / seconds, 1),
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    meanBatch: round(batches > 0 ? items / batches : 0, 1),
  };
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

const SIZES = [1, 8, 32];
const embeddings: Point[] = [];
for (const b of SIZES) {
  embeddings.push(
    await measure({ task: 'feature-extraction', model: 'mid-bert' }, b, 256, (h, i) =>
      (h as unknown as (t: string) => Promise<number[][]>)(sentence(i, 12)),
    ),
  );
  process.stderr.write(`embeddings batch ${b}: ${JSON.stringify(embeddings.at(-1))}\n`);
}
const NEW_TOKENS = 16;
const generation: (Point & { tokensPerSecond: number })[] = [];
for (const b of SIZES) {
  const p = await measure({ task: 'text-generation', model: 'mid-gpt2' }, b, 64, (h, i) =>
    (h as unknown as (p: string, o: object) => Promise<string>)(sentence(i, 8), {
      maxNewTokens: NEW_TOKENS,
      minNewTokens: NEW_TOKENS,
    }),
  );
  generation.push({ ...p, tokensPerSecond: round(p.perSecond * NEW_TOKENS, 1) });
  process.stderr.write(`generation batch ${b}: ${JSON.stringify(generation.at(-1))}\n`);
}

const speedup = (pts: Point[]) => round((pts.at(-1)?.perSecond ?? 0) / (pts[0]?.perSecond ?? 1), 2);
printResult('models', {
  device,
  models: {
    embeddings: 'mid-bert (4 layers, hidden 384, 12-word inputs)',
    generation: `mid-gpt2 (4 layers, hidden 384, ${NEW_TOKENS} new tokens)`,
  },
  embeddings,
  generation,
  embeddingsSpeedup32v1: speedup(embeddings),
  generationSpeedup32v1: speedup(generation),
  peakRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
});
