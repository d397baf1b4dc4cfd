import type { Signer } from '../util/signer.js';

/** Amounts are rao (1 TAO = 1e9 rao) or alpha rao, always bigint. */
export type Rao = bigint;

export interface AxonInfo {
  /** IPv4/IPv6 address as text, e.g. "127.0.0.1". */
  ip: string;
  port: number;
  /** 4 or 6. */
  ipType: 4 | 6;
  protocol: number;
  version: number;
  block: number;
}

export interface BlockHeader {
  number: number;
  hash: string;
  parentHash: string;
  /** Milliseconds since the Unix epoch (the block's timestamp). */
  timestamp: number;
}

export interface ChainEvent {
  /** e.g. "SubtensorModule". */
  pallet: string;
  /** subtensor's event name, e.g. "NeuronRegistered", "WeightsSet", "StakeAdded". */
  name: string;
  data: Record<string, unknown>;
  /** index of the extrinsic in the block, or null for block-level (coinbase, epoch) events. */
  extrinsicIndex: number | null;
}

/** The subnet hyperparameters the runtimes need (subtensor names, camelCased). */
export interface SubnetHyperparameters {
  tempo: number;
  rho: number;
  kappa: number;
  immunityPeriod: number;
  minAllowedWeights: number;
  maxWeightsLimit: number;
  maxAllowedUids: number;
  maxAllowedValidators: number;
  weightsVersion: bigint;
  weightsRateLimit: number;
  activityCutoff: number;
  registrationAllowed: boolean;
  targetRegistrationsPerInterval: number;
  maxRegistrationsPerBlock: number;
  adjustmentInterval: number;
  adjustmentAlpha: bigint;
  minBurn: Rao;
  maxBurn: Rao;
  burn: Rao;
  bondsMovingAvg: bigint;
  bondsPenalty: number;
  commitRevealWeightsEnabled: boolean;
  commitRevealPeriod: number;
  /**
   * CommitRevealWeightsVersion (chain-wide): 4 = drand-timelocked commits, the chain's default;
   * lower = hash commit-reveal (v2). Absent when a backend cannot tell.
   */
  commitRevealVersion?: number;
  liquidAlphaEnabled: boolean;
  alphaHigh: number;
  alphaLow: number;
  yuma3Enabled: boolean;
  bondsResetEnabled: boolean;
  servingRateLimit: number;
  stakeThreshold: Rao;
  [extra: string]: unknown;
}

export interface SubnetInfo {
  netuid: number;
  name: string;
  owner: string;
  ownerHotkey: string;
  n: number;
  maxN: number;
  tempo: number;
  registeredAt: number;
  /** Blocks since the last epoch. */
  blocksSinceLastStep: number;
  burn: Rao;
  /** TAO in the pool (rao), alpha in the pool, alpha outstanding. */
  taoIn: Rao;
  alphaIn: Rao;
  alphaOut: Rao;
  /** Price of alpha in TAO, as a float for display only (never used in consensus). */
  price: number;
  emissionPerBlock: Rao;
  /** Block of the next automatic epoch (current rule: LastEpochBlock + tempo), null when tempo is 0. Optional: backends that cannot tell omit it. */
  nextEpochBlock?: number | null;
  /** Epochs run so far (SubnetEpochIndex), where known. */
  epochIndex?: number;
  /** Whether start_call happened (emission and staking enabled), where known. */
  started?: boolean;
}

/** A subnet's metagraph, the SDK's fields; per-uid arrays are all of length n. */
export interface Metagraph {
  netuid: number;
  block: number;
  n: number;
  uids: number[];
  hotkeys: string[];
  coldkeys: string[];
  /** Alpha stake per uid (rao of alpha). */
  alphaStake: Rao[];
  /** Root (TAO) stake per uid. */
  taoStake: Rao[];
  /** Stake weight used by consensus (alpha + tao_weight · root), rao. */
  totalStake: Rao[];
  /** u16-normalised scores as numbers in [0, 1]. */
  ranks: number[];
  trust: number[];
  consensus: number[];
  validatorTrust: number[];
  incentive: number[];
  dividends: number[];
  /** Emission at the last epoch, rao of alpha. */
  emission: Rao[];
  active: boolean[];
  validatorPermit: boolean[];
  lastUpdate: number[];
  blockAtRegistration: number[];
  pruningScore: number[];
  axons: (AxonInfo | null)[];
  /** Present when asked for: sparse rows of [uid, u16]. */
  weights?: [number, number][][];
  bonds?: [number, number][][];
}

export interface StakeInfo {
  hotkey: string;
  coldkey: string;
  netuid: number;
  /** Alpha held. */
  stake: Rao;
}

