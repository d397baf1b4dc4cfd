import { z } from 'zod';
import { defineSubnet } from '../plugin/define-subnet.js';

/** A model-free subnet for runtime tests: the miner must reverse a word; the truth is the reversed word. */
export const reverseSubnet = defineSubnet({
  apiVersion: 1,
  name: 'reverse',
  task: {
    request: z.object({ word: z.string().min(1).max(64) }),
    response: z.object({ reversed: z.string().max(64) }),
    timeoutMs: 2_000,
  },
  miner: { handle: (req) => ({ reversed: [...req.word].reverse().join('') }) },
  validator: {
    challenge: (ctx) => {
      const word = Array.from({ length: 8 }, () => String.fromCharCode(97 + ctx.random.int(0, 25))).join('');
      return { request: { word }, truth: [...word].reverse().join('') };
    },
    reward: (responses, truth) => responses.map((r) => (r.reversed === truth ? 1 : 0)),
  },
  adversaries: {
    lazy: () => ({ reversed: '' }),
    random: (_req, ctx) => ({ reversed: String(ctx.random.next()) }),
  },
});
