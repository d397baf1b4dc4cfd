/**
 * subnet-text: miners continue a prompt with a language model, streaming tokens to applications.
 * Validators cut a random passage from Moby-Dick (random chapter, start, length, instruction) and
 * score each continuation by likelihood under their own model, without generating: how much more
 * likely the prompt makes it than an unrelated secret prompt does, above the best cheap baseline.
 */
import { defineModels, defineSubnet, type TextGenerationOptions } from '@subnetkit/core';
import { z } from 'zod';
import { textErrors } from './errors.js';
import { DEFAULT_LIKELIHOOD_PARAMS, type LikelihoodTruth, scoreByLikelihood } from './likelihood.js';
import { loadPrompts } from './prompts.js';
import { corpusChapters, drawSpan } from './spans.js';

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
  /** Unrelated prompts each answer is also scored under (its likelihood without the prompt). */
  controls: z.int().min(1).max(8).default(3),
  /** Nats per token of likelihood, and of prompt gain, over the best cheap baseline that earn full marks. */
  fluencyNats: z.number().positive().max(20).default(DEFAULT_LIKELIHOOD_PARAMS.fluencyNats),
  relevanceNats: z.number().positive().max(20).default(DEFAULT_LIKELIHOOD_PARAMS.relevanceNats),
});

/** One model: miners generate with it, validators score answers by likelihood under it; a tiny fixture offline. */
export const textModels = defineModels({
  generator: { task: 'text-generation', model: 'HuggingFaceTB/SmolLM2-135M-Instruct', fixture: 'tiny-gpt2' },
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

/** A long run of the most common word: likely under any prompt, so it must earn nothing. */
export const FILLER = ` ${Array.from({ length: 24 }, () => 'the').join(' ')}`;

let chapterTexts: readonly string[] | undefined;

/** The book's next words after a passage, if the passage is in it (the corpus-lookup cheat). */
export function lookUpCorpus(prompt: string, nextWords = 24): string | undefined {
  // joined once: re-joining the book's 200,000 words on every lookup was the cheater's main cost
  chapterTexts ??= corpusChapters().map((words) => words.join(' '));
  for (const text of chapterTexts) {
    const at = text.indexOf(prompt);
    if (at < 0) continue;
    const after = text
      .slice(at + prompt.length)
      .trim()
      .split(' ')
      .slice(0, nextWords);
    return ` ${after.join(' ')}`;
  }
  return undefined;
}

/** The cheap answers the reward pays nothing for (what the validator measures each answer against). */
export const TEXT_BASELINES = {
  /** The prompt said back. */
  echo: (req: Pick<TextRequest, 'prompt'>) => ` ${req.prompt}`,
  /** The book's own next words (an answer key of every passage, built from the public corpus). */
  'corpus-lookup': (req: Pick<TextRequest, 'prompt'>) => lookUpCorpus(req.prompt) ?? ` ${req.prompt}`,
  /** A filler of the most common word. */
  filler: () => FILLER,
} as const;

const text = defineSubnet({
  apiVersion: 1,
  name: 'text',
  errors: textErrors,
  description: 'Continue a prompt; scored by likelihood under the validator’s model, above cheap baselines.',
  version: 2,
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
    challenge(ctx) {
      const tokens = ctx.options.challengeTokens;
      const span = drawSpan(ctx.random);
      const request = { prompt: span.prompt, system: span.system, maxTokens: tokens, minTokens: tokens };
      const controls = Array.from({ length: ctx.options.controls }, () => composePrompt(drawSpan(ctx.random)));
      const truth: LikelihoodTruth = {
        prompt: composePrompt(request),
        controls,
        tokens,
        baselines: { echo: TEXT_BASELINES.echo(request), 'corpus-lookup': span.next, filler: FILLER },
      };
      return { request, truth };
    },
    // an application's prompt is scored like a challenge: same controls and baselines, its own prompt
    organicTruth(req, ctx): LikelihoodTruth {
      const controls = Array.from({ length: ctx.options.controls }, () => composePrompt(drawSpan(ctx.random)));
      return {
        prompt: composePrompt(req),
        controls,
        tokens: req.minTokens || req.maxTokens,
        baselines: {
          echo: TEXT_BASELINES.echo(req),
          'corpus-lookup': TEXT_BASELINES['corpus-lookup'](req),
          filler: FILLER,
        },
      };
    },
    reward: (responses, truth: LikelihoodTruth, ctx) =>
      scoreByLikelihood(
        responses.map((r) => r.completion),
        truth,
        (prompt, continuation, maxTokens) =>
          ctx.models.generator.logProbs(prompt, continuation, { maxTokens, signal: ctx.signal }),
        ctx.answers,
        {
          ...DEFAULT_LIKELIHOOD_PARAMS,
          fluencyNats: ctx.options.fluencyNats,
          relevanceNats: ctx.options.relevanceNats,
        },
      ),
  },
  adversaries: {
    // Echoes the prompt back: the echo baseline.
    lazy: (req) => ({ completion: TEXT_BASELINES.echo(req) }),
    // Well-formed words, unrelated to the prompt: corpus words in random order.
    random(req, ctx) {
      const vocabulary = ctx.random.pick(loadPrompts()).split(' ');
      const n = Math.max(1, Math.round(req.maxTokens * 0.75));
      return { completion: ` ${Array.from({ length: n }, () => ctx.random.pick(vocabulary)).join(' ')}` };
    },
    baselines: {
      echo: (req) => ({ completion: TEXT_BASELINES.echo(req) }),
      'corpus-lookup': (req) => ({ completion: TEXT_BASELINES['corpus-lookup'](req) }),
      filler: () => ({ completion: FILLER }),
    },
  },
  // likelihood is a noisy judge on one step: squaring the moving averages turns the honest edge into a clear one
  weights: { power: 2 },
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
    throw textErrors.error('SK_TEXT_BAD_INPUT', `Bad ${field}: ${issue?.message ?? 'invalid'}.`, { field });
  }
  return parsed.data;
}

export { textErrors } from './errors.js';
export {
  DEFAULT_LIKELIHOOD_PARAMS,
  type LikelihoodParams,
  type LikelihoodTruth,
  type LogProbs,
  measureText,
  scoreByLikelihood,
  type TextMeasure,
} from './likelihood.js';
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
export { corpusChapters, drawSpan, INSTRUCTIONS, SPAN_WORDS, type Span } from './spans.js';
