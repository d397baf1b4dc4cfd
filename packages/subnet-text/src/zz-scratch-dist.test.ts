import { createLogger, createModelRuntime, createRandom } from '@subnetkit/core';
import { it } from 'vitest';
import { textModels } from './index.js';
import { loadPrompts } from './prompts.js';
import { agreement, cosine, words, echoShare } from './reward.js';

it('dist', { timeout: 300_000 }, async () => {
  const rt = createModelRuntime({ logger: createLogger({ level: 'silent' }), useFixtures: true, allowRemote: false });
  const m = rt.handles(textModels);
  const prompts = loadPrompts();
  const r = createRandom(9);
  const N = 40;
  const picked = Array.from({ length: N }, () => r.pick(prompts));
  const ask = { maxNewTokens: 16, minNewTokens: 16, doSample: false };
  const refs = await Promise.all(picked.map((p) => m.generator(p, ask)));
  const vec = await m.embedder(refs, { truncate: true });
  const randoms = picked.map((p) => Array.from({ length: 12 }, () => r.pick(r.pick(prompts).split(' '))).join(' '));
  const rvec = await m.embedder(randoms, { truncate: true });
  const pvec = await m.embedder(picked, { truncate: true });
  const rows: string[] = [];
  let stats = { meanK3: 0, maxK3: 0, meanK5: 0, maxK5: 0, rndMax3: 0 };
  for (let i = 0; i < N; i++) {
    const others = Array.from({ length: N }, (_, j) => j).filter((j) => j !== i);
    const cs = others.map((j) => cosine(vec[i]!, vec[j]!));
    const copy = cs[0]!; // copycat: answer to another prompt
    const ctr3 = cs.slice(1, 4), ctr5 = cs.slice(1, 6);
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    const above = (s: number, c: number) => Math.max(0, (s - c) / (1 - c));
    stats.meanK3 += above(copy, mean(ctr3)); stats.maxK3 += above(copy, Math.max(...ctr3));
    stats.meanK5 += above(copy, mean(ctr5)); stats.maxK5 += above(copy, Math.max(...ctr5));
    stats.rndMax3 += above(cosine(vec[i]!, rvec[i]!), Math.max(...ctr3));
    rows.push([copy, mean(ctr3), Math.max(...ctr3), cosine(vec[i]!, rvec[i]!), cosine(vec[i]!, pvec[i]!), agreement(words(refs[(i+1)%N]!), words(refs[i]!)), words(refs[i]!).length].map((x) => x.toFixed(3)).join(' '));
  }
  console.log(rows.join('\n'));
  console.log(Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, (v / N).toFixed(3)])));
  console.log(JSON.stringify(refs.slice(0, 5)));
  await rt.dispose();
});
