import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger.js';
import { createModelRuntime, type ModelRuntime } from './model-runtime.js';
import type { ModelHandles } from './types.js';

const declarations = {
  generator: { task: 'text-generation', model: 'Xenova/gpt2', fixture: 'tiny-gpt2', dtype: 'fp32' },
} as const;

let runtime: ModelRuntime;
let models: ModelHandles<typeof declarations>;

beforeAll(async () => {
  runtime = createModelRuntime({ logger: createLogger({ level: 'silent' }), useFixtures: true, allowRemote: false });
  models = await runtime.load(declarations);
}, 120_000);

afterAll(async () => {
  await runtime?.dispose();
});

describe('text-generation logProbs (teacher-forced scoring)', () => {
  const prompt = 'Call me Ishmael. Some years ago';

  it('gives one log-probability per continuation token, each a log of a probability', async () => {
    const lp = await models.generator.logProbs(prompt, ' never mind how long');
    expect(lp.length).toBeGreaterThan(0);
    for (const x of lp) {
      expect(Number.isFinite(x)).toBe(true);
      expect(x).toBeLessThanOrEqual(0);
    }
    expect(await models.generator.logProbs(prompt, ' never mind how long', { maxTokens: 2 })).toEqual(lp.slice(0, 2));
    expect(await models.generator.logProbs(prompt, '')).toEqual([]);
  });

  it('rates the model’s own greedy next token at least as likely as any other single character', async () => {
    const next = await models.generator(prompt, { maxNewTokens: 1, minNewTokens: 1 });
    const [own] = await models.generator.logProbs(prompt, next, { maxTokens: 1 });
    for (const other of [' the', ' a', 'x', '.', ' whale', '\n']) {
      if (other === next) continue;
      const [lp] = await models.generator.logProbs(prompt, other, { maxTokens: 1 });
      expect(own as number).toBeGreaterThanOrEqual((lp as number) - 1e-4);
    }
  });

  it('refuses an empty prompt with SK_MODEL_BAD_INPUT', async () => {
    await expect(models.generator.logProbs('  ', 'x')).rejects.toMatchObject({ code: 'SK_MODEL_BAD_INPUT' });
  });
});
