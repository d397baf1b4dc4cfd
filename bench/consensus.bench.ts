/**
 * Yuma epoch benchmark: ms per epoch and memory for n = 256/64, 1024/128, 4096/256 validators,
 * with sparse (10 %) and full weight rows, Yuma3 defaults (and liquid alpha), bonds carried from a
 * warm-up epoch. Each case runs in its own child process so its peak RSS is its own, and prints one
 * JSON line. Baseline, measured in the same process: the epoch's row I/O alone (read every weight
 * and bond tuple of the input, build as many fresh [uid, u16] rows as it stores), the floor the
 * `SparseRowU16` contract sets; the ratio says how many times that floor the epoch costs.
 * Run: `npm run bench -- consensus` (or `node --import tsx bench/consensus.bench.ts`).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runEpoch } from '../packages/core/src/consensus/epoch.js';
import { syntheticEpochInput } from '../packages/core/src/consensus/synthetic.js';
import type { EpochInput } from '../packages/core/src/consensus/types.js';
import { type Figure, median, percentile, printFigure } from './util.js';

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
  { n: 1024, validators: 128, density: 1, liquidAlpha: true, goalMs: 20 },
  { n: 4096, validators: 256, density: 1, liquidAlpha: true, goalMs: 150 },
];

/** The contract's floor: read every input tuple, build the stored rows as fresh tuples. */
function rowIo(input: EpochInput): number {
  let sum = 0;
  for (const row of input.weights) for (const e of row) sum += e[1];
  const out: [number, number][][] = new Array(input.bonds.length);
  for (let i = 0; i < input.bonds.length; i++) {
    const row = input.bonds[i] as [number, number][];
    const copy: [number, number][] = new Array(row.length);
    for (let t = 0; t < row.length; t++) {
      const e = row[t] as [number, number];
      copy[t] = [e[0], e[1]];
    }
    out[i] = copy;
  }
  return sum + out.length;
}

/** Median wall and CPU ms of `fn` over at least 5 runs and up to `budgetMs`. */
function time(fn: () => unknown, budgetMs: number): { wall: number[]; cpu: number[] } {
  for (let i = 0; i < 3; i++) fn(); // JIT warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  const start = performance.now();
  while (wall.length < 5 || (performance.now() - start < budgetMs && wall.length < 200)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

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
  const rssBefore = process.memoryUsage().rss;
  const epoch = time(() => runEpoch(input), 3000);
  const maxRssKb = process.resourceUsage().maxRSS;
  const io = time(() => rowIo(input), 1000);
  const value = median(epoch.cpu);
  const floor = median(io.cpu);
  return {
    figure: `Yuma epoch, n=${c.n}/${c.validators} validators, ${c.density === 1 ? 'dense' : `${c.density * 100} % dense`} weights${c.liquidAlpha ? ', liquid alpha' : ''}`,
    unit: 'CPU ms per epoch (median)',
    value: Number(value.toFixed(3)),
    baseline: 'row I/O floor: read the input tuples, build the stored rows as fresh tuples (CPU ms)',
    baselineValue: Number(floor.toFixed(3)),
    ratio: Number((value / floor).toFixed(2)),
    goal: `<= ${c.goalMs} ms`,
    goalMet: value <= c.goalMs,
    wallMsMedian: Number(median(epoch.wall).toFixed(3)),
    wallMsP95: Number(percentile(epoch.wall, 95).toFixed(3)),
    runs: epoch.wall.length,
    weights,
    bonds,
    peakRssMb: Number((maxRssKb / 1024).toFixed(1)),
    epochExtraRssMb: Number(Math.max(0, maxRssKb / 1024 - rssBefore / 1048576).toFixed(1)),
    loadavg1: os.loadavg()[0],
    cpus: os.cpus().length,
  };
}

const self = fileURLToPath(import.meta.url);
const arg = process.argv[2];
const only = process.env.CONSENSUS_BENCH_CASES?.split(',').map(Number);
if (arg?.startsWith('--case=')) {
  const c = CASES[Number((arg as string).slice(7))] as Case;
  process.stdout.write(`${JSON.stringify(runCase(c))}\n`);
} else {
  CASES.forEach((_c, i) => {
    if (only && !only.includes(i)) return;
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, `--case=${i}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`case ${i} failed: ${r.stderr}`);
    const line = r.stdout.trim().split('\n').pop() as string;
    printFigure('consensus', JSON.parse(line) as Figure);
  });
}
