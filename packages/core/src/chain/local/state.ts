import type { PackedRowsU16 } from '../../consensus/types.js';
import type { ErrorCode } from '../../errors/codes.js';
import { SubnetkitError } from '../../errors/subnetkit-error.js';
import type { AxonInfo } from '../types.js';
import { decodeBondRow, encodeBondRow, type StoredBondRow } from './bond-rows.js';
import type { ChainParams, Hyper } from './params.js';
import type { Store } from './store.js';

/** An account: free TAO and the next nonce. */
export interface Account {
  free: bigint;
  nonce: number;
}

/** Chain-wide totals and registration memory. */
export interface Globals {
  /** TotalIssuance of TAO (rao). */
  totalIssuance: bigint;
  /** TAO sent to the burn account (fees, burned incentive): still counted in issuance. */
  burned: bigint;
  /** Cumulative TAO recycled (removed from issuance), for the accounting breakdown. */
  recycled: bigint;
  lastLockBlock: number;
  lastLockCost: bigint;
  blockEmission: bigint;
  netuids: number[];
}

/** A subnet (netuid 0 is root: a 1:1 stable pool). */
export interface Subnet {
  netuid: number;
  name: string;
  owner: string;
  ownerHotkey: string;
  registeredAt: number;
  /** 0 = stable (root), 1 = dynamic pool. */
  mechanism: 0 | 1;
  taoIn: bigint;
  alphaIn: bigint;
  alphaOut: bigint;
  protocolAlpha: bigint;
  locked: bigint;
  pendingServer: bigint;
  pendingValidator: bigint;
  pendingOwnerCut: bigint;
  lastEpochBlock: number;
  epochIndex: number;
  lastMechStepBlock: number;
  firstEmissionBlock: number | null;
  subtokenEnabled: boolean;
  /** EMA price, 1e18 fixed point. */
  movingPrice: bigint;
  burn: bigint;
  regsThisBlock: number;
  /** Registrations since the last legacy adjustment interval (only with legacyRegistration). */
  regsThisInterval: number;
  /** TAO emission this subnet got in the last block. */
  lastTaoEmission: bigint;
  /** Alpha burned/recycled on this subnet (registration buys, owner incentive, rounding). */
  alphaBurned: bigint;
  hyper: Hyper;
  /** Last block each owner setter was used (rate limit). */
  lastSet: Record<string, number>;
}

/** Per-uid vectors of a subnet (subtensor's per-subnet Vec storage items). */
export interface Neurons {
  hotkeys: string[];
  lastUpdate: number[];
  blockAtRegistration: number[];
  active: boolean[];
  validatorPermit: boolean[];
  emission: bigint[];
  incentive: number[];
  dividends: number[];
  consensus: number[];
  validatorTrust: number[];
  stakeWeight: number[];
  rank: number[];
  trust: number[];
  pruningScore: number[];
}

/** A hotkey's stake pool on a subnet: alpha value and total shares. */
export interface HotkeyPool {
  alpha: bigint;
  shares: bigint;
}

export interface WeightCommit {
  hash: string;
  epoch: number;
  block: number;
}

/** Storage keys. Netuid first so per-subnet scans stay cheap. */
export const K = {
  globals: 'g',
  account: (a: string) => `a:${a}`,
  subnet: (n: number) => `s:${n}`,
  neurons: (n: number) => `n:${n}`,
  uid: (n: number, hotkey: string) => `u:${n}:${hotkey}`,
  weights: (n: number, uid: number) => `w:${n}:${uid}`,
  bonds: (n: number, uid: number) => `b:${n}:${uid}`,
  axon: (n: number, hotkey: string) => `x:${n}:${hotkey}`,
  owner: (hotkey: string) => `o:${hotkey}`,
  owned: (coldkey: string) => `O:${coldkey}`,
  pool: (n: number, hotkey: string) => `p:${n}:${hotkey}`,
  share: (n: number, hotkey: string, coldkey: string) => `h:${n}:${hotkey}:${coldkey}`,
  stakingIndex: (coldkey: string) => `i:${coldkey}`,
  take: (hotkey: string) => `t:${hotkey}`,
  commits: (n: number, hotkey: string) => `c:${n}:${hotkey}`,
} as const;

/** Throws the typed failure of a call; `chainError` is subtensor's error name. */
export function fail(chainError: string, message?: string, code: ErrorCode = 'SK_CHAIN_EXTRINSIC_FAILED'): never {
  throw new SubnetkitError(code, message ?? `the chain rejected the call: ${chainError}`, { chainError });
}

/** Typed access to the store. All writes store fresh objects (see Store). */
export class ChainState {
  constructor(
    readonly store: Store,
    readonly params: ChainParams,
  ) {}

