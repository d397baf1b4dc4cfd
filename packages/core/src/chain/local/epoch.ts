import { runEpoch } from '../../consensus/index.js';
import { packRows } from '../../consensus/packed.js';
import type { AnyEpochInput, EpochOutput, PackedRowsU16, SparseRowU16 } from '../../consensus/types.js';
import { packStoredBondRows, type StoredBondRow } from './bond-rows.js';
import { inheritedStake } from './childkeys.js';
import { activityCutoffBlocks } from './params.js';
import type { ChainState, Subnet } from './state.js';
import { timelockedQueues } from './timelock-weights.js';

/**
 * Each stored weights row packed, by row identity: store values are never mutated in place
 * (store.ts), so a row object always packs the same, and a new `set_weights` stores a new object.
 * Epochs then copy typed arrays instead of walking every tuple of a row that has not changed.
 */
const packedWeightRows = new WeakMap<SparseRowU16, PackedRowsU16>();
const EMPTY_ROW: PackedRowsU16 = { offsets: new Uint32Array(2), uids: new Uint16Array(0), values: new Uint16Array(0) };

/** The weights rows packed into one matrix, from the per-row cache. */
function packWeights(rows: readonly SparseRowU16[]): PackedRowsU16 {
  const parts = rows.map((row, uid) => {
    if (row.length === 0) return EMPTY_ROW;
    let p = packedWeightRows.get(row);
    if (p === undefined) {
      p = packRows([row], `weights of uid ${uid}`);
      packedWeightRows.set(row, p);
    }
    return p;
  });
  let total = 0;
  for (const p of parts) total += p.uids.length;
  const offsets = new Uint32Array(rows.length + 1);
  const uids = new Uint16Array(total);
  const values = new Uint16Array(total);
  let len = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as PackedRowsU16;
    uids.set(p.uids, len);
    values.set(p.values, len);
    len += p.uids.length;
    offsets[i + 1] = len;
  }
  return { offsets, uids, values };
}

/** Earliest block of each hotkey's timelocked commits still queued (unrevealed, unexpired). */
function firstTimelockedCommit(st: ChainState, s: Subnet): Map<string, number> {
  const current = s.epochIndex + 1;
  const first = new Map<string, number>();
  for (const q of timelockedQueues(st, s.netuid)) {
    if (current > q.epoch + s.hyper.commitRevealPeriod) continue;
    for (const c of q.commits) first.set(c.hotkey, Math.min(first.get(c.hotkey) ?? c.block, c.block));
  }
  return first;
}

/**
 * The one mapping from chain state to the Yuma epoch's input (consensus.md §3). Weights and bonds
 * go in packed (`PackedRowsU16`): bonds straight from their stored bytes, with no tuples.
 */
export function buildEpochInput(st: ChainState, s: Subnet, block: number, emission: bigint): AnyEpochInput {
  const nv = st.neurons(s.netuid);
  const n = nv.hotkeys.length;
  const h = s.hyper;
  const ownerUid = st.uidOf(s.netuid, s.ownerHotkey) ?? null;
  const stake: bigint[] = [];
  const taoStake: bigint[] = [];
  const weights: SparseRowU16[] = [];
  const bonds: (StoredBondRow | undefined)[] = [];
  const commitBlock: (bigint | null)[] = [];
  const timelocked = h.commitRevealWeightsEnabled ? firstTimelockedCommit(st, s) : new Map<string, number>();
  for (let uid = 0; uid < n; uid++) {
    const hk = nv.hotkeys[uid] as string;
    // stake after childkey inheritance (chain.md §9.3); the identity without children/parents
    const inherited = inheritedStake(st, s.netuid, hk);
    stake.push(inherited.alpha);
    taoStake.push(inherited.tao);
    weights.push(st.weights(s.netuid, uid));
    bonds.push(st.bondRow(s.netuid, uid));
    if (h.commitRevealWeightsEnabled) {
      // the epoch is due in this block, so the current epoch counts one ahead (consensus.md §3.4)
      const current = s.epochIndex + 1;
      const live = st.commits(s.netuid, hk).filter((c) => current <= c.epoch + h.commitRevealPeriod);
      const blocks = live.map((c) => c.block);
      const tl = timelocked.get(hk);
      if (tl !== undefined) blocks.push(tl);
      commitBlock.push(blocks.length > 0 ? BigInt(Math.min(...blocks)) : null);
    } else commitBlock.push(null);
  }
  return {
    n,
    block: BigInt(block),
    emission,
    ownerUid,
    hyperparameters: {
      kappa: h.kappa,
      bondsMovingAverage: h.bondsMovingAvg,
      bondsPenalty: h.bondsPenalty,
      tempo: h.tempo,
      activityCutoffFactorMilli: h.activityCutoffFactorMilli,
      activityCutoffBlocks: BigInt(activityCutoffBlocks(h)),
      maxAllowedValidators: h.maxAllowedValidators,
      stakeThreshold: st.params.stakeThreshold,
      yuma3: h.yuma3Enabled,
      liquidAlpha: h.liquidAlphaEnabled,
      alphaLow: h.alphaLow,
      alphaHigh: h.alphaHigh,
      alphaSigmoidSteepness: h.alphaSigmoidSteepness,
      taoWeight: st.params.taoWeight,
      commitReveal: h.commitRevealWeightsEnabled,
      bondsReset: h.bondsResetEnabled,
      lastMechanismStepBlock: BigInt(s.lastMechStepBlock),
    },
    stake,
    taoStake,
    weights: packWeights(weights),
    bonds: packStoredBondRows(bonds),
    validatorPermit: nv.validatorPermit.slice(),
    lastUpdate: nv.lastUpdate.map(BigInt),
    blockAtRegistration: nv.blockAtRegistration.map(BigInt),
    commitBlock,
  };
}

/** Runs the Yuma epoch on a subnet and writes its storage-visible outputs (consensus.md §4.14). */
export function runSubnetEpoch(st: ChainState, s: Subnet, block: number, emission: bigint): EpochOutput {
  const input = buildEpochInput(st, s, block, emission);
  const out = runEpoch(input);
  const nv = st.neurons(s.netuid);
  st.setNeurons(s.netuid, {
    ...nv,
    active: out.active.slice(),
    validatorPermit: out.validatorPermitNew.slice(),
    emission: out.emission.slice(),
    incentive: out.incentiveU16.slice(),
    dividends: out.dividendsU16.slice(),
    consensus: out.consensusU16.slice(),
    validatorTrust: out.validatorTrustU16.slice(),
    stakeWeight: out.stakeWeightU16.slice(),
    rank: out.rankU16.slice(),
    trust: out.trustU16.slice(),
    pruningScore: out.pruningScoreU16.slice(),
  });
  // runEpoch always sets the packed rows; the tuple rows are never built on this path
  const packed = out.bondsPacked ?? packRows(out.bondsU16);
  for (let uid = 0; uid < out.n; uid++) st.setBondRow(s.netuid, uid, packed, uid);
  return out;
}
