import { defineProject } from 'vitest/config';
import { UNIT } from '../../vitest.shared.ts';

export default defineProject({ test: { name: 'core', include: ['src/**/*.test.ts'], ...UNIT } });
