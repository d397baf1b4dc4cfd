import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'subnet-predict', include: ['src/**/*.test.ts'] } });
