/**
 * Which miners answer an application's request, and how: the best `topK` by incentive, of which
 * `hedge` are asked at once; the first valid answer wins. Answers are schema-checked by the
 * dendrite (an invalid one is a failure, never a winner).
 */
import type { Metagraph } from '../chain/types.js';
import { dialableIp } from '../neuron/axon-address.js';
import type { AxonTarget, Dendrite } from '../protocol/dendrite.js';
import type { Synapse } from '../protocol/synapse.js';
import type { Random } from '../util/random.js';

export interface MinerTarget {
  uid: number;
  axon: AxonTarget;
  incentive: number;
}

/** One miner's answer, with its uid (what the validator's scoring takes). */
export interface MinerAnswer {
  uid: number;
  hotkey: string;
  ok: boolean;
  status: number;
  message: string;
  latencyMs: number;
  response?: unknown;
}

/** Miners serving an axon, best incentive first (ties by uid), other than `self`, at most `k`. */
export function bestMiners(m: Metagraph, k: number, self?: string): MinerTarget[] {
  return m.uids
    .flatMap((uid) => {
      const axon = m.axons[uid];
      const hotkey = m.hotkeys[uid];
      if (!axon || axon.port === 0 || hotkey === undefined || hotkey === self) return [];
      return [{ uid, axon: { ip: dialableIp(axon.ip), port: axon.port, hotkey }, incentive: m.incentive[uid] ?? 0 }];
    })
    .sort((a, b) => b.incentive - a.incentive || a.uid - b.uid)
    .slice(0, Math.max(1, k));
}

/** `n` of the candidates, drawn at random so the top-k share the traffic. */
export function pickHedge(candidates: readonly MinerTarget[], n: number, random: Random): MinerTarget[] {
  return random.shuffle(candidates).slice(0, Math.max(1, n));
}

export interface HedgedResult {
  /** The first valid answer, if any. */
  winner: MinerAnswer | undefined;
  /** Every asked miner's outcome once all settled (losers cancelled unless `keepLosers`). */
  all: Promise<MinerAnswer[]>;
}

/**
 * Asks every target at once and resolves with the first valid answer. Unless `keepLosers` (a
 * spot-check wants every answer), the others are cancelled as soon as one wins.
 */
export async function hedgedQuery(
  dendrite: Dendrite,
  targets: readonly MinerTarget[],
  synapse: Synapse,
  request: Record<string, unknown>,
  options: { timeoutMs: number; keepLosers: boolean; signal?: AbortSignal },
): Promise<HedgedResult> {
  const cancels = targets.map(() => new AbortController());
  const calls = targets.map((t, i) =>
    dendrite
      .query(t.axon, synapse, request as never, {
        timeoutMs: options.timeoutMs,
        signal: options.signal ? AbortSignal.any([cancels[i]!.signal, options.signal]) : cancels[i]!.signal,
      })
      .then(
        (r): MinerAnswer => ({
          uid: t.uid,
          hotkey: t.axon.hotkey,
          ok: r.ok,
          status: r.status,
          message: r.message,
          latencyMs: r.latencyMs,
          ...(r.ok ? { response: r.response } : {}),
        }),
      ),
  );
  const winner = await new Promise<MinerAnswer | undefined>((resolve) => {
    let settled = 0;
    for (const call of calls)
      void call.then((r) => {
        settled += 1;
        if (r.ok) resolve(r);
        else if (settled === calls.length) resolve(undefined);
      });
  });
  if (winner && !options.keepLosers) for (const c of cancels) c.abort();
  return { winner, all: Promise.all(calls) };
}

/** A stream that a miner accepted, and how to stop it. */
export interface AcceptedStream {
  target: MinerTarget;
  latencyMs: number;
  chunks: AsyncIterable<unknown>;
  cancel(): void;
}

/**
 * Opens a stream to every target at once and keeps the first that a miner accepts; the others are
 * cancelled (and drained, so their connections and deadlines are released). Undefined when none
 * accepted, with the failures' statuses.
 */
export async function hedgedStream(
  dendrite: Dendrite,
  targets: readonly MinerTarget[],
  synapse: Synapse,
  request: Record<string, unknown>,
  options: { timeoutMs: number },
): Promise<{ accepted: AcceptedStream | undefined; statuses: number[] }> {
  const cancels = targets.map(() => new AbortController());
  const statuses: number[] = [];
  const opened = targets.map((t, i) =>
    dendrite.stream(t.axon, synapse, request as never, { timeoutMs: options.timeoutMs, signal: cancels[i]!.signal }),
  );
  const first = await new Promise<number | undefined>((resolve) => {
    let settled = 0;
    opened.forEach((p, i) => {
      void p.then((r) => {
        settled += 1;
        if (r.ok) resolve(i);
        else statuses.push(r.status);
        if (settled === opened.length) resolve(undefined);
      });
    });
  });
  opened.forEach((p, i) => {
    if (i === first) return;
    cancels[i]!.abort();
    void p.then(async (r) => {
      if (!r.ok) return;
      try {
        for await (const _ of r.chunks) break;
      } catch {
        // cancelled on purpose
      }
    });
  });
  if (first === undefined) return { accepted: undefined, statuses };
  const r = await opened[first]!;
  if (!r.ok) return { accepted: undefined, statuses };
  return {
    accepted: {
      target: targets[first]!,
      latencyMs: r.latencyMs,
      chunks: r.chunks,
      cancel: () => cancels[first]!.abort(),
    },
    statuses,
  };
}
