import { defineProject } from 'vitest/config';

// The INTEGRATION limits of ../vitest.shared.ts, written out: tsc checks this file within test/'s
// rootDir, which cannot reach the repository root. Hooks get twice as long: a file's beforeAll
// generates, builds, packs and installs for all its tests (5 minutes at load 15 on 2 cores).
export default defineProject({
  test: {
    name: 'e2e',
    include: ['**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 1_200_000,
    // the CLI's build (what the packaging tests pack and run in-process) loads through Node, not vite
    server: { deps: { external: [/\/packages\/cli\/dist\//] } },
  },
});
