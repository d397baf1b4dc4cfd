import { blake2AsHex } from '@polkadot/util-crypto';
import { isSubnetkitError } from '../../errors/subnetkit-error.js';
import type { ChainCall } from '../types.js';
import { applyCall } from './calls.js';
import { applyChildkeyCall, CHILDKEY_CALLS, type ChildkeyCall } from './childkeys.js';
import type { EngineCall, RemarkCall } from './extrinsic.js';
import type { CallContext } from './set-weights.js';
import { applyStakeMove, type StakeMoveCall } from './stake-moves.js';

/**
 * Applies an engine call: remarks and pallet-utility batches here, everything else through
 * `applyCall`. Batch items run in their own savepoint (FRAME dispatches are transactional), with
 * pallet-utility's events: `ItemCompleted` / `ItemFailed`, then `BatchCompleted`,
 * `BatchCompletedWithErrors` (force_batch) or `BatchInterrupted` (batch stops at the first
 * failure; the extrinsic still succeeds). `batch_all` fails as a whole with the item's error.
 */
export function applyEngineCall(ctx: CallContext, call: EngineCall): void {
  if (call.pallet === 'Utility') {
    applyBatch(ctx, call.method, call.args.calls);
    return;
  }
  if (isStakeMove(call)) {
    applyStakeMove(ctx, call);
    return;
  }
  if (isChildkeyCall(call)) {
    applyChildkeyCall(ctx, call);
    return;
  }
  applyItem(ctx, call);
}

const STAKE_MOVES = new Set([
  'move_stake',
  'transfer_stake',
  'swap_stake',
  'unstake_all',
  'register_network_with_identity',
  'add_stake_limit',
  'remove_stake_limit',
]);
const isStakeMove = (call: EngineCall): call is StakeMoveCall => STAKE_MOVES.has(call.method);
const isChildkeyCall = (call: EngineCall): call is ChildkeyCall => CHILDKEY_CALLS.has(call.method);

/** The calls a pool validates for an extrinsic: a batch's items, or the call itself (stake moves need none). */
export function innerCalls(call: EngineCall): (ChainCall | RemarkCall)[] {
  if (call.pallet === 'Utility') return call.args.calls;
  return isStakeMove(call) || isChildkeyCall(call) ? [] : [call];
}

function applyItem(ctx: CallContext, call: ChainCall | RemarkCall): void {
  if (call.pallet === 'System') {
    if (call.method === 'remark_with_event') {
      ctx.emit('Remarked', { sender: ctx.signer, hash: blake2AsHex(call.args.remark, 256) }, 'System');
    }
    return;
  }
  applyCall(ctx, call);
}

function applyBatch(
  ctx: CallContext,
  mode: 'batch' | 'batch_all' | 'force_batch',
  calls: (ChainCall | RemarkCall)[],
): void {
  const store = ctx.st.store;
  let failures = 0;
  for (const [index, call] of calls.entries()) {
    const events: [string, Record<string, unknown>, string | undefined][] = [];
    const itemCtx: CallContext = { ...ctx, emit: (name, data, pallet) => events.push([name, data, pallet]) };
    store.savepoint();
    try {
      applyItem(itemCtx, call);
      store.release();
    } catch (err) {
      store.rollback();
      // batch_all: the whole extrinsic fails with the item's error (its savepoint undoes the rest)
      if (mode === 'batch_all' || !isSubnetkitError(err)) throw err;
      const error = String(err.details.chainError ?? 'Other');
      if (mode === 'batch') {
        ctx.emit('BatchInterrupted', { index, error }, 'Utility');
        return;
      }
      failures++;
      ctx.emit('ItemFailed', { error }, 'Utility');
      continue;
    }
    for (const [name, data, pallet] of events) ctx.emit(name, data, pallet);
    ctx.emit('ItemCompleted', {}, 'Utility');
  }
  ctx.emit(failures > 0 ? 'BatchCompletedWithErrors' : 'BatchCompleted', {}, 'Utility');
}
