import type { Metagraph } from '../chain/types.js';
/** The localnet's summary (`subnetkit localnet --epochs N --json`): amounts in rao as bigint, scores in [0, 1]. */
export interface NeuronSummary {
  uid: number;
  hotkey: string;
  role: 'owner' | 'validator' | 'miner';
  profile: string;
  stake: bigint;
  incentive: number;
  dividends: number;
  emission: bigint;
  trust: number;
  validatorPermit: boolean;
}

/** A uid's chain figures as the summary, the report and the dashboard show them. */
export function neuronFigures(
  m: Metagraph,
  uid: number,
  role: NeuronSummary['role'],
): Pick<NeuronSummary, 'stake' | 'incentive' | 'dividends' | 'emission' | 'trust' | 'validatorPermit'> {
  return {
    stake: m.totalStake[uid] ?? 0n,
    incentive: m.incentive[uid] ?? 0,
    dividends: m.dividends[uid] ?? 0,
    emission: m.emission[uid] ?? 0n,
    // the chain's Trust is deprecated (always 0): show consensus for miners, validator trust for validators
    trust: (role === 'miner' ? m.consensus[uid] : m.validatorTrust[uid]) ?? 0,
    validatorPermit: m.validatorPermit[uid] ?? false,
  };
}

export interface SubnetSummary {
  netuid: number;
  name: string;
  /** Epochs this subnet has run since the network started (across restarts when its history is kept). */
  epochs: number;
  neurons: NeuronSummary[];
}

export interface NetworkSummary {
  block: number;
  totalIssuance: bigint;
  subnets: SubnetSummary[];
}

/** One row of history: the network as it stood after an epoch of one subnet. */
export interface EpochSnapshot {
  block: number;
  netuid: number;
  subnet: string;
  epoch: number;
  neurons: NeuronSummary[];
}

/** Mean incentive per miner profile, for "honest beats every cheater" checks and reports. */
export function incentiveByProfile(neurons: readonly NeuronSummary[]): Record<string, number> {
  const sums = new Map<string, { total: number; count: number }>();
  for (const n of neurons) {
    if (n.role !== 'miner') continue;
    const s = sums.get(n.profile) ?? { total: 0, count: 0 };
    s.total += n.incentive;
    s.count += 1;
    sums.set(n.profile, s);
  }
  return Object.fromEntries([...sums].map(([p, s]) => [p, s.total / s.count]));
}
