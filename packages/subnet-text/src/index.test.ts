import { createLogger, createModelRuntime, createRandom, type ModelRuntime, validateSubnet } from '@subnetkit/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import text, {
  composePrompt,
  decoding,
  type TextRequest,
  type TextTruth,
  textModels,
  textOptions,
  textRequest,
  textResponse,
  toRequest,
} from './index.js';
import { loadPrompts } from './prompts.js';

const slow = { tags: ['slow'] };
const log = createLogger({ level: 'silent' });
let runtime: ModelRuntime;

beforeAll(() => {
  // The offline path the localnet uses: the tiny random-weight fixtures, real transformers.js inference.
  runtime = createModelRuntime({ logger: log, useFixtures: true, allowRemote: false });
});

afterAll(async () => {
  await runtime?.dispose();
});

/** The context the host passes to plugin functions (validator and miner fields together). */
function ctx(step: number, seed = 'validator') {
  return {
    subnet: 'text',
    netuid: 1,
    block: step,
    options: textOptions.parse({}),
    models: runtime.handles(textModels),
    random: createRandom(seed).fork(`step-${step}`),
    log,
    signal: new AbortController().signal,
    step,
    caller: { hotkey: 'validator', uid: 0 },
    answers: [] as { uid: number; hotkey: string; latencyMs: number; timeoutMs: number }[],
  };
}

async function challenge(step: number, seed?: string): Promise<{ request: TextRequest; truth: TextTruth }> {
  const c = await text.validator.challenge(ctx(step, seed) as never);
  return { request: textRequest.parse(c.request), truth: c.truth as TextTruth };
}

async function reward(completions: string[], truth: TextTruth, latencyMs = 20): Promise<number[]> {
  const c = ctx(0);
  c.answers = completions.map((_, uid) => ({ uid, hotkey: `miner-${uid}`, latencyMs, timeoutMs: 12_000 }));
  const responses = completions.map((completion) => textResponse.parse({ completion }));
  return [...(await text.validator.reward(responses, truth, c as never))];
}

describe('the text subnet definition', () => {
  it('passes the host checks', () => {
    expect(validateSubnet(text, { source: '@subnetkit/subnet-text' }).name).toBe('text');
  });

  it('decodes greedily unless a temperature is asked for', () => {
    const greedy = decoding(textRequest.parse({ prompt: 'x', maxTokens: 8, topK: 5 }));
    expect(greedy).toEqual({ maxNewTokens: 8, minNewTokens: undefined, doSample: false });
    const sampled = decoding(textRequest.parse({ prompt: 'x', maxTokens: 8, temperature: 0.7, topK: 5 }));
    expect(sampled).toMatchObject({ doSample: true, temperature: 0.7, topK: 5 });
    expect(composePrompt({ prompt: 'Go on.', system: 'Be brief.' })).toBe('Be brief.\n\nGo on.');
  });

  it('builds application requests and names the bad field', () => {
    expect(toRequest('Call me Ishmael.')).toEqual({ prompt: 'Call me Ishmael.', maxTokens: 64 });
    expect(toRequest('hi', { maxTokens: 8, temperature: undefined, system: 'sys' })).toEqual({
      prompt: 'hi',
      maxTokens: 8,
      system: 'sys',
    });
    expect(() => toRequest('')).toThrow(
      expect.objectContaining({ code: 'SK_TEXT_BAD_INPUT', details: { field: 'prompt' } }),
    );
    expect(() => toRequest('hi', { maxTokens: 8, minTokens: 9 })).toThrow(
      expect.objectContaining({ code: 'SK_TEXT_BAD_INPUT', details: { field: 'minTokens' } }),
    );
  });
});

describe('challenge, miners and reward with the fixture models', slow, () => {
  it('asks for a greedy continuation of a corpus sentence of fixed length, reproducibly', async () => {
    const { request, truth } = await challenge(3);
    expect(loadPrompts()).toContain(request.prompt);
    expect(request).toEqual({ prompt: request.prompt, maxTokens: 16, minTokens: 16 });
    expect(truth.prompt).toBe(request.prompt);
    expect(truth.reference.trim()).not.toBe('');
    expect(truth.controls).toHaveLength(3);
    expect(await challenge(3)).toEqual({ request, truth });
    expect((await challenge(4)).request.prompt).not.toBe(request.prompt);
  });

  it('has honest miners reproduce the reference, unary and streamed', async () => {
    const { request, truth } = await challenge(5);
    const miner = ctx(5, 'miner') as never;
    const { completion } = textResponse.parse(await text.miner.handle(request, miner));
    expect(completion).toBe(truth.reference);
    const chunks: string[] = [];
    for await (const chunk of text.miner.stream?.(request, miner) ?? []) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(text.task.stream?.assemble(chunks)).toEqual({ completion });
  });

  it('pays the honest answer 1 and every adversary little, on average over challenges', async () => {
    const totals = { honest: 0, lazy: 0, random: 0, copycat: 0 };
    const steps = [11, 12, 13, 14, 15, 16, 17, 18];
    let previous = (await challenge(10)).truth.reference;
    for (const step of steps) {
      const { request, truth } = await challenge(step);
      const miner = ctx(step, 'miner') as never;
      const answers = {
        honest: textResponse.parse(await text.miner.handle(request, miner)).completion,
        lazy: textResponse.parse(await text.adversaries?.lazy?.(request, miner)).completion,
        random: textResponse.parse(await text.adversaries?.random?.(request, miner)).completion,
        copycat: previous, // what a copycat replays: an honest answer to the previous prompt
      };
      const scores = await reward(Object.values(answers), truth);
      Object.keys(answers).forEach((k, i) => {
        totals[k as keyof typeof totals] += (scores[i] as number) / steps.length;
      });
      previous = answers.honest;
    }
    expect(totals.honest).toBeCloseTo(1, 6);
    expect(totals.lazy).toBe(0);
    expect(totals.random).toBeLessThan(0.15);
    expect(totals.copycat).toBeLessThan(0.15);
  });

  it('pays an answer in the last moment before the timeout about half', async () => {
    const { truth } = await challenge(7);
    const [late] = await reward([truth.reference], truth, 11_900);
    expect(late).toBeLessThan(0.55);
    expect(late).toBeGreaterThan(0.45);
  });

  it('scores a copied answer to a different prompt low', async () => {
    const copied: number[] = [];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 1_000 }), async (step, gap) => {
        const asked = await challenge(step, 'asked');
        const other = await challenge(step + gap, 'other');
        fc.pre(other.request.prompt !== asked.request.prompt);
        const [score = 1] = await reward([other.truth.reference], asked.truth);
        // The fixture embedder's noise can lift a single case; the mean below must stay low.
        expect(score).toBeLessThan(0.5);
        copied.push(score);
      }),
      { numRuns: 30 },
    );
    expect(copied.reduce((a, b) => a + b, 0) / copied.length).toBeLessThan(0.1);
  });
});
