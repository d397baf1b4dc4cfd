import { configDefaults, defineProject } from 'vitest/config';
import { UNIT } from '../../vitest.shared.ts';

/** Files that need a process of their own (they test first-use state); the `core-fresh` project runs them. */
export const FRESH_PROCESS = ['src/wallet/crypto-ready.test.ts'];

export default defineProject({
  test: {
    name: 'core',
    include: ['src/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...FRESH_PROCESS],
    // One worker process runs many files: @polkadot, onnxruntime and core itself load once per
    // worker instead of once per file (about a third of this project's CPU time).
    isolate: false,
    ...UNIT,
  },
});
