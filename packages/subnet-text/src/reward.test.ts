import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aboveChance,
  agreement,
  combine,
  cosine,
  echoShare,
  lcsLength,
  lengthFactor,
  type ScoreParts,
  scoreCompletions,
  speedFactor,
  type TextTruth,
  words,
} from './reward.js';

describe('words', () => {
  it('splits into lowercase words and single symbols', () => {
    expect(words('Call me Ishmael. Some years—ago!')).toEqual([
      'call',
      'me',
      'ishmael',
      '.',
      'some',
      'years',
      '—',
      'ago',
      '!',
    ]);
    expect(words('  \n\t ')).toEqual([]);
  });
});

describe('agreement', () => {
  it('is ROUGE-L F1: order matters, extra and missing words cost', () => {
    const ref = words('the whale dove deep');
    expect(agreement(ref, ref)).toBe(1);
    expect(lcsLength(words('deep dove whale the'), ref)).toBe(1);
    expect(agreement(words('the whale dove'), ref)).toBeCloseTo((2 * 3) / 7);
    expect(agreement(words('a ship sailed'), ref)).toBe(0);
    expect(agreement([], ref)).toBe(0);
  });

  it('never rises when one more word of the answer is replaced by a wrong one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (reference, positions) => {
          let answer: string[] = [...reference];
          let last = agreement(answer, reference);
          for (const p of positions) {
            answer = answer.map((w, i) => (i === p % answer.length ? 'zz' : w));
            const now = agreement(answer, reference);
            expect(now).toBeLessThanOrEqual(last);
            last = now;
          }
        },
      ),
    );
  });
});

describe('echoShare', () => {
  const prompt = words('Call me Ishmael. Some years ago, never mind how long');
  it('is the share of the answer inside 3-word runs of the prompt', () => {
    expect(echoShare(prompt, prompt)).toBe(1);
    expect(echoShare(words('some years ago I went to sea'), prompt)).toBeCloseTo(3 / 7);
    expect(echoShare(words('I went to sea in a ship'), prompt)).toBe(0);
    // shared single words are not echo
    expect(echoShare(words('me years never how'), prompt)).toBe(0);
  });
});

describe('aboveChance', () => {
  it('maps chance to 0 and identity to 1', () => {
    expect(aboveChance(0.9, 0.9)).toBe(0);
    expect(aboveChance(0.8, 0.9)).toBe(0);
    expect(aboveChance(1, 0.9)).toBe(1);
    expect(aboveChance(0.95, 0.9)).toBeCloseTo(0.5);
    expect(aboveChance(0.5, 0)).toBe(0.5);
  });

  it('falls back to identity only when the embedder cannot tell texts apart', () => {
    expect(aboveChance(1, 1)).toBe(1);
    expect(aboveChance(0.99, 1)).toBe(0);
  });
});

describe('penalties', () => {
  it('charges length beyond 1.5 times the reference', () => {
    expect(lengthFactor(15, 10)).toBe(1);
    expect(lengthFactor(30, 10)).toBe(0.5);
    expect(lengthFactor(3, 0)).toBe(0.5);
  });

  it('charges answers in the second half of the timeout, down to half the score', () => {
    expect(speedFactor({ latencyMs: 100, timeoutMs: 1000 })).toBe(1);
    expect(speedFactor({ latencyMs: 500, timeoutMs: 1000 })).toBe(1);
    expect(speedFactor({ latencyMs: 750, timeoutMs: 1000 })).toBeCloseTo(0.75);
    expect(speedFactor({ latencyMs: 1000, timeoutMs: 1000 })).toBe(0.5);
    expect(speedFactor({ latencyMs: 5000, timeoutMs: 1000 })).toBe(0.5);
  });
});

const unit = fc.double({ min: 0, max: 1, noNaN: true });
const parts = fc.record({ agreement: unit, meaning: unit, echo: unit, length: unit, speed: unit });

