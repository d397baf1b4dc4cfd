import { defineConfig } from 'vitest/config';
import { SlowestFilesReporter } from './vitest.slowest-files.ts';

export default defineConfig({
  test: {
    // two cores: forks keep native addons (lmdb, onnxruntime) isolated per file
    pool: 'forks',
    // Vitest's default on 2 cores is a single worker, so every file waits for the one before although
    // most of them wait on sockets, child processes and block timers rather than on the CPU.
    maxWorkers: 3,
    // the slow tag sets the test timeout only; hooks take their project's hookTimeout (vitest.shared.ts)
    tags: [{ name: 'slow', description: 'loads models or runs whole networks', timeout: 600_000 }],
    projects: ['packages/*', 'test'],
    reporters: ['default', new SlowestFilesReporter()],
  },
});
