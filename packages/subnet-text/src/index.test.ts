import { createLogger, createModelRuntime, createRandom, type ModelRuntime, validateSubnet } from '@subnetkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import text, {
  composePrompt,
  corpusChapters,
  decoding,
  type LikelihoodTruth,
  lookUpCorpus,
  type TextRequest,
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

async function challenge(step: number, seed?: string): Promise<{ request: TextRequest; truth: LikelihoodTruth }> {
  const c = await text.validator.challenge(ctx(step, seed) as never);
  return { request: textRequest.parse(c.request), truth: c.truth as LikelihoodTruth };
}

async function reward(completions: string[], truth: LikelihoodTruth, latencyMs = 20): Promise<number[]> {
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
  it('cuts a random passage of the book with a random instruction, reproducibly per random stream', async () => {
    const { request, truth } = await challenge(3);
    const book = corpusChapters().map((w) => w.join(' '));
    expect(book.some((chapter) => chapter.includes(request.prompt))).toBe(true);
    expect(request).toMatchObject({ maxTokens: 16, minTokens: 16 });
    expect(truth.prompt).toBe(composePrompt(request));
    expect(truth.controls).toHaveLength(3);
    expect(Object.keys(truth.baselines).sort()).toEqual(['corpus-lookup', 'echo', 'filler']);
    expect(await challenge(3)).toEqual({ request, truth });
    // spans, not a fixed list: 40 draws give 40 different prompts, mostly not sentence openings
    const prompts = new Set<string>();
    for (let step = 100; step < 140; step++) prompts.add((await challenge(step)).request.prompt);
    expect(prompts.size).toBe(40);
    const openings = new Set(loadPrompts());
    expect([...prompts].filter((p) => openings.has(p)).length).toBeLessThan(4);
  });

  it('streams the same completion as the unary answer', async () => {
    const { request } = await challenge(5);
    const miner = ctx(5, 'miner') as never;
    const { completion } = textResponse.parse(await text.miner.handle(request, miner));
    const chunks: string[] = [];
    for await (const chunk of text.miner.stream?.(request, miner) ?? []) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(text.task.stream?.assemble(chunks)).toEqual({ completion });
  });

  it('pays honest answers and nothing for the declared baselines; little for cheaters on average', async () => {
    const totals: Record<string, number> = {};
    const steps = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
    let previous = '';
    for (const step of steps) {
      const { request, truth } = await challenge(step);
      const miner = ctx(step, 'miner') as never;
      const answers: Record<string, string> = {
        honest: textResponse.parse(await text.miner.handle(request, miner)).completion,
        lazy: textResponse.parse(await text.adversaries?.lazy?.(request, miner)).completion,
        random: textResponse.parse(await text.adversaries?.random?.(request, miner)).completion,
        // what a copycat replays: an honest answer to the previous prompt
        copycat: previous,
      };
      for (const [name, f] of Object.entries(text.adversaries?.baselines ?? {}))
        answers[`baseline:${name}`] = textResponse.parse(await f(request, miner)).completion;
      const scores = await reward(Object.values(answers), truth);
      for (const name of Object.keys(answers).filter((n) => n.startsWith('baseline:'))) {
        expect(scores[Object.keys(answers).indexOf(name)], name).toBe(0);
      }
      Object.keys(answers).forEach((k, i) => {
        totals[k] = (totals[k] ?? 0) + (scores[i] as number) / steps.length;
      });
      previous = answers.honest as string;
    }
    // measured with the tiny random-weight fixture: honest about 0.2, the others below a tenth of it
    expect(totals.honest).toBeGreaterThan(0.08);
    expect(totals.lazy).toBe(0);
    for (const cheat of ['random', 'copycat']) expect(totals[cheat], cheat).toBeLessThan((totals.honest as number) / 3);
  });

  it('charges a late answer, and scores the corpus lookup 0 even when a miner sends it', async () => {
    const { request, truth } = await challenge(7);
    const honest = textResponse.parse(await text.miner.handle(request, ctx(7, 'miner') as never)).completion;
    const [fast = 0] = await reward([honest], truth, 20);
    const [late = 0] = await reward([honest], truth, 11_900);
    expect(late).toBeLessThan(fast * 0.55 + 1e-9);
    expect(lookUpCorpus(request.prompt)?.startsWith(truth.baselines['corpus-lookup']?.slice(0, 20) ?? '?')).toBe(true);
  });
});
