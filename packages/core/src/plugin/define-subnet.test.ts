import { describe, expectTypeOf, test } from 'vitest';
import { z } from 'zod';
import { defineSubnet } from './define-subnet.js';
import type { RequestOf, ResponseOf } from './types.js';

// Type-level tests: `tsc -b` (run before the suite) fails if inference breaks.
describe('defineSubnet type inference', () => {
  const subnet = defineSubnet({
    apiVersion: 1,
    name: 'typed',
    task: {
      request: z.object({ prompt: z.string(), maxTokens: z.number().int().default(8) }),
      response: z.object({ text: z.string() }),
    },
    options: z.object({ bonus: z.number().default(0.5) }),
    miner: {
      handle(req, ctx) {
        expectTypeOf(req.prompt).toEqualTypeOf<string>();
        expectTypeOf(req.maxTokens).toEqualTypeOf<number>();
        expectTypeOf(ctx.options.bonus).toEqualTypeOf<number>();
        expectTypeOf(ctx.caller.hotkey).toEqualTypeOf<string>();
        return { text: req.prompt };
      },
    },
    validator: {
      challenge: () => ({ request: { prompt: 'hi' }, truth: { expected: 'hi', weight: 2 } }),
      reward(responses, truth, ctx) {
        expectTypeOf(responses[0]!.text).toEqualTypeOf<string>();
        expectTypeOf(truth.expected).toEqualTypeOf<string>();
        expectTypeOf(ctx.answers[0]!.latencyMs).toEqualTypeOf<number>();
        return responses.map((r) => (r.text === truth.expected ? 1 : 0));
      },
    },
  });

  test('request and response types are derived from the schemas', () => {
    expectTypeOf<RequestOf<typeof subnet>>().toEqualTypeOf<{ prompt: string; maxTokens?: number | undefined }>();
    expectTypeOf<ResponseOf<typeof subnet>>().toEqualTypeOf<{ text: string }>();
  });

  test('a wrong return shape from the miner is a compile error', () => {
    defineSubnet({
      apiVersion: 1,
      name: 'wrong',
      task: { request: z.object({ a: z.string() }), response: z.object({ n: z.number() }) },
      // @ts-expect-error the response schema wants { n: number }
      miner: { handle: () => ({ n: 'not a number' }) },
      validator: { challenge: () => ({ request: { a: 'x' }, truth: 1 }), reward: (r) => r.map(() => 1) },
    });
    defineSubnet({
      apiVersion: 1,
      name: 'wrong-request',
      task: { request: z.object({ a: z.string() }), response: z.object({ n: z.number() }) },
      miner: { handle: () => ({ n: 1 }) },
      // @ts-expect-error the challenge's request must match the request schema
      validator: { challenge: () => ({ request: { b: 1 }, truth: 1 }), reward: (r) => r.map(() => 1) },
    });
  });
});
