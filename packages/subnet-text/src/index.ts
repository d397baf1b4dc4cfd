/**
 * subnet-text: miners continue a prompt with a language model, streaming tokens to applications.
 * Validators ask for the greedy continuation of a sentence opening from Moby-Dick, generate the
 * same continuation themselves, and score each answer by how close it comes to theirs.
 */
import { defineModels, defineSubnet, SubnetkitError, type TextGenerationOptions } from '@subnetkit/core';
import { z } from 'zod';
import { loadPrompts, pickControls, pickPrompt } from './prompts.js';
import { scoreCompletions, type TextTruth } from './reward.js';

/** Most tokens a request may ask for. */
export const MAX_TOKENS = 256;
/** Tokens an application query asks for unless told otherwise. */
export const QUERY_TOKENS = 64;

/** A prompt to continue. Without a temperature the continuation is greedy (deterministic). */
export const textRequest = z
  .object({
    prompt: z.string().min(1).max(4000),
    /** Instructions put before the prompt. */
    system: z.string().max(2000).optional(),
    maxTokens: z.int().min(1).max(MAX_TOKENS),
    /** Tokens to generate at least (end-of-text is ignored until then). */
    minTokens: z.int().min(0).max(MAX_TOKENS).optional(),
    /** Above 0: sample at this temperature instead of decoding greedily. */
    temperature: z.number().min(0).max(2).optional(),
    topK: z.int().min(1).max(1000).optional(),
    topP: z.number().gt(0).max(1).optional(),
  })
  .refine((r) => (r.minTokens ?? 0) <= r.maxTokens, { path: ['minTokens'], message: 'minTokens exceeds maxTokens' });

/** The continuation only (the prompt is not repeated). */
export const textResponse = z.object({ completion: z.string().max(16_000) });

export type TextRequest = z.output<typeof textRequest>;
export type TextResponse = z.output<typeof textResponse>;

/** Operator options (from config). */
export const textOptions = z.object({
  /** Tokens a validator asks for; small, so a localnet on two cores stays fast. */
  challengeTokens: z.int().min(1).max(MAX_TOKENS).default(16),
  /** Continuations of unrelated prompts a validator generates to learn what chance similarity is. */
  controls: z.int().min(1).max(8).default(3),
});

/** A generator to answer with and an embedder to compare answers; tiny fixtures offline. */
export const textModels = defineModels({
  generator: { task: 'text-generation', model: 'HuggingFaceTB/SmolLM2-135M-Instruct', fixture: 'tiny-gpt2' },
  embedder: { task: 'feature-extraction', model: 'Xenova/all-MiniLM-L6-v2', fixture: 'tiny-bert' },
});

/** The text the model continues: the system prompt, if any, then the prompt. */
export function composePrompt(req: Pick<TextRequest, 'prompt' | 'system'>): string {
  return req.system ? `${req.system}\n\n${req.prompt}` : req.prompt;
}

/** Generation options for a request: greedy unless it asks for a temperature. */
export function decoding(req: TextRequest): TextGenerationOptions {
  const sample = (req.temperature ?? 0) > 0;
  return {
    maxNewTokens: req.maxTokens,
    minNewTokens: req.minTokens,
    doSample: sample,
    ...(sample ? { temperature: req.temperature, topK: req.topK, topP: req.topP } : {}),
  };
}

const text = defineSubnet({
  apiVersion: 1,
  name: 'text',
  description: 'Continue a prompt; scored against the validator’s own greedy continuation.',
  version: 1,
  task: {
    request: textRequest,
    response: textResponse,
    timeoutMs: 12_000,
    stream: { chunk: z.string(), assemble: (chunks) => ({ completion: chunks.join('') }) },
  },
  options: textOptions,
  models: textModels,
  miner: {
    async handle(req, ctx) {
      const completion = await ctx.models.generator(composePrompt(req), { ...decoding(req), signal: ctx.signal });
      return { completion };
    },
    stream: (req, ctx) => ctx.models.generator.stream(composePrompt(req), { ...decoding(req), signal: ctx.signal }),
  },
  validator: {
    async challenge(ctx) {
      const prompts = loadPrompts();
      const tokens = ctx.options.challengeTokens;
      // Exactly `tokens` tokens: answers of a fixed length compare fairly, and a batched
      // generation cannot run past an end-of-text that a lone one stops at.
      const ask = { maxNewTokens: tokens, minNewTokens: tokens, doSample: false, signal: ctx.signal };
      const prompt = pickPrompt(prompts, ctx.step, ctx.random);
      const reference = await ctx.models.generator(prompt, ask);
      if (reference.trim() === '') {
        throw new SubnetkitError('SK_TEXT_NO_REFERENCE', `The generator gave only whitespace for "${prompt}".`, {
          prompt,
        });
      }
      const others = pickControls(prompts, prompt, ctx.options.controls, ctx.random);
      const controls = await Promise.all(others.map((p) => ctx.models.generator(p, ask)));
      const truth: TextTruth = { prompt, reference, controls: controls.filter((c) => c.trim() !== '') };
      return { request: { prompt, maxTokens: tokens, minTokens: tokens }, truth };
    },
    reward: (responses, truth, ctx) =>
      scoreCompletions(
        responses.map((r) => r.completion),
        truth,
        (texts) => ctx.models.embedder(texts, { truncate: true, signal: ctx.signal }),
        ctx.answers,
      ),
  },
  adversaries: {
    // Echoes the prompt back: on topic for an embedder, so the echo penalty has to catch it.
    lazy: (req) => ({ completion: req.prompt }),
    // Well-formed words, unrelated to the prompt: corpus words in random order.
    random(req, ctx) {
      const vocabulary = ctx.random.pick(loadPrompts()).split(' ');
      const n = Math.max(1, Math.round(req.maxTokens * 0.75));
      return { completion: ` ${Array.from({ length: n }, () => ctx.random.pick(vocabulary)).join(' ')}` };
    },
  },
});

export default text;

/** What an application query may set besides the prompt. */
export interface QueryOptions {
  system?: string;
  /** Tokens to generate at most (default QUERY_TOKENS). */
  maxTokens?: number;
  minTokens?: number;
  /** Above 0 samples; absent or 0 decodes greedily. */
  temperature?: number;
  topP?: number;
}

/**
 * Builds the request for `subnetkit query text "prompt"`, checked against the task schema.
 * Throws SK_TEXT_BAD_INPUT naming the first bad field.
 *
 * @example
 * const req = toRequest('Call me Ishmael.', { maxTokens: 32 });
 */
export function toRequest(prompt: string, options: QueryOptions = {}): TextRequest {
  const set = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const parsed = textRequest.safeParse({ prompt, maxTokens: QUERY_TOKENS, ...set });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'request';
    throw new SubnetkitError('SK_TEXT_BAD_INPUT', `Bad ${field}: ${issue?.message ?? 'invalid'}.`, { field });
  }
  return parsed.data;
}

export { loadPrompts, pickControls, pickPrompt, SENTENCE_WORDS, toPrompts } from './prompts.js';
export {
  type AnswerTiming,
  aboveChance,
  agreement,
  combine,
  cosine,
  ECHO_NGRAM,
  type Embed,
  echoShare,
  LATE,
  LENGTH_SLACK,
  lcsLength,
  lengthFactor,
  type ScoreParts,
  scoreCompletions,
  speedFactor,
  type TextTruth,
  WEIGHTS,
  words,
} from './reward.js';
