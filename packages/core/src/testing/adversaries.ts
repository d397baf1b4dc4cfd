/**
 * The standard cheating strategies, as miner behaviours a test network can run next to honest
 * miners. None of them runs the subnet's model at answer time: each stands for a way to be paid
 * without doing the work (guess the challenge, look the answer up, copy it, send the cheap
 * baseline, or break the validator with a bad answer).
 */

import type { AnySubnet } from '../plugin/types.js';
import { createRandom, type Random } from '../util/random.js';
import type { CustomProfile, MinerHandler } from './profiles.js';

/**
 * Turns a challenge's truth (or, for deferred challenges, what the validator keeps until the truth
 * arrives) into the answer that earns the most, for the strategies that recover it (replay,
 * answer key). Without it they can only show that they found it (`hits`).
 */
// biome-ignore lint/suspicious/noExplicitAny: truths and responses are the subnet's own types
export type AnswerFromTruth = (truth: any, request: Record<string, unknown>) => unknown;

/** Counts how often a strategy recovered a challenge it should not have been able to know. */
export interface Hits {
  count: number;
}

// biome-ignore lint/suspicious/noExplicitAny: erased plugin context
type AnyCtx = any;

function canonical(subnet: AnySubnet, request: unknown): string | undefined {
  const parsed = subnet.task.request.safeParse(request);
  return parsed.success ? JSON.stringify(parsed.data) : undefined;
}

async function makeChallenge(subnet: AnySubnet, ctx: AnyCtx, random: Random, step: number) {
  return subnet.validator.challenge({ ...ctx, random, step, target: undefined } as never);
}

/** The cheapest fallback: the subnet's lazy answer, else an empty object (scored 0). */
function fallback(subnet: AnySubnet): MinerHandler {
  const lazy = subnet.adversaries?.lazy;
  return async (req, ctx) => (lazy ? lazy(req, ctx) : {});
}

/**
 * Where a validator's random stream came from before challenges drew on OS entropy: the public
 * seed and the neuron name the host forks it by (`subnetkit run`, then localnet and the test kit).
 */
export function publicStreams(subnet: string): { seed: string; neuron: string }[] {
  return [
    { seed: 'subnetkit', neuron: `${subnet}/validator` },
    { seed: 'localnet', neuron: `${subnet}/validator-0` },
    { seed: 'test', neuron: `${subnet}/validator-0` },
  ];
}

/**
 * Random-source replay: re-derives the validator's random streams from public seeds, neuron names
 * and step labels, regenerates each candidate challenge and, when one equals the request, answers
 * from what the validator keeps. Candidates are cached (a real attacker precomputes them), so
 * each call costs a few new challenges. Counts its successes in `hits`.
 */
export function replayAdversary(
  options: { answerFromTruth?: AnswerFromTruth; streams?: { seed: string; neuron: string }[]; hits?: Hits } = {},
): CustomProfile {
  const candidates = new Map<string, Promise<{ request: string | undefined; known: unknown }>>();
  return {
    profile: 'replay',
    create({ subnet }) {
      const streams = options.streams ?? publicStreams(subnet.name);
      let calls = 0;
      const candidate = (ctx: AnyCtx, seed: string, neuron: string, step: number) => {
        const key = `${seed}/${neuron}/${step}`;
        let c = candidates.get(key);
        if (!c) {
          c = makeChallenge(subnet, ctx, createRandom(`${seed}/${neuron}`).fork(`step-${step}`), step).then((ch) => ({
            request: canonical(subnet, ch.request),
            known: ch.truth ?? ch.deferred,
          }));
          candidates.set(key, c);
        }
        return c;
      };
      return async (req, ctx) => {
        calls += 1;
        const want = canonical(subnet, req);
        // the validator steps once per block and asks every miner: its step is close to our call count
        for (const { seed, neuron } of streams) {
          for (const step of [calls, calls + 1, calls - 1]) {
            if (step < 1) continue;
            const c = await candidate(ctx, seed, neuron, step);
            if (c.request !== want) continue;
            if (options.hits) options.hits.count += 1;
            if (options.answerFromTruth && c.known !== undefined) return options.answerFromTruth(c.known, req);
          }
        }
        return fallback(subnet)(req, ctx);
      };
    },
  };
}

/** An answer-key table: challenges generated offline, by request, with their truths. */
export interface AnswerKey {
  table: Map<string, unknown>;
}

/**
 * Builds an answer key offline: `size` challenges drawn the way a validator draws them (its
 * challenge function, fresh random streams), kept by request. A finite challenge pool repeats
 * them; an unbounded one does not.
 */
export async function buildAnswerKey(
  subnet: AnySubnet,
  ctx: { options: unknown; models: unknown; log: unknown; subnet?: string; netuid?: number },
  size = 32,
): Promise<AnswerKey> {
  const table = new Map<string, unknown>();
  const base = { subnet: subnet.name, netuid: 1, block: 0, signal: new AbortController().signal, ...ctx };
  for (let i = 0; i < size; i++) {
    const challenge = await makeChallenge(subnet, base, createRandom(`answer-key/${i}`), i + 1);
    const key = canonical(subnet, challenge.request);
    const known = challenge.truth ?? challenge.deferred;
    if (key !== undefined && known !== undefined) table.set(key, known);
  }
  return { table };
}

/** Answer-key cache: answers from the offline table when the request is in it, else lazily. */
export function answerKeyAdversary(
  key: AnswerKey,
  options: { answerFromTruth?: AnswerFromTruth; hits?: Hits } = {},
): CustomProfile {
  return {
    profile: 'answer-key',
    create({ subnet }) {
      return async (req, ctx) => {
        const want = canonical(subnet, req);
        if (want !== undefined && key.table.has(want)) {
          if (options.hits) options.hits.count += 1;
          if (options.answerFromTruth) return options.answerFromTruth(key.table.get(want), req);
        }
        return fallback(subnet)(req, ctx);
      };
    },
  };
}

/** One of the subnet's declared cheap baselines, as a miner (`baseline:<name>`). */
export function baselineAdversary(name: string): CustomProfile {
  return {
    profile: `baseline:${name}`,
    create({ subnet }) {
      const fn = subnet.adversaries?.baselines?.[name];
      if (!fn) throw new Error(`subnet '${subnet.name}' declares no baseline '${name}'`);
      return async (req, ctx) => fn(req, ctx);
    },
  };
}

/** Answers that break the response schema: wrong types, missing fields, not an object. */
export function malformedAdversary(): CustomProfile {
  return {
    profile: 'malformed',
    create({ subnet }) {
      const fields = Object.keys(subnet.task.response.shape);
      let n = 0;
      const shapes: (() => unknown)[] = [
        () => Object.fromEntries(fields.map((f) => [f, { nested: [1, 2, 3] }])),
        () => ({}),
        () => Object.fromEntries(fields.map((f) => [f, Number.NaN])),
        () => 'not an object',
        () => null,
      ];
      return async () => shapes[n++ % shapes.length]!();
    },
  };
}

/** Every response field filled with `bytes` of text: past schema limits and body caps. */
export function oversizedAdversary(bytes = 1024 * 1024 + 1): CustomProfile {
  return {
    profile: 'oversized',
    create({ subnet }) {
      const fields = Object.keys(subnet.task.response.shape);
      const blob = 'A'.repeat(bytes);
      return async () => Object.fromEntries(fields.map((f) => [f, blob]));
    },
  };
}

/** Copy of another miner: replays an honest miner's earlier answer (the built-in copycat). */
export const COPY_ADVERSARY = 'copycat' as const;

export type { AnyCtx as AdversaryContext };