  globals(): Globals {
    const g = this.store.get<Globals>(K.globals);
    if (!g) throw new SubnetkitError('SK_CHAIN_STORAGE', 'chain state has no globals: the data dir is not a chain');
    return g;
  }
  setGlobals(patch: Partial<Globals>): void {
    this.store.set(K.globals, { ...this.globals(), ...patch });
  }

  account(address: string): Account {
    return this.store.get<Account>(K.account(address)) ?? { free: 0n, nonce: 0 };
  }
  setAccount(address: string, acct: Account): void {
    if (acct.free === 0n && acct.nonce === 0) this.store.delete(K.account(address));
    else this.store.set(K.account(address), acct);
  }
  free(address: string): bigint {
    return this.account(address).free;
  }
  /** Adds (or with a negative delta removes) free balance; callers check sufficiency first. */
  addFree(address: string, delta: bigint): void {
    const acct = this.account(address);
    const free = acct.free + delta;
    if (free < 0n) throw new SubnetkitError('SK_INTERNAL', 'balance would go negative', { address });
    this.setAccount(address, { ...acct, free });
  }

  subnet(netuid: number): Subnet | undefined {
    return this.store.get<Subnet>(K.subnet(netuid));
  }
  subnetOrFail(netuid: number, error = 'SubnetNotExists'): Subnet {
    const s = Number.isInteger(netuid) ? this.subnet(netuid) : undefined;
    if (!s) fail(error, `subnet ${netuid} does not exist`);
    return s;
  }
  patchSubnet(netuid: number, patch: Partial<Subnet>): Subnet {
    const next = { ...(this.subnet(netuid) as Subnet), ...patch };
    this.store.set(K.subnet(netuid), next);
    return next;
  }

  neurons(netuid: number): Neurons {
    return this.store.get<Neurons>(K.neurons(netuid)) ?? emptyNeurons();
  }
  setNeurons(netuid: number, nv: Neurons): void {
    this.store.set(K.neurons(netuid), nv);
  }
  uidOf(netuid: number, hotkey: string): number | undefined {
    return this.store.get<number>(K.uid(netuid, hotkey));
  }

  ownerOf(hotkey: string): string | undefined {
    return this.store.get<string>(K.owner(hotkey));
  }
  /** Creates the hotkey→coldkey link (Owner, OwnedHotkeys). */
  linkHotkey(hotkey: string, coldkey: string): void {
    this.store.set(K.owner(hotkey), coldkey);
    const owned = this.store.get<string[]>(K.owned(coldkey)) ?? [];
    if (!owned.includes(hotkey)) this.store.set(K.owned(coldkey), [...owned, hotkey]);
  }

  takeOf(hotkey: string): number {
    return this.store.get<number>(K.take(hotkey)) ?? this.params.defaultTake;
  }

  pool(netuid: number, hotkey: string): HotkeyPool {
    return this.store.get<HotkeyPool>(K.pool(netuid, hotkey)) ?? { alpha: 0n, shares: 0n };
  }
  shares(netuid: number, hotkey: string, coldkey: string): bigint {
    return this.store.get<bigint>(K.share(netuid, hotkey, coldkey)) ?? 0n;
  }
  /** Alpha value of (hotkey, coldkey) on a subnet. */
  stakeOf(netuid: number, hotkey: string, coldkey: string): bigint {
    const sh = this.shares(netuid, hotkey, coldkey);
    if (sh === 0n) return 0n;
    const p = this.pool(netuid, hotkey);
    return p.shares === 0n ? 0n : (sh * p.alpha) / p.shares;
  }

  /** Credits alpha to (hotkey, coldkey) as new shares at the pool's current share price. */
  creditStake(netuid: number, hotkey: string, coldkey: string, alpha: bigint): void {
    if (alpha <= 0n) return;
    const p = this.pool(netuid, hotkey);
    // an empty share supply (or a pool holding only dust) restarts at 1 share = 1 alpha
    const minted = p.shares === 0n || p.alpha === 0n ? alpha : (alpha * p.shares) / p.alpha;
    const base = p.shares === 0n ? p.alpha : 0n;
    this.store.set(K.pool(netuid, hotkey), { alpha: p.alpha + alpha, shares: p.shares + minted + base });
    const sh = this.shares(netuid, hotkey, coldkey) + minted + base;
    this.store.set(K.share(netuid, hotkey, coldkey), sh);
    this.#index(coldkey, hotkey, netuid, true);
  }

