import type { CallContext } from './set-weights.js';
import { type ChainState, fail } from './state.js';

/**
 * Childkeys (chain.md §9.3, §9.4): `set_children` queues a parent's new child list in
 * `PendingChildKeys`; the first epoch of the subnet after the cooldown applies it to `ChildKeys` /
 * `ParentKeys`, which then move stake weight from parent to children in the epoch input.
 * `set_childkey_take` sets the take a child keeps of the dividends its parents' stake earns it.
 */

const U64_MAX = 0xffff_ffff_ffff_ffffn;
/** At most this many children per parent and subnet. */
export const MAX_CHILDREN = 5;

/** A (proportion of u64::MAX, hotkey) pair, as subtensor stores children and parents. */
export type ChildLink = [proportion: bigint, hotkey: string];

export interface PendingChildren {
  children: ChildLink[];
  /** The first block at which an epoch may apply the change. */
  coolDownBlock: number;
}

export type ChildkeyCall =
  | {
      pallet: 'SubtensorModule';
      method: 'set_children';
      args: { hotkey: string; netuid: number; children: ChildLink[] };
    }
  | { pallet: 'SubtensorModule'; method: 'set_childkey_take'; args: { hotkey: string; netuid: number; take: number } };

export const CHILDKEY_CALLS = new Set(['set_children', 'set_childkey_take']);

/** Storage keys (distinct prefixes so no per-subnet `c:` scan picks them up). */
export const CK = {
  children: (n: number, hk: string) => `ck:${n}:${hk}`,
  parents: (n: number, hk: string) => `cp:${n}:${hk}`,
  pending: (n: number, hk: string) => `cq:${n}:${hk}`,
  take: (n: number, hk: string) => `ct:${n}:${hk}`,
  lastSet: (n: number, hk: string) => `cr:${n}:${hk}`,
  lastTake: (hk: string) => `cT:${hk}`,
} as const;

export const childrenOf = (st: ChainState, netuid: number, hotkey: string): ChildLink[] =>
  st.store.get<ChildLink[]>(CK.children(netuid, hotkey)) ?? [];
export const parentsOf = (st: ChainState, netuid: number, hotkey: string): ChildLink[] =>
  st.store.get<ChildLink[]>(CK.parents(netuid, hotkey)) ?? [];
export const pendingChildrenOf = (st: ChainState, netuid: number, hotkey: string): PendingChildren | undefined =>
  st.store.get<PendingChildren>(CK.pending(netuid, hotkey));
export const childkeyTakeOf = (st: ChainState, netuid: number, hotkey: string): number =>
  st.store.get<number>(CK.take(netuid, hotkey)) ?? st.params.minChildkeyTake;

export function applyChildkeyCall(ctx: CallContext, call: ChildkeyCall): void {
  if (call.method === 'set_children') setChildren(ctx, call.args.hotkey, call.args.netuid, call.args.children);
  else setChildkeyTake(ctx, call.args.hotkey, call.args.netuid, call.args.take);
}

/** §9.4 checks, all before any write; the change is only scheduled here. */
function setChildren(ctx: CallContext, hotkey: string, netuid: number, children: ChildLink[]): void {
  const { st, signer, block } = ctx;
  if (netuid === 0) fail('RegistrationNotPermittedOnRootSubnet');
  st.subnetOrFail(netuid, 'SubNetworkDoesNotExist');
  if (st.ownerOf(hotkey) !== signer) fail('NonAssociatedColdKey');
  const last = st.store.get<number>(CK.lastSet(netuid, hotkey));
  if (last !== undefined && block - last < st.params.setChildrenRateLimit) fail('TxRateLimitExceeded');
  if (children.length > MAX_CHILDREN) fail('TooManyChildren');
  const seen = new Set<string>();
  let sum = 0n;
  for (const [p, child] of children) {
    if (child === hotkey) fail('InvalidChild');
    if (seen.has(child)) fail('DuplicateChild');
    seen.add(child);
    sum += p;
  }
  if (sum > U64_MAX) fail('ProportionOverflow');
  // removing every child needs no stake; the subnet owner hotkey is exempt like in set_weights
  const exempt = children.length === 0 || st.subnet(netuid)?.ownerHotkey === hotkey;
  if (!exempt && ownStakeWeight(st, netuid, hotkey) < st.params.stakeThreshold) fail('NotEnoughStakeToSetChildkeys');
  const coolDownBlock = block + st.params.pendingChildkeyCooldown;
  st.store.set(CK.pending(netuid, hotkey), { children: children.map(([p, c]) => [p, c]), coolDownBlock });
  st.store.set(CK.lastSet(netuid, hotkey), block);
  ctx.emit('SetChildrenScheduled', { hotkey, netuid, coolDownBlock, children: children.slice() });
}

