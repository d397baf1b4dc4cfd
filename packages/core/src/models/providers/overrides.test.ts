import { describe, expect, test } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { applyModelOverrides } from './overrides.js';

const declared = {
  generator: { task: 'text-generation', model: 'Xenova/gpt2', fixture: 'tiny-gpt2', batch: { maxBatchSize: 4 } },
  embedder: { task: 'feature-extraction', model: 'Xenova/all-MiniLM-L6-v2', fixture: 'tiny-bert' },
} as const;

describe('models.overrides (config)', () => {
  test('redirects a declared model to a server, keeping its task and batching; the others stay local', () => {
    const config = configSchema.parse({
      models: {
        overrides: {
          generator: {
            provider: 'openai-compatible',
            baseURL: 'http://10.0.0.5:8000/v1',
            model: 'llama',
            apiKeyEnv: 'VLLM_KEY',
          },
        },
      },
    });
    const out = applyModelOverrides(declared, config.models.overrides);
    expect(out.generator).toEqual({
      task: 'text-generation',
      model: 'llama',
      batch: { maxBatchSize: 4 },
      provider: 'openai-compatible',
      baseURL: 'http://10.0.0.5:8000/v1',
      apiKeyEnv: 'VLLM_KEY',
    });
    expect(out.embedder).toBe(declared.embedder);
    expect(applyModelOverrides(declared, configSchema.parse({}).models.overrides)).toBe(declared);
  });

  test('an override of an undeclared model, or a key in the config, is refused', () => {
    expect(() =>
      applyModelOverrides(declared, {
        genrator: { provider: 'openai-compatible', baseURL: 'http://x/v1', model: 'm' },
      }),
    ).toThrow(expect.objectContaining({ code: 'SK_CONFIG_INVALID', message: expect.stringContaining('generator') }));
    // the key goes in the environment, never in the config file
    const withKey = configSchema.safeParse({
      models: {
        overrides: { generator: { provider: 'openai-compatible', baseURL: 'http://x/v1', model: 'm', apiKey: 'sk-1' } },
      },
    });
    expect(withKey.success).toBe(false);
    const badUrl = configSchema.safeParse({
      models: { overrides: { generator: { provider: 'openai-compatible', baseURL: 'file:///etc', model: 'm' } } },
    });
    expect(badUrl.success).toBe(false);
  });
});
