import { defineProject } from 'vitest/config';
import { CORE_DIST, INTEGRATION } from '../../vitest.shared.ts';

export default defineProject({
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts'],
    // files share worker processes: core and its dependencies load once per worker, not per file
    isolate: false,
    // core's build loads in Node as it is, untransformed (see coreImports in vitest.shared.ts)
    server: { deps: { external: [CORE_DIST] } },
    ...INTEGRATION,
  },
});
