import { PRICE_ONE, spotPrice } from './math.js';
import { DEFAULT_HYPERPARAMETERS, type Hyper } from './params.js';
import type { ChainState, Subnet } from './state.js';
import { emptyNeurons, K } from './state.js';

/** What a new subnet needs; used by genesis and by register_network. */
export interface NewSubnet {
  netuid: number;
  name: string;
  owner: string;
  ownerHotkey: string;
  lock: bigint;
  block: number;
  hyper?: Partial<Hyper>;
}

/** The lowest free netuid ≥ 1. */
export function nextNetuid(st: ChainState): number {
  const used = new Set(st.globals().netuids);
  let n = 1;
  while (used.has(n)) n++;
  return n;
}

/** Median spot price (1e18 fixed) of existing dynamic subnets, 1.0 when there are none. */
export function medianPrice(st: ChainState): bigint {
  const prices: bigint[] = [];
  for (const n of st.globals().netuids) {
    const s = st.subnet(n);
    if (s && s.mechanism === 1) prices.push(spotPrice(s.taoIn, s.alphaIn));
  }
  if (prices.length === 0) return PRICE_ONE;
  prices.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const m = prices.length >> 1;
  return prices.length % 2 ? (prices[m] as bigint) : ((prices[m - 1] as bigint) + (prices[m] as bigint)) / 2n;
}

/**
 * Writes a new dynamic subnet (init_new_network): default hyperparameters, the lock as the pool's
 * TAO at the median price, the owner hotkey as uid 0. The caller moved the lock already.
 */
export function createSubnet(st: ChainState, p: NewSubnet): Subnet {
  const hyper: Hyper = { ...DEFAULT_HYPERPARAMETERS, ...p.hyper };
  const price = medianPrice(st);
  let taoIn = p.lock;
  if (taoIn < st.params.networkMinLockCost) taoIn = st.params.networkMinLockCost;
  const alphaIn = price > 0n ? (taoIn * PRICE_ONE) / price : taoIn;
  const tempo = hyper.tempo;
  const subnet: Subnet = {
    netuid: p.netuid,
    name: p.name,
    owner: p.owner,
    ownerHotkey: p.ownerHotkey,
    registeredAt: p.block,
    mechanism: 1,
    taoIn,
    alphaIn,
    alphaOut: 0n,
    protocolAlpha: 0n,
    locked: p.lock,
    pendingServer: 0n,
    pendingValidator: 0n,
    pendingOwnerCut: 0n,
    // current schedule (spec ≥ 420): first epoch at registration − (netuid mod tempo) + tempo
    lastEpochBlock: p.block - (tempo > 0 ? p.netuid % tempo : 0),
    epochIndex: 0,
    lastMechStepBlock: p.block,
    firstEmissionBlock: null,
    subtokenEnabled: false,
    movingPrice: 0n,
    burn: 1_000_000_000n,
    regsThisBlock: 0,
    regsThisInterval: 0,
    lastTaoEmission: 0n,
    alphaBurned: 0n,
    hyper,
    lastSet: {},
  };
  st.store.set(K.subnet(p.netuid), subnet);
  st.setNeurons(p.netuid, emptyNeurons());
  const g = st.globals();
  st.setGlobals({ netuids: [...g.netuids, p.netuid].sort((a, b) => a - b) });
  if (!st.ownerOf(p.ownerHotkey)) st.linkHotkey(p.ownerHotkey, p.owner);
  appendNeuron(st, p.netuid, p.ownerHotkey, p.block);
  return subnet;
}

/** Appends a uid (SubnetworkN += 1) with LastUpdate = BlockAtRegistration = block. */
export function appendNeuron(st: ChainState, netuid: number, hotkey: string, block: number): number {
  const nv = st.neurons(netuid);
  const uid = nv.hotkeys.length;
  st.setNeurons(netuid, {
    hotkeys: [...nv.hotkeys, hotkey],
    lastUpdate: [...nv.lastUpdate, block],
    blockAtRegistration: [...nv.blockAtRegistration, block],
    active: [...nv.active, true],
    validatorPermit: [...nv.validatorPermit, false],
    emission: [...nv.emission, 0n],
    incentive: [...nv.incentive, 0],
    dividends: [...nv.dividends, 0],
    consensus: [...nv.consensus, 0],
    validatorTrust: [...nv.validatorTrust, 0],
    stakeWeight: [...nv.stakeWeight, 0],
    rank: [...nv.rank, 0],
    trust: [...nv.trust, 0],
    pruningScore: [...nv.pruningScore, 65535],
  });
  st.store.set(K.uid(netuid, hotkey), uid);
  return uid;
}

