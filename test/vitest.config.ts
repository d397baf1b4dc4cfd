import { defineProject } from 'vitest/config';
import { INTEGRATION } from '../vitest.shared.ts';

export default defineProject({ test: { name: 'e2e', include: ['**/*.test.ts'], ...INTEGRATION } });
