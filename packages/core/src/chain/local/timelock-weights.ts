import { decodeLegacyWeightsPayload, decodeWeightsPayload, type WeightsTlockPayload } from '../../timelock/payload.js';
import { timelockDecrypt } from '../../timelock/tle.js';
import type { ChainCall } from '../types.js';
import { blake2Hex, fromHex } from './codec.js';
import { publicKeyOf } from './crypto.js';
import { lastStoredRound, pulseSignature } from './drand.js';
import { type CallContext, setWeights } from './set-weights.js';
import { type ChainState, fail, type Subnet } from './state.js';

/** One TimelockedWeightCommits entry: (who, commit_block, commit, reveal_round). */
export interface TimelockedCommit {
  hotkey: string;
  block: number;
  /** 0x-hex ciphertext. */
  commit: string;
  revealRound: bigint;
}

/** TimelockedWeightCommits[netuid_index][epoch]. */
export const timelockKey = (netuid: number, epoch: number) => `T:${netuid}:${epoch}`;

export function timelockedCommits(st: ChainState, netuid: number, epoch: number): TimelockedCommit[] {
  return st.store.get<TimelockedCommit[]>(timelockKey(netuid, epoch)) ?? [];
}

/** Every (epoch, commits) queue of a subnet, ascending by epoch. */
export function timelockedQueues(st: ChainState, netuid: number): { epoch: number; commits: TimelockedCommit[] }[] {
  const prefix = `T:${netuid}:`;
  return st.store
    .keysWithPrefix(prefix)
    .map((k) => ({ epoch: Number(k.slice(prefix.length)), commits: st.store.get<TimelockedCommit[]>(k) ?? [] }))
    .sort((a, b) => a.epoch - b.epoch);
}

/**
 * commit_timelocked_weights / commit_timelocked_mechanism_weights (subtensor
 * internal_commit_timelocked_weights; chain.md §8.4): checks, then queue the ciphertext for the
 * automatic reveal. The ciphertext is not inspected here, as on the chain.
 */
export function commitTimelocked(
  ctx: CallContext,
  a: { netuid: number; mecid?: number; commit: string; revealRound: bigint; commitRevealVersion: number },
): void {
  const { st, signer, block } = ctx;
  const s = st.subnetOrFail(a.netuid, 'MechanismDoesNotExist');
  // one mechanism per subnet locally (MechanismCountCurrent = 1)
  if ((a.mecid ?? 0) !== 0) fail('MechanismDoesNotExist');
  if (!s.hyper.commitRevealWeightsEnabled) fail('CommitRevealDisabled');
  if (a.commitRevealVersion !== s.hyper.commitRevealVersion) fail('IncorrectCommitRevealVersion');
  // the transaction extension's check (pool code 15 on the chain)
  if (a.revealRound < lastStoredRound(block, st.params)) fail('InvalidRevealRound');
  const uid = st.uidOf(a.netuid, signer);
  if (uid === undefined) fail('HotKeyNotRegisteredInSubNet');
  const nv = st.neurons(a.netuid);
  const last = nv.lastUpdate[uid] as number;
  if (last !== 0 && block - last < s.hyper.weightsRateLimit) fail('CommittingWeightsTooFast');
  const epoch = s.epochIndex;
  const queue = timelockedCommits(st, a.netuid, epoch);
  if (queue.filter((c) => c.hotkey === signer).length >= st.params.maxCommits) fail('TooManyUnrevealedCommits');
  const commit = a.commit.toLowerCase();
  st.store.set(timelockKey(a.netuid, epoch), [...queue, { hotkey: signer, block, commit, revealRound: a.revealRound }]);
  const lastUpdate = nv.lastUpdate.slice();
  lastUpdate[uid] = block;
  st.setNeurons(a.netuid, { ...nv, lastUpdate });
  const bytes = fromHex(commit) ?? new Uint8Array();
  ctx.emit('TimelockedWeightsCommitted', {
    hotkey: signer,
    netuidIndex: a.netuid,
    hash: blake2Hex(bytes),
    revealRound: a.revealRound,
  });
}