/** A (proportion of u64::MAX, hotkey) link of `ChildKeys` / `ParentKeys`. */
export interface ChildkeyLink {
  proportion: bigint;
  hotkey: string;
}

/** A hotkey's childkey state on one subnet (chain.md §9.4). */
export interface ChildkeyInfo {
  hotkey: string;
  netuid: number;
  children: ChildkeyLink[];
  parents: ChildkeyLink[];
  /** A scheduled `set_children`, applied at the subnet's first epoch at or after `coolDownBlock`. */
  pending: { children: ChildkeyLink[]; coolDownBlock: number } | null;
  /** ChildkeyTake, u16 fraction of 65535. */
  take: number;
}

/** Every state change the runtimes make, as subtensor calls. */
export type ChainCall =
  | { pallet: 'Balances'; method: 'transfer_keep_alive' | 'transfer_allow_death'; args: { dest: string; value: Rao } }
  | { pallet: 'SubtensorModule'; method: 'register_network'; args: { hotkey: string } }
  | { pallet: 'SubtensorModule'; method: 'burned_register'; args: { netuid: number; hotkey: string } }
  | {
      pallet: 'SubtensorModule';
      method: 'serve_axon';
      args: { netuid: number; version: number; ip: string; port: number; ipType: 4 | 6; protocol: number };
    }
  | {
      pallet: 'SubtensorModule';
      method: 'set_weights';
      args: { netuid: number; dests: number[]; weights: number[]; versionKey: bigint };
    }
  | { pallet: 'SubtensorModule'; method: 'commit_weights'; args: { netuid: number; commitHash: string } }
  | {
      pallet: 'SubtensorModule';
      method: 'reveal_weights';
      args: { netuid: number; uids: number[]; values: number[]; salt: number[]; versionKey: bigint };
    }
  /**
   * Commit-reveal v3/v4: `commit` is a timelock ciphertext (0x-hex, at most 5000 bytes) of the
   * SCALE weights payload, encrypted to drand round `revealRound`; the chain reveals it itself.
   */
  | {
      pallet: 'SubtensorModule';
      method: 'commit_timelocked_weights';
      args: { netuid: number; commit: string; revealRound: bigint; commitRevealVersion: number };
    }
  | {
      pallet: 'SubtensorModule';
      method: 'commit_timelocked_mechanism_weights';
      args: { netuid: number; mecid: number; commit: string; revealRound: bigint; commitRevealVersion: number };
    }
  | { pallet: 'SubtensorModule'; method: 'add_stake'; args: { hotkey: string; netuid: number; amountStaked: Rao } }
  | { pallet: 'SubtensorModule'; method: 'remove_stake'; args: { hotkey: string; netuid: number; amountUnstaked: Rao } }
  /** Stake with a price limit (rao of TAO per alpha, chain.md §4.2); `allowPartial` fills up to the limit. */
  | {
      pallet: 'SubtensorModule';
      method: 'add_stake_limit';
      args: { hotkey: string; netuid: number; amountStaked: Rao; limitPrice: Rao; allowPartial: boolean };
    }
  | {
      pallet: 'SubtensorModule';
      method: 'remove_stake_limit';
      args: { hotkey: string; netuid: number; amountUnstaked: Rao; limitPrice: Rao; allowPartial: boolean };
    }
  /** Stake moves (chain.md §9.1); amounts are alpha of the origin subnet. */
  | {
      pallet: 'SubtensorModule';
      method: 'move_stake';
      args: {
        originHotkey: string;
        destinationHotkey: string;
        originNetuid: number;
        destinationNetuid: number;
        alphaAmount: Rao;
      };
    }
  | {
      pallet: 'SubtensorModule';
      method: 'transfer_stake';
      args: {
        destinationColdkey: string;
        hotkey: string;
        originNetuid: number;
        destinationNetuid: number;
        alphaAmount: Rao;
      };
    }
  | {
      pallet: 'SubtensorModule';
      method: 'swap_stake';
      args: { hotkey: string; originNetuid: number; destinationNetuid: number; alphaAmount: Rao };
    }
  /** Every stake of the signer's coldkey on `hotkey`, all subnets, sold to TAO. */
  | { pallet: 'SubtensorModule'; method: 'unstake_all'; args: { hotkey: string } }
  /** register_network with an identity; Subnetkit sets only its name (the other fields stay empty). */
  | { pallet: 'SubtensorModule'; method: 'register_network_with_identity'; args: { hotkey: string; name?: string } }
  | { pallet: 'SubtensorModule'; method: 'start_call'; args: { netuid: number } }
  /**
   * Childkeys (chain.md §9.4): `children` are (proportion of u64::MAX, child hotkey) pairs; the
   * change is scheduled and applies at the subnet's first epoch after the cooldown. An empty list
   * removes every child.
   */
  | {
      pallet: 'SubtensorModule';
      method: 'set_children';
      args: { hotkey: string; netuid: number; children: [proportion: bigint, child: string][] };
    }
  /** The take (u16 fraction of 65535, at most 18 %) a child keeps of what its parents' stake earns it. */
  | { pallet: 'SubtensorModule'; method: 'set_childkey_take'; args: { hotkey: string; netuid: number; take: number } }
  /** The subnet's identity; Subnetkit sets only the name (the other identity fields stay empty). */
  | { pallet: 'SubtensorModule'; method: 'set_subnet_identity'; args: { netuid: number; name: string } }
  | {
      pallet: 'AdminUtils';
      method: 'set_hyperparameter';
      /**
       * `name` is the subtensor hyperparameter (e.g. "tempo", "weights_rate_limit"). Signed by the
       * subnet owner (owner setters) or the sudo key, as root (the subtensor backend then sends it
       * inside `Sudo.sudo`).
       */
      args: { netuid: number; name: string; value: bigint | number | boolean };
    };

