import { createRandom } from '@subnetkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPrompts, pickControls, pickPrompt, toPrompts } from './prompts.js';

describe('toPrompts', () => {
  it('keeps the first half of each 10-40 word sentence, once', () => {
    const text =
      'Call me Ishmael. Some years ago never mind how long precisely having little or no money in my purse.\n\n' +
      'Too short.\n\n' +
      'Some years ago never mind how long precisely having little or no money in my purse.';
    expect(toPrompts([text])).toEqual(['Some years ago never mind how long precisely']);
  });
});

describe('loadPrompts', () => {
  it('reads thousands of unique sentence openings from the Moby-Dick corpus', () => {
    const prompts = loadPrompts();
    expect(prompts.length).toBeGreaterThan(2000);
    expect(new Set(prompts).size).toBe(prompts.length);
    expect(prompts.every((p) => p.split(' ').length >= 5 && p.split(' ').length <= 20)).toBe(true);
    expect(loadPrompts()).toBe(prompts);
  });
});

describe('pickPrompt', () => {
  const prompts = loadPrompts();

  it('is reproducible for a seed and step', () => {
    expect(pickPrompt(prompts, 7, createRandom('a').fork('step-7'))).toBe(
      pickPrompt(prompts, 7, createRandom('a').fork('step-7')),
    );
  });

  it('never gives the same prompt on two consecutive steps, whatever the seed', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat({ max: 1_000_000 }), (seed, step) => {
        const random = createRandom(seed);
        const a = pickPrompt(prompts, step, random.fork(`step-${step}`));
        const b = pickPrompt(prompts, step + 1, random.fork(`step-${step + 1}`));
        expect(a).not.toBe(b);
      }),
    );
  });

  it('also alternates on a two-prompt list, and refuses fewer', () => {
    const two = ['first prompt', 'second prompt'];
    const random = createRandom(1);
    expect([0, 1, 2, 3].map((s) => pickPrompt(two, s, random))).toEqual([...two, ...two]);
    expect(() => pickPrompt(['only'], 0, random)).toThrow(expect.objectContaining({ code: 'SK_TEXT_BAD_INPUT' }));
  });
});

describe('pickControls', () => {
  it('picks distinct prompts other than the excluded one', () => {
    const prompts = loadPrompts();
    const exclude = prompts[5] as string;
    const controls = pickControls(prompts, exclude, 3, createRandom(2));
    expect(controls).toHaveLength(3);
    expect(new Set(controls).size).toBe(3);
    expect(controls).not.toContain(exclude);
    expect(() => pickControls(['a', 'b'], 'a', 2, createRandom(2))).toThrow(
      expect.objectContaining({ code: 'SK_TEXT_BAD_INPUT' }),
    );
  });
});
