import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'subnet-text', include: ['src/**/*.test.ts'] } });