  /** Removes alpha from (hotkey, coldkey); caller checked `alpha <= stakeOf`. */
  debitStake(netuid: number, hotkey: string, coldkey: string, alpha: bigint): void {
    const p = this.pool(netuid, hotkey);
    const sh = this.shares(netuid, hotkey, coldkey);
    const value = p.shares === 0n ? 0n : (sh * p.alpha) / p.shares;
    if (alpha > value) throw new SubnetkitError('SK_INTERNAL', 'debit above stake', { hotkey, coldkey, netuid });
    // burning all shares when taking the whole value keeps dust with the remaining holders
    let burn = alpha === value ? sh : (alpha * p.shares + p.alpha - 1n) / p.alpha;
    if (burn > sh) burn = sh;
    const left = sh - burn;
    if (left === 0n) {
      this.store.delete(K.share(netuid, hotkey, coldkey));
      this.#index(coldkey, hotkey, netuid, false);
    } else this.store.set(K.share(netuid, hotkey, coldkey), left);
    const pool = { alpha: p.alpha - alpha, shares: p.shares - burn };
    if (pool.alpha === 0n && pool.shares === 0n) this.store.delete(K.pool(netuid, hotkey));
    else this.store.set(K.pool(netuid, hotkey), pool);
  }

  /** Adds alpha to a hotkey's pool without new shares (dividends reach every holder pro rata). */
  addToPool(netuid: number, hotkey: string, alpha: bigint): void {
    if (alpha <= 0n) return;
    const p = this.pool(netuid, hotkey);
    if (p.shares === 0n) {
      const owner = this.ownerOf(hotkey) ?? hotkey;
      this.creditStake(netuid, hotkey, owner, alpha);
      return;
    }
    this.store.set(K.pool(netuid, hotkey), { alpha: p.alpha + alpha, shares: p.shares });
  }

  stakingIndex(coldkey: string): [string, number][] {
    return this.store.get<[string, number][]>(K.stakingIndex(coldkey)) ?? [];
  }
  #index(coldkey: string, hotkey: string, netuid: number, add: boolean): void {
    const idx = this.stakingIndex(coldkey);
    const has = idx.some(([h, n]) => h === hotkey && n === netuid);
    if (add && !has) {
      const next = [...idx, [hotkey, netuid] as [string, number]];
      next.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.store.set(K.stakingIndex(coldkey), next);
    } else if (!add && has) {
      const next = idx.filter(([h, n]) => !(h === hotkey && n === netuid));
      if (next.length === 0) this.store.delete(K.stakingIndex(coldkey));
      else this.store.set(K.stakingIndex(coldkey), next);
    }
  }

  weights(netuid: number, uid: number): [number, number][] {
    return this.store.get<[number, number][]>(K.weights(netuid, uid)) ?? [];
  }
  /** A uid's Bonds row as tuples, whichever form it is stored in (bond-rows.ts). */
  bonds(netuid: number, uid: number): [number, number][] {
    return decodeBondRow(this.bondRow(netuid, uid));
  }
  /** A uid's Bonds row as stored: packed string, or tuples in data dirs from before it. */
  bondRow(netuid: number, uid: number): StoredBondRow | undefined {
    return this.store.get<StoredBondRow>(K.bonds(netuid, uid));
  }
  /** Stores a uid's Bonds row (packed, see bond-rows.ts); an empty row deletes the key. */
  setBondRow(netuid: number, uid: number, rows: PackedRowsU16, row: number): void {
    const a = rows.offsets[row] as number;
    const b = rows.offsets[row + 1] as number;
    const key = K.bonds(netuid, uid);
    if (a === b) this.store.delete(key);
    else this.store.set(key, encodeBondRow(rows, a, b));
  }
  axon(netuid: number, hotkey: string): AxonInfo | undefined {
    return this.store.get<AxonInfo>(K.axon(netuid, hotkey));
  }
  commits(netuid: number, hotkey: string): WeightCommit[] {
    return this.store.get<WeightCommit[]>(K.commits(netuid, hotkey)) ?? [];
  }

  /** TAO issuance: updates TotalIssuance by delta (mint > 0, recycle < 0). */
  issue(delta: bigint): void {
    const g = this.globals();
    this.setGlobals({
      totalIssuance: g.totalIssuance + delta,
      recycled: delta < 0n ? g.recycled - delta : g.recycled,
    });
  }
}

/** Empty per-uid vectors. */
export function emptyNeurons(): Neurons {
  return {
    hotkeys: [],
    lastUpdate: [],
    blockAtRegistration: [],
    active: [],
    validatorPermit: [],
    emission: [],
    incentive: [],
    dividends: [],
    consensus: [],
    validatorTrust: [],
    stakeWeight: [],
    rank: [],
    trust: [],
    pruningScore: [],
  };
}