function setChildkeyTake(ctx: CallContext, hotkey: string, netuid: number, take: number): void {
  const { st, signer, block } = ctx;
  st.subnetOrFail(netuid, 'SubNetworkDoesNotExist');
  if (st.ownerOf(hotkey) !== signer) fail('NonAssociatedColdKey');
  if (!Number.isInteger(take) || take < st.params.minChildkeyTake || take > st.params.maxChildkeyTake) {
    fail('InvalidChildkeyTake');
  }
  // only raising the take is rate limited: lowering it never hurts the parents
  const last = st.store.get<number>(CK.lastTake(hotkey));
  const raising = take > childkeyTakeOf(st, netuid, hotkey);
  if (raising && last !== undefined && block - last < st.params.childkeyTakeRateLimit) {
    fail('TxChildkeyTakeRateLimitExceeded');
  }
  st.store.set(CK.take(netuid, hotkey), take);
  if (raising) st.store.set(CK.lastTake(hotkey), block);
  ctx.emit('ChildKeyTakeSet', { hotkey, take });
}

/**
 * Applies every pending change of `netuid` whose cooldown has passed (chain.md §2.1 step 7, after
 * the subnet's epoch): old children lose the parent link, new children gain it.
 */
export function applyPendingChildkeys(
  st: ChainState,
  netuid: number,
  block: number,
  emit: (name: string, data: Record<string, unknown>) => void,
): void {
  const prefix = `cq:${netuid}:`;
  for (const key of st.store.keysWithPrefix(prefix).sort()) {
    const pending = st.store.get<PendingChildren>(key);
    if (pending === undefined || block < pending.coolDownBlock) continue;
    const parent = key.slice(prefix.length);
    for (const [, old] of childrenOf(st, netuid, parent)) {
      const rest = parentsOf(st, netuid, old).filter(([, p]) => p !== parent);
      if (rest.length === 0) st.store.delete(CK.parents(netuid, old));
      else st.store.set(CK.parents(netuid, old), rest);
    }
    if (pending.children.length === 0) st.store.delete(CK.children(netuid, parent));
    else st.store.set(CK.children(netuid, parent), pending.children);
    for (const [p, child] of pending.children) {
      const rest = parentsOf(st, netuid, child).filter(([, q]) => q !== parent);
      st.store.set(CK.parents(netuid, child), [...rest, [p, parent]]);
    }
    st.store.delete(key);
    emit('SetChildren', { hotkey: parent, netuid, children: pending.children.slice() });
  }
}

/** A hotkey's own stake weight on a subnet: alpha + tao_weight · root stake (no inheritance). */
function ownStakeWeight(st: ChainState, netuid: number, hotkey: string): bigint {
  return st.pool(netuid, hotkey).alpha + (st.pool(0, hotkey).alpha * st.params.taoWeight) / U64_MAX;
}

/**
 * §9.3 with exact integer maths: own stake − Σ floor(own · p_child / u64::MAX) over children +
 * Σ floor(parent_stake · p / u64::MAX) over parents, on the subnet's alpha and on root stake.
 */
export function inheritedStake(st: ChainState, netuid: number, hotkey: string): { alpha: bigint; tao: bigint } {
  const inherit = (of: number): bigint => {
    const own = st.pool(of, hotkey).alpha;
    let v = own;
    for (const [p] of childrenOf(st, netuid, hotkey)) v -= (own * p) / U64_MAX;
    for (const [p, parent] of parentsOf(st, netuid, hotkey)) v += (st.pool(of, parent).alpha * p) / U64_MAX;
    return v;
  };
  return { alpha: inherit(netuid), tao: inherit(0) };
}

/**
 * The dividend split through childkeys (chain.md §3.5 step 5): of `amount` paid to `hotkey`, each
 * parent gets the share its contribution (`alpha·p + tao_weight·root·p`, floored as in §9.3) is of
 * the hotkey's inherited stake weight, less the childkey take, which the hotkey keeps with the
 * rest. Without parents the hotkey keeps everything. Integer maths; the parts sum to `amount`.
 */
export function splitThroughParents(
  st: ChainState,
  netuid: number,
  hotkey: string,
  amount: bigint,
): [string, bigint][] {
  const parents = parentsOf(st, netuid, hotkey);
  if (parents.length === 0 || amount === 0n) return [[hotkey, amount]];
  const tw = st.params.taoWeight;
  const inh = inheritedStake(st, netuid, hotkey);
  const total = inh.alpha + (inh.tao * tw) / U64_MAX;
  if (total === 0n) return [[hotkey, amount]];
  const take = BigInt(childkeyTakeOf(st, netuid, hotkey));
  const out: [string, bigint][] = [];
  let given = 0n;
  for (const [p, parent] of parents) {
    const alpha = (st.pool(netuid, parent).alpha * p) / U64_MAX;
    const tao = (st.pool(0, parent).alpha * p) / U64_MAX;
    const share = (amount * (alpha + (tao * tw) / U64_MAX)) / total;
    const net = share - (share * take) / 65535n;
    if (net <= 0n) continue;
    out.push([parent, net]);
    given += net;
  }
  return [[hotkey, amount - given], ...out];
}
