import { isSubnetkitError, type SubnetkitError } from '../../errors/subnetkit-error.js';
import { CK, childkeyTakeOf, childrenOf, parentsOf, pendingChildrenOf } from '../local/childkeys.js';
import { canonicalDecode } from '../local/codec.js';
import type { EngineCall } from '../local/extrinsic.js';
import type { AuthenticatedExtras, LocalChain } from '../local/local-chain.js';
import type { Chain, ChainEvent, ExtrinsicResult } from '../types.js';

/** How the engine disposed of an authenticated call. */
export type AppliedOutcome =
  /** In a block: `error` is the dispatch error (System.ExtrinsicFailed) or null on success. */
  | { included: true; blockNumber: number; index: number | null; events: ChainEvent[]; error: SubnetkitError | null }
  /** Refused before inclusion (bad nonce, malformed call): a pool rejection. */
  | { included: false; error: SubnetkitError };

/**
 * Raw ledger reads behind storage maps a client enumerates (`entries()`/`keys()`) or that `Chain`'s
 * queries do not cover. Optional: an engine without them serves those items as empty.
 */
export interface LedgerQueries {
  /** Every account with a balance or a nonce. */
  accounts(): { address: string; free: bigint; nonce: number }[];
  /** Every stake position as (hotkey, coldkey, netuid, shares). */
  positions(): { hotkey: string; coldkey: string; netuid: number; shares: bigint }[];
  /** Stake shares of (hotkey, coldkey) on a subnet: subtensor's `Alpha` share pool. */
  shares(hotkey: string, coldkey: string, netuid: number): bigint;
  /** The account's nonce in state (extrinsics still in the pool not counted). */
  stateNonce(address: string): number;
  /**
   * Pool fields `SubnetInfo` leaves out: EMA price (1e18 fixed point), alpha awaiting the epoch,
   * and the swap fee rate (of 65535; 0 for stable pools).
   */
  subnetPool(netuid: number): { movingPrice: bigint; pendingAlpha: bigint; feeRate: number } | null;
  /**
   * Childkey maps (chain.md §9.4) by subtensor item name: the value at (hotkey, netuid), or
   * null when absent; `childkeyKeys` lists every stored (hotkey, netuid) of an item.
   */
  childkeys?(item: ChildkeyItem, hotkey: string, netuid: number): unknown | null;
  childkeyKeys?(item: ChildkeyItem): { hotkey: string; netuid: number }[];
  /** TotalHotkeyAlpha: the hotkey's own alpha (the metagraph reports stake after childkey inheritance). */
  hotkeyAlpha?(hotkey: string, netuid: number): bigint;
  /** PendingChildKeyCooldown, MinChildkeyTake, MaxChildkeyTake. */
  childkeyParams?(): { pendingChildkeyCooldown: number; minChildkeyTake: number; maxChildkeyTake: number };
}

export type ChildkeyItem = 'ChildKeys' | 'ParentKeys' | 'PendingChildKeys' | 'ChildkeyTake';
const CHILDKEY_PREFIX: Record<ChildkeyItem, string> = {
  ChildKeys: 'ck:',
  ParentKeys: 'cp:',
  PendingChildKeys: 'cq:',
  ChildkeyTake: 'ct:',
};

/**
 * The local chain engine as the devnet needs it: the `Chain` for queries and blocks, nonces, and
 * an entry that applies a call whose Substrate signature the devnet has already verified.
 */
