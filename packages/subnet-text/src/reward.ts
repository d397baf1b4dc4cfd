/**
 * Completion scoring. The validator knows what a good answer looks like because it produced one
 * itself: the greedy (deterministic) continuation of the prompt by the subnet's model. A
 * completion is scored by how much closer it comes to that reference, in words and in meaning,
 * than continuations of unrelated prompts do. Every function here is pure; the only input from a
 * model is the embedder the caller passes in.
 */

/** What the validator keeps from a challenge. */
export interface TextTruth {
  /** The prompt the model continued (system prompt included), for the echo check. */
  prompt: string;
  /** The validator's greedy continuation. */
  reference: string;
  /** Greedy continuations of unrelated prompts: what an answer to another question looks like. */
  controls: string[];
}

/** Timing of one answer, as the host reports it. */
export interface AnswerTiming {
  latencyMs: number;
  timeoutMs: number;
}

/** Embeds texts: one L2-normalised vector per text, in order. */
export type Embed = (texts: string[]) => Promise<number[][]>;

/** The measurements a score is made of; each in [0, 1]. */
export interface ScoreParts {
  /** Word overlap with the reference, in order (ROUGE-L F1), above what unrelated answers get. */
  agreement: number;
  /** Closeness in meaning to the reference (embedding cosine), above what unrelated answers get. */
  meaning: number;
  /** Share of the answer copied from the prompt beyond what the reference copies. */
  echo: number;
  /** 1, or less for an answer much longer than the reference. */
  length: number;
  /** 1, or less for an answer that took more than half the timeout. */
  speed: number;
}

/** Weights of agreement and meaning in the quality part of the score. */
export const WEIGHTS = { agreement: 0.5, meaning: 0.5 } as const;
/** Runs of this many words found in the prompt count as echo. */
export const ECHO_NGRAM = 3;
/** An answer may be this many times longer than the reference before the length penalty starts. */
export const LENGTH_SLACK = 1.5;
/** Answers in the first half of the timeout are on time; the last answers keep half their score. */
export const LATE = { from: 0.5, floor: 0.5 } as const;

const clamp01 = (x: number): number => (Number.isNaN(x) ? 0 : Math.min(1, Math.max(0, x)));

/** Splits text into lowercase words and single symbols (the units of agreement and echo). */
export function words(text: string): string[] {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []
  );
}

/** Length of the longest common subsequence of two word lists. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const row = [0];
    for (let j = 0; j < b.length; j++)
      row.push(x === b[j] ? (prev[j] as number) + 1 : Math.max(prev[j + 1] as number, row[j] as number));
    prev = row;
  }
  return prev[b.length] as number;
}

/** ROUGE-L F1 of an answer against the reference: 1 for the same words in the same order. */
export function agreement(answer: readonly string[], reference: readonly string[]): number {
  if (answer.length === 0 || reference.length === 0) return 0;
  const common = lcsLength(answer, reference);
  return (2 * common) / (answer.length + reference.length);
}

/** Share of `answer`'s words that lie in a run of `ECHO_NGRAM` words also found in `prompt`. */
export function echoShare(answer: readonly string[], prompt: readonly string[]): number {
  const n = ECHO_NGRAM;
  if (answer.length < n) return 0;
  const grams = new Set<string>();
  for (let i = 0; i + n <= prompt.length; i++) grams.add(prompt.slice(i, i + n).join('\u0000'));
  const copied = new Array<boolean>(answer.length).fill(false);
  for (let i = 0; i + n <= answer.length; i++) {
    if (grams.has(answer.slice(i, i + n).join('\u0000'))) copied.fill(true, i, i + n);
  }
  return copied.filter(Boolean).length / answer.length;
}

/** Cosine similarity of two vectors. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Rescales a similarity so that `chance` (what an unrelated answer scores) maps to 0 and identity
 * to 1. Unrelated texts are far from zero similarity: embedders put them at a cosine of 0.2 (a
 * trained one) to 0.9 (a random-weight one), and any two English continuations share words like
 * "the", so raw similarity would pay for any text at all.
 */
export function aboveChance(similarity: number, chance: number): number {
  if (chance >= 1 - 1e-6) return similarity >= 1 - 1e-6 ? 1 : 0;
  return clamp01((similarity - chance) / (1 - chance));
}

/** 1 up to `LENGTH_SLACK` times the reference's length, then shrinking as the answer grows. */
export function lengthFactor(answerWords: number, referenceWords: number): number {
  const allowed = LENGTH_SLACK * Math.max(referenceWords, 1);
  return answerWords <= allowed ? 1 : allowed / answerWords;
}

/** 1 for an answer in the first half of the timeout, falling linearly to `LATE.floor` at the timeout. */
export function speedFactor({ latencyMs, timeoutMs }: AnswerTiming): number {
  if (!(timeoutMs > 0)) return 1;
  const late = clamp01((latencyMs / timeoutMs - LATE.from) / (1 - LATE.from));
  return 1 - (1 - LATE.floor) * late;
}

/**
 * Combines the parts into a score in [0, 1]: quality (agreement and meaning) times the penalties.
 * Non-decreasing in agreement, meaning, length and speed; non-increasing in echo.
 */
export function combine(parts: ScoreParts): number {
  const quality = WEIGHTS.agreement * clamp01(parts.agreement) + WEIGHTS.meaning * clamp01(parts.meaning);
  return clamp01(quality * (1 - clamp01(parts.echo)) * clamp01(parts.length) * clamp01(parts.speed));
}

/**
 * Scores completions against the truth, one score in [0, 1] each: 1 for the reference itself on
 * time. An empty completion scores 0 (it is not embedded). `timings` aligns with `completions`.
 */
export async function scoreCompletions(
  completions: readonly string[],
  truth: TextTruth,
  embed: Embed,
  timings: readonly AnswerTiming[],
): Promise<number[]> {
  const reference = words(truth.reference);
  const promptWords = words(truth.prompt);
  const referenceEcho = echoShare(reference, promptWords);
  const answered = completions.map((c, i) => ({ i, text: c, words: words(c) })).filter((a) => a.words.length > 0);
  const scores = completions.map(() => 0);
  if (answered.length === 0) return scores;
  const [ref = [], ...rest] = await embed([truth.reference, ...truth.controls, ...answered.map((a) => a.text)]);
  // Chance is the best any unrelated answer does, so replaying an old answer earns nothing on average.
  const chanceWords = Math.max(0, ...truth.controls.map((c) => agreement(words(c), reference)));
  const chanceMeaning = Math.max(0, ...rest.slice(0, truth.controls.length).map((v) => cosine(ref, v)));
  answered.forEach((a, k) => {
    const vector = rest[truth.controls.length + k] as number[];
    scores[a.i] = combine({
      agreement: aboveChance(agreement(a.words, reference), chanceWords),
      meaning: aboveChance(cosine(ref, vector), chanceMeaning),
      echo: Math.max(0, echoShare(a.words, promptWords) - referenceEcho),
      length: lengthFactor(a.words.length, reference.length),
      speed: timings[a.i] ? speedFactor(timings[a.i] as AnswerTiming) : 1,
    });
  });
  return scores;
}
