/**
 * Yuma epoch benchmark: ms per epoch and memory for n = 256/64, 1024/128, 4096/256 validators,
 * with sparse (10 %) and full weight rows, Yuma3 defaults, bonds carried from a warm-up epoch.
 * Each case runs in its own child process so its peak RSS is its own.
 * Run: `npm run bench -- consensus` (or `node --import tsx bench/consensus.bench.ts`).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runEpoch } from '../packages/core/src/consensus/epoch.js';
import { syntheticEpochInput } from '../packages/core/src/consensus/synthetic.js';
import type { EpochInput } from '../packages/core/src/consensus/types.js';
import { median, percentile, printResult } from './util.js';

interface Case {
  n: number;
  validators: number;
  density: number;
  liquidAlpha: boolean;
  goalMs: number;
}

const CASES: Case[] = [
  { n: 256, validators: 64, density: 0.1, liquidAlpha: false, goalMs: 2 },
  { n: 256, validators: 64, density: 1, liquidAlpha: false, goalMs: 2 },
  { n: 1024, validators: 128, density: 0.1, liquidAlpha: false, goalMs: 20 },
  { n: 1024, validators: 128, density: 1, liquidAlpha: false, goalMs: 20 },
  { n: 4096, validators: 256, density: 0.1, liquidAlpha: false, goalMs: 150 },
  { n: 4096, validators: 256, density: 1, liquidAlpha: false, goalMs: 150 },
  { n: 256, validators: 64, density: 1, liquidAlpha: true, goalMs: 2 },
  { n: 4096, validators: 256, density: 1, liquidAlpha: true, goalMs: 150 },
];

function runCase(c: Case): Record<string, unknown> {
  const base = syntheticEpochInput({
    n: c.n,
    validators: c.validators,
    density: c.density,
    seed: `bench-${c.n}-${c.density}`,
    hyperparameters: { liquidAlpha: c.liquidAlpha },
  });
  // warm-up epoch: produces bonds and permits, as a running subnet has them
  const first = runEpoch(base);
  const input: EpochInput = {
    ...base,
    block: base.block + 360n,
    bonds: first.bondsU16,
    validatorPermit: first.validatorPermitNew,
  };
  const weights = input.weights.reduce((s, r) => s + r.length, 0);
  const bonds = input.bonds.reduce((s, r) => s + r.length, 0);
  for (let i = 0; i < 3; i++) runEpoch(input); // JIT warm-up
  const rssBefore = process.memoryUsage().rss;
  const times: number[] = [];
  const budgetMs = 3000;
  const start = performance.now();
  const cpu: number[] = [];
  while (times.length < 5 || (performance.now() - start < budgetMs && times.length < 200)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    runEpoch(input);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const maxRssKb = process.resourceUsage().maxRSS;
  return {
    n: c.n,
    validators: c.validators,
    density: c.density,
    liquidAlpha: c.liquidAlpha,
    weights,
    bonds,
    runs: times.length,
    msMedian: Number(median(times).toFixed(3)),
    msP95: Number(percentile(times, 95).toFixed(3)),
    // CPU time is less distorted than wall time when other processes share the cores
    cpuMsMedian: Number(median(cpu).toFixed(3)),
    goalMs: c.goalMs,
    peakRssMb: Number((maxRssKb / 1024).toFixed(1)),
    epochExtraRssMb: Number(Math.max(0, maxRssKb / 1024 - rssBefore / 1048576).toFixed(1)),
  };
}

const self = fileURLToPath(import.meta.url);
const arg = process.argv[2];
const only = process.env.CONSENSUS_BENCH_CASES?.split(',').map(Number);
if (arg?.startsWith('--case=')) {
  const c = CASES[Number((arg as string).slice(7))] as Case;
  process.stdout.write(`${JSON.stringify(runCase(c))}\n`);
} else {
  const results: Record<string, unknown>[] = [];
  CASES.forEach((_c, i) => {
    if (only && !only.includes(i)) return;
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, `--case=${i}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`case ${i} failed: ${r.stderr}`);
    const line = r.stdout.trim().split('\n').pop() as string;
    const res = JSON.parse(line) as Record<string, unknown>;
    process.stderr.write(`${JSON.stringify(res)}\n`);
    results.push(res);
  });
  printResult('consensus', { unit: 'ms per epoch', loadavg1: os.loadavg()[0], cpus: os.cpus().length, cases: results });
}
