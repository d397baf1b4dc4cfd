import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // two cores: forks keep native addons (lmdb, onnxruntime) isolated per file
    pool: 'forks',
    tags: [{ name: 'slow', description: 'loads models or runs whole networks', timeout: 300_000 }],
    projects: ['packages/*', 'test'],
  },
});
