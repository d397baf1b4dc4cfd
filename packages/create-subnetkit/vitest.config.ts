import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { CORE_DIST, UNIT } from '../../vitest.shared.ts';

// Tests run against the CLI's source, so the inner loop needs no build first.
export default defineProject({
  resolve: {
    alias: [{ find: /^subnetkit$/, replacement: fileURLToPath(new URL('../cli/src/index.ts', import.meta.url)) }],
  },
  test: {
    name: 'create-subnetkit',
    include: ['src/**/*.test.ts'],
    // core's build loads in Node as it is, untransformed (see coreImports in vitest.shared.ts)
    server: { deps: { external: [CORE_DIST] } },
    ...UNIT,
  },
});
