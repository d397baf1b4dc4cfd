/**
 * Model runtime throughput and latency: embeddings and text generation at batch sizes 1/8/32.
 * Models: mid-size random-weight ones when present (bench/make-bench-models.sh writes them to
 * .tmp/bench-models/; the bench runs it itself when Debian's python3-torch/onnx are installed),
 * otherwise the tiny random-weight fixtures committed in packages/core/fixtures/models (offline, no
 * set-up; the `models` field of each line says which). Each batch size gets its own runtime
 * (maxBatchSize = B) and B closed-loop clients, so the queue really forms batches of B. One JSON
 * line per figure: batch 8 and 32 throughput against batch 1 measured in the same run.
 * Env: BENCH_DEVICE=cpu|webgpu (default cpu), BENCH_MODELS_DIR.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../packages/core/src/log/logger.js';
import { createModelRuntime } from '../packages/core/src/models/index.js';
import type { ModelDeclaration } from '../packages/core/src/models/types.js';
import { percentile, printFigure } from './util.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const device = (process.env.BENCH_DEVICE ?? 'cpu') as 'cpu' | 'webgpu';
const has = (dir: string, names: string[]) => names.every((m) => existsSync(join(dir, m, 'config.json')));

/** Mid-size models if present or makeable offline here, else the committed tiny fixtures. */
function pickModels(): { dir: string; bert: string; gpt2: string; kind: string } {
  const mid = { bert: 'mid-bert', gpt2: 'mid-gpt2', kind: 'mid-size (4 layers, hidden 384)' };
  if (process.env.BENCH_MODELS_DIR) return { dir: process.env.BENCH_MODELS_DIR, ...mid };
  const midDir = join(root, '.tmp', 'bench-models');
  if (!has(midDir, [mid.bert, mid.gpt2])) {
    const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { stdio: 'ignore' });
    if (torch.status === 0) {
      process.stderr.write('generating the mid-size bench models (bench/make-bench-models.sh)\n');
      spawnSync('bash', [join(root, 'bench', 'make-bench-models.sh'), midDir], { stdio: 'inherit' });
    }
  }
  if (has(midDir, [mid.bert, mid.gpt2])) return { dir: midDir, ...mid };
  process.stderr.write('no python3-torch here: using the tiny committed fixture models\n');
  return {
    dir: join(root, 'packages', 'core', 'fixtures', 'models'),
    bert: 'tiny-bert',
    gpt2: 'tiny-gpt2',
    kind: 'tiny committed fixtures (packages/core/fixtures/models)',
  };
}
const picked = pickModels();
const modelsDir = picked.dir;

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
    await measure({ task: 'feature-extraction', model: picked.bert }, b, 256, (h, i) =>
      (h as unknown as (t: string) => Promise<number[][]>)(sentence(i, 12)),
    ),
  );
  process.stderr.write(`embeddings batch ${b}: ${JSON.stringify(embeddings.at(-1))}\n`);
}
const NEW_TOKENS = 16;
const generation: (Point & { tokensPerSecond: number })[] = [];
for (const b of SIZES) {
  const p = await measure({ task: 'text-generation', model: picked.gpt2 }, b, 64, (h, i) =>
    (h as unknown as (p: string, o: object) => Promise<string>)(sentence(i, 8), {
      maxNewTokens: NEW_TOKENS,
      minNewTokens: NEW_TOKENS,
    }),
  );
  generation.push({ ...p, tokensPerSecond: round(p.perSecond * NEW_TOKENS, 1) });
  process.stderr.write(`generation batch ${b}: ${JSON.stringify(generation.at(-1))}\n`);
}

const peakRssMB = round(process.resourceUsage().maxRSS / 1024, 1);
const series: [string, string, Point[]][] = [
  ['embeddings', `${picked.bert}, 12-word inputs`, embeddings],
  ['text generation', `${picked.gpt2}, ${NEW_TOKENS} new tokens`, generation],
];
for (const [what, model, pts] of series) {
  const base = pts[0] as Point;
  for (const p of pts.slice(1)) {
    printFigure('models', {
      figure: `${what} at batch ${p.batch} (${device})`,
      unit: 'requests/s',
      value: p.perSecond,
      baseline: `${what} at batch 1, same run`,
      baselineValue: base.perSecond,
      ratioMeans: 'batching speed-up',
      model,
      models: picked.kind,
      device,
      requests: p.requests,
      p50Ms: p.p50Ms,
      p99Ms: p.p99Ms,
      meanBatch: p.meanBatch,
      baselineP50Ms: base.p50Ms,
      peakRssMB,
    });
  }
}
