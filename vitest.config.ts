import { defineConfig } from 'vitest/config';
import { FRESH_PROCESS } from './packages/core/vitest.config.ts';
import { ProjectGroupedSequencer } from './vitest.sequencer.ts';
import { UNIT } from './vitest.shared.ts';
import { SlowestFilesReporter } from './vitest.slowest-files.ts';

export default defineConfig({
  test: {
    // child processes, not threads: native addons (lmdb, onnxruntime) and process.on handlers stay per worker
    pool: 'forks',
    // Vitest's default on 2 cores is a single worker, so every file waits for the one before although
    // most of them wait on sockets, child processes and block timers rather than on the CPU.
    maxWorkers: 3,
    // the slow tag sets the test timeout only; hooks take their project's hookTimeout (vitest.shared.ts)
    tags: [{ name: 'slow', description: 'loads models or runs whole networks', timeout: 600_000 }],
    projects: [
      'packages/*',
      'test',
      { test: { name: 'core-fresh', root: 'packages/core', include: FRESH_PROCESS, isolate: true, ...UNIT } },
    ],
    sequence: { sequencer: ProjectGroupedSequencer },
    reporters: ['default', new SlowestFilesReporter()],
  },
});
