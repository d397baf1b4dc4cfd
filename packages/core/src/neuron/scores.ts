/**
 * Validator score bookkeeping: an exponential moving average per uid, keyed by the hotkey that
 * held the uid when it was scored. Pure functions over plain data, so they persist as JSON.
 */

export interface UidScore {
  uid: number;
  hotkey: string;
  score: number;
}

/** Default EMA factor: the SDK template's 0.1 (a new reward moves the score by 10 %). */
export const DEFAULT_SCORE_ALPHA = 0.1;

/**
 * Folds rewards into the moving averages. A uid whose hotkey changed (deregistered and taken by
 * someone else) restarts from 0 before the reward is applied: the newcomer inherits nothing.
 * Rewards must be finite and in [0, 1]; the result stays in [0, 1].
 */
export function updateScores(
  scores: readonly UidScore[],
  rewards: readonly { uid: number; hotkey: string; reward: number }[],
  alpha = DEFAULT_SCORE_ALPHA,
): UidScore[] {
  const byUid = new Map(scores.map((s) => [s.uid, { ...s }]));
  for (const { uid, hotkey, reward } of rewards) {
    if (!Number.isFinite(reward) || reward < 0 || reward > 1)
      throw new RangeError(`reward ${reward} for uid ${uid} is not in [0, 1]`);
    const prev = byUid.get(uid);
    const base = prev && prev.hotkey === hotkey ? prev.score : 0;
    byUid.set(uid, { uid, hotkey, score: clamp01(alpha * reward + (1 - alpha) * base) });
  }
  return [...byUid.values()].sort((a, b) => a.uid - b.uid);
}

/** Drops scores whose uid now belongs to another hotkey (or no longer exists). */
export function resetChangedHotkeys(scores: readonly UidScore[], hotkeys: readonly string[]): UidScore[] {
  return scores.filter((s) => s.uid < hotkeys.length && hotkeys[s.uid] === s.hotkey);
}

function clamp01(x: number): number {
  return x < 0 ? 0 : Math.min(x, 1);
}
