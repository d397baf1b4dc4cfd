import { SubnetkitError } from '../../errors/subnetkit-error.js';
import { blake2Hex, canonicalEncode } from './codec.js';
import { isAddress } from './crypto.js';
import { type ChainParams, DEFAULT_CHAIN_PARAMS, DEFAULT_HYPERPARAMETERS, type Hyper } from './params.js';
import { ChainState, emptyNeurons, K, type Subnet } from './state.js';
import type { Store } from './store.js';
import { createSubnet } from './subnets.js';

/** A subnet that exists from block 0. */
export interface GenesisSubnet {
  /** Defaults to the next free netuid. */
  netuid?: number;
  name?: string;
  /** Owner coldkey (SS58). */
  owner: string;
  /** Owner hotkey (SS58), uid 0. */
  ownerHotkey: string;
  /** TAO locked into the pool (rao); defaults to the minimum lock cost. Minted at genesis. */
  lock?: bigint;
  /** Whether start_call already happened (default true: the subnet emits from block 1). */
  started?: boolean;
  hyperparameters?: Partial<Hyper>;
}

/** The genesis of a local chain: funded accounts, subnets, chain parameters. */
export interface GenesisConfig {
  accounts?: { address: string; balance: bigint }[];
  subnets?: GenesisSubnet[];
  params?: Partial<ChainParams>;
  /** Milliseconds since the Unix epoch of block 0 (default 0: fixed, so genesis is reproducible). */
  timestamp?: number;
}

/** Effective chain parameters of a genesis. */
export function paramsOf(genesis: GenesisConfig): ChainParams {
  return { ...DEFAULT_CHAIN_PARAMS, ...genesis.params };
}

/** Genesis hash: blake2 of the canonical genesis config (binds signatures to this chain). */
export function genesisHashOf(genesis: GenesisConfig): string {
  return blake2Hex(canonicalEncode({ genesis, v: 1 }));
}

function bad(message: string): never {
  throw new SubnetkitError('SK_CONFIG_INVALID', `genesis: ${message}`, {});
}

/** Builds the block-0 state into an empty store (validates the config first). */
export function buildGenesis(store: Store, genesis: GenesisConfig): ChainState {
  const params = paramsOf(genesis);
  for (const a of genesis.accounts ?? []) {
    if (!isAddress(a.address)) bad(`account ${a.address} is not an SS58-42 address`);
    if (typeof a.balance !== 'bigint' || a.balance < 0n) bad(`balance of ${a.address} must be a non-negative bigint`);
  }
  const seen = new Set<number>();
  for (const s of genesis.subnets ?? []) {
    if (!isAddress(s.owner) || !isAddress(s.ownerHotkey)) bad('subnet owner and ownerHotkey must be SS58-42 addresses');
    if (
      s.netuid !== undefined &&
      (!Number.isInteger(s.netuid) || s.netuid < 1 || s.netuid > 65535 || seen.has(s.netuid))
    ) {
      bad(`subnet netuid ${s.netuid} is invalid or repeated`);
    }
    if (s.netuid !== undefined) seen.add(s.netuid);
    for (const key of Object.keys(s.hyperparameters ?? {})) {
      if (!(key in DEFAULT_HYPERPARAMETERS)) bad(`unknown hyperparameter ${key}`);
    }
  }
  const st = new ChainState(store, params);
  store.set(K.globals, {
    totalIssuance: 0n,
    burned: 0n,
    recycled: 0n,
    lastLockBlock: 0,
    lastLockCost: params.networkMinLockCost,
    blockEmission: 0n,
    netuids: [0],
  });
  const root: Subnet = {
    netuid: 0,
    name: 'root',
    owner: '',
    ownerHotkey: '',
    registeredAt: 0,
    mechanism: 0,
    taoIn: 0n,
    alphaIn: 0n,
    alphaOut: 0n,
    protocolAlpha: 0n,
    locked: 0n,
    pendingServer: 0n,
    pendingValidator: 0n,
    pendingOwnerCut: 0n,
    lastEpochBlock: 0,
    epochIndex: 0,
    lastMechStepBlock: 0,
    firstEmissionBlock: null,
    subtokenEnabled: true,
    movingPrice: 0n,
    burn: 0n,
    regsThisBlock: 0,
    regsThisInterval: 0,
    lastTaoEmission: 0n,
    alphaBurned: 0n,
    hyper: { ...DEFAULT_HYPERPARAMETERS, tempo: 0 },
    lastSet: {},
  };
  store.set(K.subnet(0), root);
  st.setNeurons(0, emptyNeurons());
  let issuance = 0n;
  for (const a of genesis.accounts ?? []) {
    st.addFree(a.address, a.balance);
    issuance += a.balance;
  }
  for (const s of genesis.subnets ?? []) {
    let netuid = s.netuid;
    if (netuid === undefined) {
      const used = new Set([...st.globals().netuids, ...seen]);
      netuid = 1;
      while (used.has(netuid)) netuid++;
      seen.add(netuid);
    }
    const lock = s.lock ?? params.networkMinLockCost;
    const created = createSubnet(st, {
      netuid,
      name: s.name ?? `subnet-${netuid}`,
      owner: s.owner,
      ownerHotkey: s.ownerHotkey,
      lock,
      block: 0,
      hyper: s.hyperparameters,
    });
    issuance += created.taoIn;
    if (s.started !== false) st.patchSubnet(netuid, { firstEmissionBlock: 1, subtokenEnabled: true });
  }
  st.setGlobals({ totalIssuance: issuance });
  return st;
}
