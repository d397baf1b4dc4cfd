import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { AnswerInfo, AnySubnet } from '../plugin/types.js';
import { updateScores } from './scores.js';
import type { PendingAnswer, ValidatorState } from './validator-state.js';

/** One miner's answer as the transport returns it (the response already schema-checked). */
export interface QueryResult {
  uid: number;
  hotkey: string;
  /** true when the miner answered in time with a response that passed the schema. */
  ok: boolean;
  status: number;
  response?: unknown;
  latencyMs: number;
}

export type AnyRewardContextBase = Omit<Parameters<AnySubnet['validator']['reward']>[2], 'answers'>;

/**
 * Scores one round: valid answers go to the subnet's `reward`, every other queried uid gets 0.
 * Returns the rewards per uid; checks the plugin's output (count, finite, in [0, 1]).
 */
export async function scoreRound(
  subnet: AnySubnet,
  results: readonly QueryResult[],
  truth: unknown,
  ctx: AnyRewardContextBase,
  timeoutMs: number,
): Promise<{ uid: number; hotkey: string; reward: number }[]> {
  const valid = results.filter((r) => r.ok);
  const answers: AnswerInfo[] = valid.map((r) => ({ uid: r.uid, hotkey: r.hotkey, latencyMs: r.latencyMs, timeoutMs }));
  const scores =
    valid.length > 0
      ? await subnet.validator.reward(
          valid.map((r) => r.response as Record<string, unknown>),
          truth,
          { ...ctx, answers },
        )
      : [];
  checkScores(subnet.name, scores, valid.length);
  const byUid = new Map(valid.map((r, i) => [r.uid, scores[i]!]));
  return results.map((r) => ({ uid: r.uid, hotkey: r.hotkey, reward: byUid.get(r.uid) ?? 0 }));
}

/** Scores answers kept for a deferred challenge once its truth is known. */
export async function scoreDeferred(
  subnet: AnySubnet,
  answers: readonly PendingAnswer[],
  truth: unknown,
  ctx: AnyRewardContextBase,
): Promise<{ uid: number; hotkey: string; reward: number }[]> {
  const infos: AnswerInfo[] = answers.map((a) => ({
    uid: a.uid,
    hotkey: a.hotkey,
    latencyMs: a.latencyMs,
    timeoutMs: a.timeoutMs,
  }));
  const scores =
    answers.length > 0
      ? await subnet.validator.reward(
          answers.map((a) => a.response as Record<string, unknown>),
          truth,
          { ...ctx, answers: infos },
        )
      : [];
  checkScores(subnet.name, scores, answers.length);
  return answers.map((a, i) => ({ uid: a.uid, hotkey: a.hotkey, reward: scores[i]! }));
}

/** Applies rewards to the state's moving averages, skipping uids whose hotkey changed since. */
export function applyRewards(
  state: ValidatorState,
  rewards: readonly { uid: number; hotkey: string; reward: number }[],
  currentHotkeys: readonly string[],
  alpha?: number,
): ValidatorState {
  // a late score is for the hotkey that answered; if the uid changed hands, it is dropped
  const attributable = rewards.filter((r) => currentHotkeys[r.uid] === r.hotkey);
  return { ...state, scores: updateScores(state.scores, attributable, alpha) };
}

function checkScores(subnet: string, scores: readonly number[], expected: number): void {
  if (!Array.isArray(scores) || scores.length !== expected) {
    throw pluginOutputError(
      subnet,
      `reward returned ${Array.isArray(scores) ? scores.length : typeof scores} scores for ${expected} responses`,
    );
  }
  const bad = scores.findIndex((s) => typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 1);
  if (bad >= 0)
    throw pluginOutputError(
      subnet,
      `reward returned ${String(scores[bad])} at index ${bad}; scores must be finite numbers in [0, 1]`,
    );
}

/** A plugin broke its contract: charged to the subnet (the round scores nothing). */
function pluginOutputError(subnet: string, message: string): SubnetkitError {
  return new SubnetkitError('SK_PLUGIN_BAD_OUTPUT', `subnet '${subnet}': ${message}`, { subnet });
}