/**
 * Checks subtensor's transaction extension makes before a call enters the pool (check_weights.rs):
 * a timelocked commit to a round older than Drand.LastStoredRound is refused (custom code 15).
 */
export function poolValidate(st: ChainState, block: number, call: ChainCall): void {
  if (call.method !== 'commit_timelocked_weights' && call.method !== 'commit_timelocked_mechanism_weights') return;
  if (call.args.revealRound < lastStoredRound(block, st.params)) {
    fail('InvalidRevealRound', `reveal round ${call.args.revealRound} is older than the last stored drand round`);
  }
}

type Emit = (name: string, data: Record<string, unknown>) => void;

/**
 * reveal_crv3_commits for one subnet at the start of block `block` (before its epoch):
 * `dueNow` says whether the subnet's epoch runs in this block (the epoch index lookahead).
 * Commits of epoch `current − reveal_period` whose pulse is stored are decrypted and applied as
 * the committer's weights; those without a pulse wait for the next block; older queues, and
 * commits that fail to decrypt, decode or apply, are dropped without an event (as on the chain).
 */
export function revealTimelockedForSubnet(st: ChainState, s: Subnet, block: number, dueNow: boolean, emit: Emit): void {
  if (s.netuid === 0) return;
  const current = s.epochIndex + (dueNow ? 1 : 0);
  const period = s.hyper.commitRevealPeriod;
  const queues = timelockedQueues(st, s.netuid);
  if (queues.length === 0) return;
  const revealEpoch = current - period;
  for (const q of queues) if (q.epoch < revealEpoch) st.store.delete(timelockKey(s.netuid, q.epoch));
  if (current < period) return;
  const due = queues.find((q) => q.epoch === revealEpoch);
  if (!due) return;
  const waiting: TimelockedCommit[] = [];
  for (const c of due.commits) {
    // pulses are written by extrinsics, so on_initialize sees those of the previous block
    const signature = pulseSignature(st, c.revealRound, block - 1);
    if (!signature) {
      if (c.revealRound > lastStoredRound(block - 1, st.params)) waiting.push(c);
      continue;
    }
    // each reveal is all or nothing, like an extrinsic
    st.store.savepoint();
    const events: [string, Record<string, unknown>][] = [];
    if (revealOne(st, s.netuid, block, c, signature, (name, data) => events.push([name, data]))) {
      st.store.release();
      for (const [name, data] of events) emit(name, data);
      emit('TimelockedWeightsRevealed', { netuidIndex: s.netuid, hotkey: c.hotkey });
    } else st.store.rollback();
  }
  if (waiting.length > 0) st.store.set(timelockKey(s.netuid, revealEpoch), waiting);
  else st.store.delete(timelockKey(s.netuid, revealEpoch));
}

function revealOne(
  st: ChainState,
  netuid: number,
  block: number,
  c: TimelockedCommit,
  signature: Uint8Array,
  emit: Emit,
): boolean {
  try {
    const plain = timelockDecrypt(c.commit, signature);
    let payload: Omit<WeightsTlockPayload, 'hotkey'>;
    try {
      const current = decodeWeightsPayload(plain);
      const pk = publicKeyOf(c.hotkey);
      // the payload must name its committer
      if (!pk || Buffer.compare(Buffer.from(pk), Buffer.from(current.hotkey)) !== 0) return false;
      payload = current;
    } catch {
      // the chain's fallback to the v3 payload, applied as the committer's weights
      payload = decodeLegacyWeightsPayload(plain);
    }
    const ctx: CallContext = { st, block, signer: c.hotkey, emit: (name, data) => emit(name, data) };
    // all of set_weights' checks run before its first write, so a refusal leaves nothing behind
    setWeights(ctx, netuid, payload.uids, payload.values, payload.versionKey, true);
    return true;
  } catch {
    // any failure drops the commit, as on the chain: a crafted ciphertext must never stop block production
    return false;
  }
}
