import { describe, expect, it } from 'vitest';
import { type LikelihoodTruth, type LogProbs, measureText, scoreByLikelihood } from './likelihood.js';

/**
 * A stand-in judge with known answers: each word is one token; a word scores -1 after the prompt
 * that "expects" it (listed in `liked`), -3 elsewhere, and filler words -2 everywhere.
 */
const liked: Record<string, Set<string>> = { P: new Set(['good', 'answer']) };
const judge: LogProbs = async (prompt, continuation, maxTokens) =>
  continuation
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, maxTokens)
    .map((w) => (w === 'the' ? -2 : liked[prompt]?.has(w) ? -1 : -3));

const truth: LikelihoodTruth = {
  prompt: 'P',
  controls: ['C1', 'C2'],
  tokens: 4,
  baselines: { filler: ' the the the the', echo: ' P P P P' },
};

describe('likelihood reward', () => {
  it('measures fluency after the prompt and the gain over the controls', async () => {
    expect(await measureText(' good answer good answer', truth, judge)).toEqual({ fluency: -1, relevance: 2 });
    expect(await measureText(' the the the the', truth, judge)).toEqual({ fluency: -2, relevance: 0 });
  });

  it('charges missing tokens, so one likely word earns nothing', async () => {
    const short = await measureText(' good', truth, judge);
    expect(short.fluency).toBeLessThan(-2);
    const [score] = await scoreByLikelihood([' good'], truth, judge, []);
    expect(score).toBe(0);
  });

  it('pays 0 to every baseline and to fluent text for another prompt; more to a better answer', async () => {
    const scores = await scoreByLikelihood(
      [' the the the the', ' P P P P', ' good answer good answer', ' good answer the the', ' other words here now'],
      truth,
      judge,
      [],
    );
    expect(scores.slice(0, 2)).toEqual([0, 0]);
    expect(scores[2]).toBeGreaterThan(scores[3] as number);
    expect(scores[3]).toBeGreaterThan(0);
    expect(scores[4]).toBe(0);
  });

  it('measures a text once per challenge, however many answers or baselines repeat it', async () => {
    const calls: string[] = [];
    const counting: LogProbs = (prompt, continuation, maxTokens) => {
      calls.push(`${prompt}|${continuation}`);
      return judge(prompt, continuation, maxTokens);
    };
    const answers = [' good answer good answer', ' the the the the', ' good answer good answer', ' P P P P'];
    const scores = await scoreByLikelihood(answers, truth, counting, []);
    expect(scores).toEqual(await scoreByLikelihood(answers, truth, judge, []));
    expect(scores[0]).toBeGreaterThan(0);
    expect(scores[2]).toBe(scores[0]);
    // two baselines and one new text, each under the prompt and both controls
    expect(calls).toHaveLength(3 * 3);
    expect(new Set(calls).size).toBe(calls.length);
  });

  it('charges lateness', async () => {
    const echoing: LikelihoodTruth = { ...truth, prompt: 'P', baselines: {} };
    const [fresh = 0, late = 0] = await scoreByLikelihood(
      [' good answer good answer', ' good answer good answer'],
      echoing,
      judge,
      [undefined, { latencyMs: 1000, timeoutMs: 1000 }],
    );
    expect(late).toBeCloseTo(fresh / 2, 9);
  });
});
