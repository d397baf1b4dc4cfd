/**
 * Likelihood scoring. The validator does not generate: it scores each completion with its own
 * model in teacher-forced forward passes. Fluency is how likely the model finds the completion
 * after the prompt; relevance is how much more likely the prompt makes it than unrelated secret
 * control prompts do. Any model that continues the prompt well earns on both; text that is likely
 * anywhere (fillers, another prompt's answer) has no relevance, shuffled words no fluency. Answers
 * are paid only for beating the best cheap baseline (echo, the book's own next words, filler) on
 * the same challenge, which scores 0.
 */
import { type AnswerTiming, echoShare, speedFactor, words } from './reward.js';

/** What the validator keeps from a challenge. */
export interface LikelihoodTruth {
  /** The text the model continues (instruction and passage). */
  prompt: string;
  /** Unrelated prompts, drawn in secret: the completion's likelihood without this prompt. */
  controls: string[];
  /** Tokens the challenge asked for. */
  tokens: number;
  /** The cheap answers to beat, by name. */
  baselines: Record<string, string>;
}

/** Teacher-forced log-probabilities of `continuation` after `prompt` (at most `maxTokens`). */
export type LogProbs = (prompt: string, continuation: string, maxTokens: number) => Promise<number[]>;

/** Knobs of the likelihood reward. */
export interface LikelihoodParams {
  /** Nats per token of likelihood over the best baseline that earn the full fluency factor. */
  fluencyNats: number;
  /** Nats per token of prompt gain over the best baseline that earn the full relevance factor. */
  relevanceNats: number;
  /** Share of the asked tokens an answer must have; missing ones count as `missingNats`. */
  minShare: number;
  /** Log-probability charged per missing token (a short answer is not a likely one). */
  missingNats: number;
}

export const DEFAULT_LIKELIHOOD_PARAMS: Readonly<LikelihoodParams> = Object.freeze({
  fluencyNats: 2,
  relevanceNats: 0.5,
  minShare: 0.75,
  missingNats: -20,
});

const clamp01 = (x: number): number => (Number.isNaN(x) ? 0 : Math.min(1, Math.max(0, x)));
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** What the validator's model says of one text, per token. */
export interface TextMeasure {
  /** Mean log-probability given the prompt: how likely the model finds it here. */
  fluency: number;
  /** Mean gain in log-probability the prompt gives over the unrelated controls: how much it answers this prompt. */
  relevance: number;
}

/**
 * Measures a text over its first 2×tokens tokens. A text shorter than `minShare` of the asked
 * tokens is charged `missingNats` per missing token and averaged over that many, so a single
 * likely token earns nothing.
 */
export async function measureText(
  text: string,
  truth: LikelihoodTruth,
  logProbs: LogProbs,
  params: LikelihoodParams = DEFAULT_LIKELIHOOD_PARAMS,
): Promise<TextMeasure> {
  const worst = { fluency: params.missingNats, relevance: 0 };
  if (text.trim() === '') return worst;
  const cap = truth.tokens * 2;
  const own = await logProbs(truth.prompt, text, cap);
  if (own.length === 0) return worst;
  const others = await Promise.all(truth.controls.map((c) => logProbs(c, text, cap)));
  const counted = Math.min(own.length, ...others.map((o) => o.length));
  const needed = Math.ceil(truth.tokens * params.minShare);
  const per = Math.max(counted, needed);
  const ownSum = sum(own.slice(0, counted));
  const controlSum = others.length === 0 ? ownSum : mean(others.map((o) => sum(o.slice(0, counted))));
  return {
    fluency: (ownSum + Math.max(0, needed - counted) * params.missingNats) / per,
    relevance: (ownSum - controlSum) / per,
  };
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : sum(xs) / xs.length;
}

/**
 * Scores completions in [0, 1]: a fluency factor (likelihood over the best baseline's, full at
 * `fluencyNats`) times a relevance factor (prompt gain over the best baseline's, full at
 * `relevanceNats`), times the share not echoed from the prompt and the speed factor. Both
 * factors must be positive, so every baseline scores 0, and so does fluent text that answers
 * another prompt or relevant words in no likely order.
 */
export async function scoreByLikelihood(
  completions: readonly string[],
  truth: LikelihoodTruth,
  logProbs: LogProbs,
  timings: readonly (AnswerTiming | undefined)[],
  params: LikelihoodParams = DEFAULT_LIKELIHOOD_PARAMS,
): Promise<number[]> {
  // the model is deterministic, so a text is measured once per challenge: honest miners send the same greedy
  // continuation, and echoing, copying or baseline answers repeat a baseline (each measure is 1 + controls passes)
  const measured = new Map<string, Promise<TextMeasure>>();
  const measure = (text: string): Promise<TextMeasure> => {
    let m = measured.get(text);
    if (!m) {
      m = measureText(text, truth, logProbs, params);
      measured.set(text, m);
    }
    return m;
  };
  const base = await Promise.all(Object.values(truth.baselines).map(measure));
  const bestFluency = Math.max(params.missingNats, ...base.map((b) => b.fluency));
  const bestRelevance = Math.max(0, ...base.map((b) => b.relevance));
  const promptWords = words(truth.prompt);
  const scores: number[] = [];
  // one at a time: the validator's model runs one forward pass per text and prompt
  for (const [i, text] of completions.entries()) {
    const m = await measure(text);
    const fluency = clamp01((m.fluency - bestFluency) / params.fluencyNats);
    const relevance = clamp01((m.relevance - bestRelevance) / params.relevanceNats);
    const echo = echoShare(words(text), promptWords);
    const timing = timings[i];
    scores.push(clamp01(fluency * relevance * (1 - echo) * (timing ? speedFactor(timing) : 1)));
  }
  return scores;
}