export interface DevnetEngine {
  readonly chain: Chain;
  /** Next nonce of an account (pool-aware). */
  nonce(address: string): Promise<number>;
  /**
   * Applies an authenticated call through the engine's validation and block path; `extras.payment`
   * is the fee (tip included) withdrawn before dispatch, `extras.raw` the extrinsic's own bytes.
   */
  applyAuthenticated(
    signer: string,
    nonce: number,
    call: EngineCall,
    extras?: AuthenticatedExtras,
  ): Promise<AppliedOutcome>;
  /**
   * Replaces the pooled, not yet included extrinsic (signer, nonce) (a higher-tip replacement);
   * null when none waits. The replaced one's outcome is a pool refusal with chainError `Usurped`.
   */
  replaceAuthenticated?(
    signer: string,
    nonce: number,
    call: EngineCall,
    extras?: AuthenticatedExtras,
  ): Promise<AppliedOutcome> | null;
  /** The chain's sudo (root) key, or null: `Sudo.Key`, and who may sign `Sudo.sudo`. */
  sudoKey(): string | null;
  /** Next nonce of an account, synchronously (the devnet's future-nonce queue needs it). */
  nonceNow?(address: string): number;
  ledger?: LedgerQueries;
  /**
   * The engine's state after block `number` for reads (null: outside the retained history): what
   * storage and runtime calls at an older block hash serve.
   */
  at?(number: number): { chain: Chain; ledger?: LedgerQueries; nonce(address: string): number } | null;
  /**
   * A committed block as the engine stored it (persistent engines): its timestamp, per extrinsic the
   * devnet's own bytes (null for extrinsics submitted another way), and its events.
   */
  storedBlock?(
    number: number,
  ): { timestamp: number; extrinsics: (string | null)[]; events: ChainEvent[] | null } | null;
  /** The latest block's extrinsics as `storedBlock` gives them (read when the block is announced). */
  lastBlockBody?(): (string | null)[];
}

/**
 * Adapts a `LocalChain` to the devnet: authenticated calls go through `submitAuthenticated` (same
 * nonce rules, validation and block path as the engine's own signed extrinsics).
 */
export function localChainEngine(chain: LocalChain): DevnetEngine {
  /** Index of (signer, nonce) among the latest block's extrinsics, or null. */
  const locate = (signer: string, nonce: number): number | null => {
    const wires = chain.lastBlockExtrinsics();
    for (let i = 0; i < wires.length; i++) {
      try {
        const x = canonicalDecode<{ signer?: string; nonce?: number }>(wires[i] as string);
        if (x.signer === signer && x.nonce === nonce) return i;
      } catch {
        // another encoding: not ours
      }
    }
    return null;
  };

  return {
    chain,
    nonce: async (address) => chain.nonce(address),
    sudoKey: () => chain.state.params.sudo,
    nonceNow: (address) => chain.nonce(address),
    ledger: ledgerOf(chain),
    at: (number) => {
      const past = chain.stateAt(number);
      return past ? { chain: past, ledger: ledgerOf(past), nonce: (a) => past.nonce(a) } : null;
    },
    storedBlock: (number) => {
      const b = chain.storedBlock(number);
      if (!b) return null;
      return {
        timestamp: b.timestamp,
        extrinsics: b.extrinsics.map(rawOf),
        events: b.events === undefined ? null : canonicalDecode<ChainEvent[]>(b.events),
      };
    },
    lastBlockBody: () => chain.lastBlockExtrinsics().map(rawOf),
    applyAuthenticated: (signer, nonce, call, extras) =>
      outcomeOf(signer, nonce, chain.submitAuthenticated(signer, nonce, call, extras)),
    replaceAuthenticated: (signer, nonce, call, extras) => {
      const pending = chain.replaceAuthenticated(signer, nonce, call, extras);
      return pending ? outcomeOf(signer, nonce, pending) : null;
    },
  };

  async function outcomeOf(signer: string, nonce: number, pending: Promise<ExtrinsicResult>): Promise<AppliedOutcome> {
    pending.catch(() => undefined);
    const block = chain.head().number;
    try {
      const r = await pending;
      const index = r.events.find((e) => e.extrinsicIndex !== null)?.extrinsicIndex ?? locate(signer, nonce);
      return { included: true, blockNumber: r.blockNumber, index, events: r.events, error: null };
    } catch (err) {
      if (!isSubnetkitError(err)) throw err;
      // replaced by a higher tip: its nonce (and a block slot) belong to the replacement
      if (err.details.chainError === 'Usurped') return { included: false, error: err };
      const head = chain.head().number;
      const d = err.details as { blockNumber?: unknown; extrinsicIndex?: unknown };
      if (typeof d.blockNumber === 'number' && typeof d.extrinsicIndex === 'number') {
        return { included: true, blockNumber: d.blockNumber, index: d.extrinsicIndex, events: [], error: err };
      }
      const index = head > block ? locate(signer, nonce) : null;
      if (index !== null) return { included: true, blockNumber: head, index, events: [], error: err };
      // Refused before a block was built, or a nonce/signature problem: the pool's answer.
      if (
        head === block ||
        err.code === 'SK_CHAIN_BAD_NONCE' ||
        err.code === 'SK_CHAIN_BAD_SIGNATURE' ||
        err.details.chainError === 'Payment'
      ) {
        return { included: false, error: err };
      }
      // A dispatch failure in a block whose extrinsic list we cannot read: next free slot.
      return { included: true, blockNumber: head, index: null, events: [], error: err };
    }
  }
}