/** Replaces a pruned uid's neuron with a new hotkey (the reset list of chain.md §6.3). */
export function replaceNeuron(st: ChainState, netuid: number, uid: number, hotkey: string, block: number): void {
  const nv = st.neurons(netuid);
  const old = nv.hotkeys[uid] as string;
  const set = <T>(arr: T[], v: T): T[] => {
    const next = arr.slice();
    next[uid] = v;
    return next;
  };
  st.setNeurons(netuid, {
    hotkeys: set(nv.hotkeys, hotkey),
    lastUpdate: set(nv.lastUpdate, block),
    blockAtRegistration: set(nv.blockAtRegistration, block),
    active: set(nv.active, true),
    validatorPermit: set(nv.validatorPermit, false),
    emission: set(nv.emission, 0n),
    incentive: set(nv.incentive, 0),
    dividends: set(nv.dividends, 0),
    consensus: set(nv.consensus, 0),
    validatorTrust: set(nv.validatorTrust, 0),
    stakeWeight: set(nv.stakeWeight, 0),
    rank: set(nv.rank, 0),
    trust: set(nv.trust, 0),
    pruningScore: set(nv.pruningScore, 65535),
  });
  st.store.delete(K.uid(netuid, old));
  st.store.set(K.uid(netuid, hotkey), uid);
  st.store.delete(K.axon(netuid, old));
  st.store.delete(K.commits(netuid, old));
  st.store.delete(K.weights(netuid, uid));
  st.store.delete(K.bonds(netuid, uid));
  // weights pointing to the uid become 0 in every row
  for (let i = 0; i < nv.hotkeys.length; i++) {
    const row = st.weights(netuid, i);
    if (row.some(([j, w]) => j === uid && w !== 0)) {
      st.store.set(
        K.weights(netuid, i),
        row.map(([j, w]) => [j, j === uid ? 0 : w] as [number, number]),
      );
    }
  }
}

/**
 * get_neuron_to_prune: lowest Emission among non-immune, non-owner uids (ties: earliest
 * registration, then lowest uid); an immune candidate only when too few non-immune uids exist.
 */
export function neuronToPrune(st: ChainState, netuid: number, block: number): number | null {
  const s = st.subnet(netuid) as Subnet;
  const nv = st.neurons(netuid);
  const ownerImmune = new Set<number>();
  const ownerUid = st.uidOf(netuid, s.ownerHotkey);
  if (ownerUid !== undefined) ownerImmune.add(ownerUid);
  const ownerHotkeys = (st.store.get<string[]>(K.owned(s.owner)) ?? [])
    .map((h) => st.uidOf(netuid, h))
    .filter((u): u is number => u !== undefined)
    .sort((a, b) => (nv.blockAtRegistration[a] as number) - (nv.blockAtRegistration[b] as number) || a - b);
  for (const u of ownerHotkeys) {
    if (ownerImmune.size >= s.hyper.immuneOwnerUidsLimit) break;
    ownerImmune.add(u);
  }
  let best: number | null = null;
  let bestImmune: number | null = null;
  let nonImmuneCount = 0;
  const better = (a: number, b: number | null): boolean => {
    if (b === null) return true;
    const ea = nv.emission[a] as bigint;
    const eb = nv.emission[b] as bigint;
    if (ea !== eb) return ea < eb;
    const ra = nv.blockAtRegistration[a] as number;
    const rb = nv.blockAtRegistration[b] as number;
    if (ra !== rb) return ra < rb;
    return a < b;
  };
  for (let uid = 0; uid < nv.hotkeys.length; uid++) {
    if (ownerImmune.has(uid)) continue;
    const immune = block - (nv.blockAtRegistration[uid] as number) < s.hyper.immunityPeriod;
    if (immune) {
      if (better(uid, bestImmune)) bestImmune = uid;
    } else {
      nonImmuneCount++;
      if (better(uid, best)) best = uid;
    }
  }
  if (best !== null && nonImmuneCount > s.hyper.minNonImmuneUids) return best;
  if (bestImmune !== null) return bestImmune;
  return best;
}
