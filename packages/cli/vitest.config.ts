import { defineProject } from 'vitest/config';
import { INTEGRATION } from '../../vitest.shared.ts';

export default defineProject({
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts'],
    // files share worker processes: core and its dependencies load once per worker, not per file
    isolate: false,
    ...INTEGRATION,
  },
});
