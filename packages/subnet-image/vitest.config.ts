import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'subnet-image', include: ['src/**/*.test.ts'] } });
