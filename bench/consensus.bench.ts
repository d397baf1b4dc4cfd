/**
 * Yuma epoch benchmark: ms per epoch and memory for n = 256/64, 1024/128, 4096/256 validators,
 * with sparse (10 %) and full weight rows, Yuma3 defaults (and liquid alpha), bonds carried from a
 * warm-up epoch. Each case runs in its own child process so its peak RSS is its own, and prints one
 * JSON line. The figure is the epoch as the local chain runs it: weights read from their stored
 * tuple rows and bonds from their stored packed strings into `PackedRowsU16`, `runEpoch`, and every
 * bond row encoded as the chain stores it (chain/local/bond-rows.ts); `runEpochMs` is the epoch
 * alone on packed input. Baseline, measured in the same process: that row I/O alone (read every
 * weight tuple, decode the stored bond rows, encode as many rows as the epoch stores), the floor
 * the storage forms set; the ratio says how many times that floor the whole epoch costs.
 * Run: `npm run bench -- consensus` (or `node --import tsx bench/consensus.bench.ts`).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { encodeBondRow, packStoredBondRows } from '../packages/core/src/chain/local/bond-rows.js';
import { runEpoch } from '../packages/core/src/consensus/epoch.js';
import { packRows } from '../packages/core/src/consensus/packed.js';
import { syntheticEpochInput } from '../packages/core/src/consensus/synthetic.js';
import type { EpochInput, PackedRowsU16, SparseRowU16 } from '../packages/core/src/consensus/types.js';
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

/** Every uid's bond row as the local chain stores it (an empty row is no key: undefined). */
function storeRows(p: PackedRowsU16): (string | undefined)[] {
  const out: (string | undefined)[] = new Array(p.offsets.length - 1);
  for (let i = 0; i + 1 < p.offsets.length; i++) {
    const a = p.offsets[i] as number;
    const b = p.offsets[i + 1] as number;
    out[i] = a === b ? undefined : encodeBondRow(p, a, b);
  }
  return out;
}

/** The epoch as the local chain runs it: rows from their stored forms, runEpoch, rows to store. */
function chainEpoch(input: EpochInput, storedBonds: (string | undefined)[]): number {
  const out = runEpoch({ ...input, weights: packRows(input.weights), bonds: packStoredBondRows(storedBonds) });
  return storeRows(out.bondsPacked as PackedRowsU16).length;
}

/** The storage forms' floor: read the weight tuples, decode the stored bonds, encode them again. */
function rowIo(weights: SparseRowU16[], storedBonds: (string | undefined)[]): number {
  let sum = 0;
  for (const row of weights) for (const e of row) sum += e[1];
  return sum + storeRows(packStoredBondRows(storedBonds)).length;
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
    bonds: [],
    validatorPermit: first.validatorPermitNew,
  };
  const storedBonds = storeRows(first.bondsPacked as PackedRowsU16);
  const weights = input.weights.reduce((s, r) => s + r.length, 0);
  const bonds = (first.bondsPacked as PackedRowsU16).uids.length;
  const packed = { ...input, weights: packRows(input.weights), bonds: packStoredBondRows(storedBonds) };
  const rssBefore = process.memoryUsage().rss;
  const epoch = time(() => chainEpoch(input, storedBonds), 3000);
  const maxRssKb = process.resourceUsage().maxRSS;
  const alone = time(() => runEpoch(packed), 1500);
  const io = time(() => rowIo(input.weights, storedBonds), 1000);
  const value = median(epoch.cpu);
  const floor = median(io.cpu);
  return {
    figure: `Yuma epoch, n=${c.n}/${c.validators} validators, ${c.density === 1 ? 'dense' : `${c.density * 100} % dense`} weights${c.liquidAlpha ? ', liquid alpha' : ''}`,
    unit: 'CPU ms per epoch, stored rows in and out (median)',
    value: Number(value.toFixed(3)),
    baseline: 'row I/O floor: read the weight tuples, decode the stored bond rows, encode them again (CPU ms)',
    baselineValue: Number(floor.toFixed(3)),
    ratio: Number((value / floor).toFixed(2)),
    goal: `<= ${c.goalMs} ms`,
    goalMet: value <= c.goalMs,
    runEpochMs: Number(median(alone.cpu).toFixed(3)),
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