/** The ledger reads of a local chain (or of one of its historical snapshots). */
function ledgerOf(chain: LocalChain): LedgerQueries {
  return {
    accounts: () =>
      chain.state.store.keysWithPrefix('a:').map((key) => {
        const address = key.slice(2);
        const a = chain.state.account(address);
        return { address, free: a.free, nonce: a.nonce };
      }),
    positions: () =>
      chain.state.store.keysWithPrefix('h:').map((key) => {
        // h:<netuid>:<hotkey>:<coldkey>; SS58 addresses hold no ':'
        const [, n, hotkey = '', coldkey = ''] = key.split(':');
        const netuid = Number(n);
        return { hotkey, coldkey, netuid, shares: chain.state.shares(netuid, hotkey, coldkey) };
      }),
    shares: (hotkey, coldkey, netuid) => chain.state.shares(netuid, hotkey, coldkey),
    stateNonce: (address) => chain.state.account(address).nonce,
    subnetPool: (netuid) => {
      const s = chain.state.subnet(netuid);
      if (!s) return null;
      const feeRate = s.mechanism === 0 ? 0 : chain.state.params.swapFeeRate;
      return { movingPrice: s.movingPrice, pendingAlpha: s.pendingServer + s.pendingValidator, feeRate };
    },
    childkeys: (item, hotkey, netuid) => {
      const st = chain.state;
      switch (item) {
        case 'ChildKeys':
          return childrenOf(st, netuid, hotkey);
        case 'ParentKeys':
          return parentsOf(st, netuid, hotkey);
        case 'PendingChildKeys': {
          const p = pendingChildrenOf(st, netuid, hotkey);
          return p ? [p.children, p.coolDownBlock] : null;
        }
        case 'ChildkeyTake':
          return st.store.has(CK.take(netuid, hotkey)) ? childkeyTakeOf(st, netuid, hotkey) : null;
      }
    },
    hotkeyAlpha: (hotkey, netuid) => chain.state.pool(netuid, hotkey).alpha,
    childkeyKeys: (item) =>
      chain.state.store.keysWithPrefix(CHILDKEY_PREFIX[item]).map((key) => {
        // <prefix><netuid>:<hotkey>; SS58 addresses hold no ':'
        const [, n, hotkey = ''] = key.split(':');
        return { hotkey, netuid: Number(n) };
      }),
    childkeyParams: () => {
      const p = chain.state.params;
      return {
        pendingChildkeyCooldown: p.pendingChildkeyCooldown,
        minChildkeyTake: p.minChildkeyTake,
        maxChildkeyTake: p.maxChildkeyTake,
      };
    },
  };
}

/** The devnet's own bytes of an extrinsic the engine stored (`raw`), or null for others. */
function rawOf(wire: string): string | null {
  try {
    const raw = canonicalDecode<{ raw?: unknown }>(wire).raw;
    return typeof raw === 'string' ? raw : null;
  } catch {
    return null;
  }
}
