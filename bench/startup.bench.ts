// Start-up cost of a process that imports core, and of the CLI's lightest paths (`--help`, a usage
// error), in CPU seconds (user + system, worker threads included: wasm compiles on them) against a
// bare `node -e 0` in the same run. Every CLI child and test worker pays this before doing anything.
// Needs the built dist (`npm run bench` builds first). One JSON line per figure; medians of 5 runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printFigure } from './util.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages/cli/dist/bin.js');
const work = mkdtempSync(join(tmpdir(), 'subnetkit-bench-startup-'));
const report = join(work, 'cpu.txt');
// process.cpuUsage() at exit covers every thread of the child; 'exit' also fires on process.exit()
const preload = join(work, 'cpu.mjs');
writeFileSync(
  preload,
  `import { writeFileSync } from 'node:fs';
process.on('exit', () => { const u = process.cpuUsage(); writeFileSync(${JSON.stringify(report)}, String((u.user + u.system) / 1e6)); });
`,
);

const RUNS = 5;

/** Median CPU seconds of RUNS runs of `node <args>`; the exit status must be `status`. */
function cpuSeconds(args: string[], status = 0): number {
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    rmSync(report, { force: true });
    const r = spawnSync(process.execPath, ['--import', preload, ...args], { cwd: root, encoding: 'utf8' });
    if (r.status !== status) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    xs.push(Number(readFileSync(report, 'utf8')));
  }
  return Number(median(xs).toFixed(3));
}

try {
  const bare = cpuSeconds(['-e', '0']);
  const cases: [string, string[], number][] = [
    ["import('@subnetkit/core')", ['--input-type=module', '-e', "await import('@subnetkit/core')"], 0],
    ['subnetkit --help', [bin, '--help'], 0],
    ['subnetkit localnt (usage error)', [bin, 'localnt'], 2],
  ];
  for (const [what, args, status] of cases) {
    printFigure('startup', {
      figure: `CPU s to run ${what}, median of ${RUNS}`,
      unit: 's',
      value: cpuSeconds(args, status),
      baseline: 'bare node -e 0',
      baselineValue: bare,
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
