import { LocalBeacon } from '../../timelock/beacon.js';
import type { ChainParams } from './params.js';
import type { ChainState } from './state.js';

/**
 * The local chain's pallet Drand: a beacon key derived from the genesis hash signs rounds on
 * quicknet's 3 s schedule, laid on the block clock (`beaconSecondsPerBlock` per block, block 0 =
 * beacon genesis). Pulses are not written to the store: a BLS signature is deterministic, so
 * `Pulses[r]` for r ≤ LastStoredRound is recomputed on read (what storage would hold).
 */
export const BEACON_PERIOD = 3;
/** Beacon genesis on the block clock. */
export const BEACON_GENESIS = 0;
/** pallet_drand keeps at most this many pulses (MAX_KEPT_PULSES). */
export const MAX_KEPT_PULSES = 216_000;

/** Beacon-clock seconds of a block. */
export function beaconTime(block: number, params: Pick<ChainParams, 'beaconSecondsPerBlock'>): number {
  return BEACON_GENESIS + block * params.beaconSecondsPerBlock;
}

/** Drand.LastStoredRound once block `block` is built: every round published by its beacon time. */
export function lastStoredRound(block: number, params: Pick<ChainParams, 'beaconSecondsPerBlock'>): bigint {
  return BigInt(Math.floor((beaconTime(block, params) - BEACON_GENESIS) / BEACON_PERIOD) + 1);
}

/** Drand.OldestStoredRound: pruning keeps the newest MAX_KEPT_PULSES rounds. */
export function oldestStoredRound(block: number, params: Pick<ChainParams, 'beaconSecondsPerBlock'>): bigint {
  const last = lastStoredRound(block, params);
  return last > BigInt(MAX_KEPT_PULSES) ? last - BigInt(MAX_KEPT_PULSES) + 1n : 1n;
}

const beacons = new WeakMap<ChainState, LocalBeacon>();

/** Binds the chain's beacon (seeded by its genesis hash) to its state. */
export function attachBeacon(st: ChainState, genesisHash: string): LocalBeacon {
  const beacon = new LocalBeacon(Uint8Array.from(Buffer.from(`${genesisHash}/drand`, 'utf8')));
  beacons.set(st, beacon);
  return beacon;
}

/** The beacon of a chain state, or undefined when none was attached (bare states in unit tests). */
export function beaconOf(st: ChainState): LocalBeacon | undefined {
  return beacons.get(st);
}

/** The stored pulse signature of a round at block `block`, or null when not (or no longer) stored. */
export function pulseSignature(st: ChainState, round: bigint, block: number): Uint8Array | null {
  const beacon = beaconOf(st);
  if (!beacon) return null;
  if (round < oldestStoredRound(block, st.params) || round > lastStoredRound(block, st.params)) return null;
  return beacon.sign(round);
}
