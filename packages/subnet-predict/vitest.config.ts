import { defineProject } from 'vitest/config';
import { coreImports, UNIT } from '../../vitest.shared.ts';

const core = coreImports();

export default defineProject({
  // core from its build unless SUBNETKIT_TEST_CORE_SRC=1 (see vitest.shared.ts)
  resolve: { alias: core.alias },
  test: {
    name: 'subnet-predict',
    include: ['src/**/*.test.ts'],
    // files share worker processes: core, transformers.js and onnxruntime load once per worker, not per file
    isolate: false,
    server: core.server,
    ...UNIT,
  },
});
