import { defineProject } from 'vitest/config';
import { INTEGRATION } from '../../vitest.shared.ts';

export default defineProject({ test: { name: 'cli', include: ['src/**/*.test.ts'], ...INTEGRATION } });
