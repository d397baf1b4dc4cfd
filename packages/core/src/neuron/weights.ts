import type { SubnetHyperparameters } from '../chain/types.js';
import { convertWeightsAndUidsForEmit, processWeights } from '../protocol/weights.js';
import type { UidScore } from './scores.js';

/**
 * Turns moving-average scores into the u16 weights set_weights takes, applying the subnet's
 * min-allowed-weights and max-weight-limit rules the way the SDK does (process_weights), then
 * the u16 conversion. Scores of uids whose hotkey changed are ignored.
 *
 * `power` sharpens: each score is raised to it before normalising, so with power p a miner
 * scoring twice another's gets 2^p times its weight (1 keeps weights linear in the scores).
 */
export function weightsFromScores(
  scores: readonly UidScore[],
  hotkeys: readonly string[],
  hyper: Pick<SubnetHyperparameters, 'minAllowedWeights' | 'maxWeightsLimit'>,
  power = 1,
): { uids: number[]; weights: number[] } {
  if (!(Number.isFinite(power) && power > 0)) throw new RangeError(`weight power ${power} must be a positive number`);
  const n = hotkeys.length;
  const raw = new Array<number>(n).fill(0);
  for (const s of scores) if (s.uid < n && hotkeys[s.uid] === s.hotkey) raw[s.uid] = s.score ** power;
  const uids = Array.from({ length: n }, (_, i) => i);
  const processed = processWeights({
    uids,
    weights: raw,
    numNeurons: n,
    minAllowedWeights: hyper.minAllowedWeights,
    maxWeightLimit: hyper.maxWeightsLimit / 65535,
  });
  return convertWeightsAndUidsForEmit(processed.uids, processed.weights);
}
