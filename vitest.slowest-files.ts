import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the slowest test files after the run, so a file that got slower shows up in every CI log.
 * Time is the file's own: import (collect) plus its tests and hooks, not time spent queued for a worker.
 */
export class SlowestFilesReporter implements Reporter {
  readonly #count: number;
  readonly #root: string;

  constructor(count = 10, root = process.cwd()) {
    this.#count = count;
    this.#root = root;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const rows = testModules
      .map((m) => {
        const d = m.diagnostic();
        return { file: relative(this.#root, m.moduleId), project: m.project.name, ms: d.collectDuration + d.duration };
      })
      .sort((a, b) => b.ms - a.ms)
      .slice(0, this.#count);
    if (rows.length === 0) return;
    const lines = rows.map((r) => `  ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${r.file} [${r.project}]`);
    process.stdout.write(`\n Slowest ${rows.length} test files (import + tests):\n${lines.join('\n')}\n`);
  }
}