describe('combine', () => {
  it('gives 1 to a perfect answer on time and 0 to a pure echo', () => {
    expect(combine({ agreement: 1, meaning: 1, echo: 0, length: 1, speed: 1 })).toBe(1);
    expect(combine({ agreement: 1, meaning: 1, echo: 1, length: 1, speed: 1 })).toBe(0);
  });

  it('stays in [0, 1]', () => {
    fc.assert(fc.property(parts, (p) => combine(p) >= 0 && combine(p) <= 1));
  });

  it('never scores a better answer lower: more agreement, meaning, length or speed, less echo', () => {
    const better = (p: ScoreParts, key: keyof ScoreParts, by: number): ScoreParts => {
      const v = key === 'echo' ? Math.max(0, p[key] - by) : Math.min(1, p[key] + by);
      return { ...p, [key]: v };
    };
    fc.assert(
      fc.property(
        parts,
        fc.constantFrom<keyof ScoreParts>('agreement', 'meaning', 'echo', 'length', 'speed'),
        unit,
        (p, key, by) => {
          expect(combine(better(p, key, by))).toBeGreaterThanOrEqual(combine(p));
        },
      ),
    );
  });
});

describe('scoreCompletions', () => {
  // scoreCompletions takes any embedder; a bag-of-letters one keeps these cases exact and
  // model-free (index.test.ts runs the real one).
  const embed = async (texts: string[]): Promise<number[][]> =>
    texts.map((t) => {
      const v = new Array<number>(26).fill(0);
      for (const ch of t.toLowerCase()) if (ch >= 'a' && ch <= 'z') v[ch.charCodeAt(0) - 97]! += 1;
      const n = Math.hypot(...v) || 1;
      return v.map((x) => x / n);
    });
  const truth: TextTruth = {
    prompt: 'Call me Ishmael. Some years ago, never mind how long precisely, having little',
    reference: ' or no money in my purse, and nothing particular to interest me on shore',
    controls: [' whale ship harpoon', ' the sea was calm and grey'],
  };
  const onTime = { latencyMs: 10, timeoutMs: 1000 };

  it('scores the reference 1, an empty answer 0 and an echo of the prompt near 0', async () => {
    const answers = [truth.reference, '   ', truth.prompt];
    const scores = await scoreCompletions(
      answers,
      truth,
      embed,
      answers.map(() => onTime),
    );
    expect(scores[0]).toBeCloseTo(1, 12);
    expect(scores[1]).toBe(0);
    expect(scores[2]).toBeLessThan(0.1);
  });

  it('ranks a partly right answer between the reference and an unrelated one', async () => {
    const answers = [truth.reference, ' or no money in my purse, and then I sailed away', ' a harpoon in the whale'];
    const [full, half, none] = await scoreCompletions(
      answers,
      truth,
      embed,
      answers.map(() => onTime),
    );
    expect(full).toBeGreaterThan(half!);
    expect(half).toBeGreaterThan(none!);
  });

  it('pays a late answer less than the same answer on time, and embeds nothing when all are empty', async () => {
    const [late] = await scoreCompletions([truth.reference], truth, embed, [{ latencyMs: 900, timeoutMs: 1000 }]);
    expect(late).toBeCloseTo(0.6);
    const never = async (): Promise<number[][]> => {
      throw new Error('must not embed');
    };
    expect(await scoreCompletions(['', ' '], truth, never, [onTime, onTime])).toEqual([0, 0]);
  });

  it('charges padding: the reference plus as much junk scores less than the reference', async () => {
    const padded = `${truth.reference} ${truth.reference.split(' ').reverse().join(' ')}`;
    const [ref, pad] = await scoreCompletions([truth.reference, padded], truth, embed, [onTime, onTime]);
    expect(pad).toBeLessThan(ref! * 0.75);
  });

  it('uses cosine on the vectors it is given', () => {
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([3, 4], [6, 8])).toBeCloseTo(1);
    expect(cosine([0, 0], [1, 1])).toBe(0);
  });
});
