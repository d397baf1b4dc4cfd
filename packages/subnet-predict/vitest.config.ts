import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { UNIT } from '../../vitest.shared.ts';

// Tests run against core's source, so the inner loop needs no build of core first.
const core = (path: string) => fileURLToPath(new URL(`../core/src/${path}`, import.meta.url));

export default defineProject({
  resolve: {
    alias: [
      { find: /^@subnetkit\/core\/testing$/, replacement: core('testing/index.ts') },
      { find: /^@subnetkit\/core$/, replacement: core('index.ts') },
    ],
  },
  test: {
    name: 'subnet-predict',
    include: ['src/**/*.test.ts'],
    // files share worker processes: core, transformers.js and onnxruntime load once per worker, not per file
    isolate: false,
    ...UNIT,
  },
});