/**
 * The chain's timelock beacon (pallet Drand), what a client needs to encrypt weight commits: the
 * key, the round schedule and the chain's position on it.
 */
export interface TimelockBeaconInfo {
  /** G2 public key, 0x-hex of 96 bytes compressed (drand quicknet's on the real chain). */
  publicKey: string;
  /** Unix seconds of round 1 on the beacon's clock, and seconds per round. */
  genesisTime: number;
  period: number;
  /** Drand.LastStoredRound: commits to older rounds are refused (InvalidRevealRound). */
  lastStoredRound: bigint;
  /** Head block number and its time on the beacon's clock (seconds), to extrapolate rounds by block. */
  headBlock: number;
  now: number;
  /** Seconds per block on the beacon's clock (12 on the real chain). */
  blockTime: number;
}

export interface ExtrinsicResult {
  blockNumber: number;
  blockHash: string;
  /** The events the extrinsic emitted. */
  events: ChainEvent[];
}

export type Unsubscribe = () => void;

/**
 * The chain, as every runtime sees it. Two backends implement it: the embedded local chain
 * (default) and @polkadot/api against a subtensor node. Queries read the latest finalised
 * state; `submit` signs with the given key and resolves once the extrinsic is in a block, or
 * rejects with a SubnetkitError whose `details.chainError` is subtensor's error name.
 */
export interface Chain {
  readonly kind: 'local' | 'subtensor';
  /**
   * The node's Substrate chain type: 'Development' or 'Local' for dev chains (the local chain and
   * the devnet are 'Development'), 'Live' for finney and test; 'Live' too when a node does not say.
   */
  readonly chainType: string;
  blockNumber(): Promise<number>;
  blockHash(number?: number): Promise<string>;
  balance(address: string): Promise<Rao>;
  totalIssuance(): Promise<Rao>;
  subnets(): Promise<SubnetInfo[]>;
  subnet(netuid: number): Promise<SubnetInfo | null>;
  hyperparameters(netuid: number): Promise<SubnetHyperparameters>;
  metagraph(netuid: number, options?: { weights?: boolean; bonds?: boolean }): Promise<Metagraph>;
  /** The uid of a hotkey on a subnet, or null. */
  uidOf(netuid: number, hotkey: string): Promise<number | null>;
  stake(hotkey: string, coldkey: string, netuid: number): Promise<Rao>;
  stakesOf(coldkey: string): Promise<StakeInfo[]>;
  /** Current burn to register a neuron on `netuid`. */
  burnCost(netuid: number): Promise<Rao>;
  /** Current lock cost to register a subnet. */
  networkLockCost(): Promise<Rao>;
  submit(signer: Signer, call: ChainCall): Promise<ExtrinsicResult>;
  /** The drand-like beacon timelocked weight commits are encrypted to; null when the chain has none. Optional for other implementations. */
  timelockBeacon?(): Promise<TimelockBeaconInfo | null>;
  /** A hotkey's childkeys on a subnet (ChildKeys, ParentKeys, PendingChildKeys, ChildkeyTake). Optional for other implementations. */
  childkeys?(hotkey: string, netuid: number): Promise<ChildkeyInfo>;
  onBlock(listener: (header: BlockHeader) => void): Unsubscribe;
  onEvents(listener: (events: ChainEvent[], header: BlockHeader) => void): Unsubscribe;
  close(): Promise<void>;
}
