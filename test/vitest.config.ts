import { defineProject } from 'vitest/config';

// The INTEGRATION limits of ../vitest.shared.ts, written out: tsc checks this file within test/'s
// rootDir, which cannot reach the repository root.
export default defineProject({
  test: { name: 'e2e', include: ['**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000 },
});
