import type { AxonInfo, Chain, Metagraph } from '../chain/types.js';
import { type EpochSnapshot, type NeuronSummary, neuronFigures } from '../localnet/summary.js';

/** One neuron as the dashboard shows it: the localnet summary's fields plus what the metagraph adds. */
export interface DashboardNeuron extends NeuronSummary {
  coldkey: string;
  axon: string | null;
  registeredAt: number;
  lastUpdate: number;
  active: boolean;
}

/** One subnet at one block. */
export interface DashboardSubnet {
  netuid: number;
  name: string;
  tempo: number;
  /** Block of the next epoch, where the backend tells. */
  nextEpochBlock: number | null;
  /** Epochs recorded in the history for this subnet. */
  epochs: number;
  neurons: DashboardNeuron[];
  /** Validators' weights now: one row per uid that set weights, values normalised to [0, 1] of the row's sum. */
  weights: { uid: number; row: number[] }[];
}

export interface DashboardSnapshot {
  block: number;
  totalIssuance: bigint;
  subnets: DashboardSubnet[];
}

/** Role and miner profile of a hotkey, where the source knows them (a localnet does; a bare chain does not). */
export type Roles = (netuid: number, hotkey: string) => { role: NeuronSummary['role']; profile: string } | undefined;

/**
 * Reads what the dashboard shows from any chain backend, read-only: every subnet's metagraph
 * (with weights), its next epoch, and the roles the source knows. Unknown roles are inferred:
 * the subnet owner's hotkey is the owner, a uid that set weights is a validator, the rest miners.
 */
export async function readSnapshot(
  chain: Chain,
  history: readonly EpochSnapshot[],
  options: { netuids?: readonly number[]; roles?: Roles } = {},
): Promise<DashboardSnapshot> {
  const [block, totalIssuance, infos] = await Promise.all([
    chain.blockNumber(),
    chain.totalIssuance(),
    chain.subnets(),
  ]);
  // the root subnet (0) has no miners to show
  const wanted = infos
    .filter((s) => (options.netuids ? options.netuids.includes(s.netuid) : s.netuid !== 0))
    .sort((a, b) => a.netuid - b.netuid);
  const subnets = await Promise.all(
    wanted.map(async (info): Promise<DashboardSubnet> => {
      const m = await chain.metagraph(info.netuid, { weights: true });
      const known = lastKnownRoles(history, info.netuid);
      const neurons = m.uids.map((uid) => neuronOf(m, uid, info.ownerHotkey, known, options.roles));
      return {
        netuid: info.netuid,
        name: info.name || `subnet ${info.netuid}`,
        tempo: info.tempo,
        nextEpochBlock: info.nextEpochBlock ?? (info.tempo > 0 ? block + info.tempo - info.blocksSinceLastStep : null),
        epochs: history.filter((h) => h.netuid === info.netuid).at(-1)?.epoch ?? info.epochIndex ?? 0,
        neurons,
        weights: weightRows(m),
      };
    }),
  );
  return { block, totalIssuance, subnets };
}

/** Roles and profiles the history recorded last for a subnet, by hotkey. */
function lastKnownRoles(history: readonly EpochSnapshot[], netuid: number): Map<string, NeuronSummary> {
  const last = history.filter((h) => h.netuid === netuid).at(-1);
  return new Map((last?.neurons ?? []).map((n) => [n.hotkey, n]));
}

function neuronOf(
  m: Metagraph,
  uid: number,
  ownerHotkey: string,
  known: Map<string, NeuronSummary>,
  roles: Roles | undefined,
): DashboardNeuron {
  const hotkey = m.hotkeys[uid]!;
  const given = roles?.(m.netuid, hotkey) ?? known.get(hotkey);
  const setWeights = (m.weights?.[uid]?.length ?? 0) > 0;
  const role: NeuronSummary['role'] =
    given?.role ?? (hotkey === ownerHotkey ? 'owner' : setWeights ? 'validator' : 'miner');
  return {
    uid,
    hotkey,
    coldkey: m.coldkeys[uid] ?? '',
    role,
    profile: given?.profile ?? (role === 'miner' ? '' : role),
    ...neuronFigures(m, uid, role),
    axon: axonText(m.axons[uid] ?? null),
    registeredAt: m.blockAtRegistration[uid] ?? 0,
    lastUpdate: m.lastUpdate[uid] ?? 0,
    active: m.active[uid] ?? false,
  };
}

function axonText(a: AxonInfo | null): string | null {
  if (!a || a.port === 0) return null;
  return a.ipType === 6 ? `[${a.ip}]:${a.port}` : `${a.ip}:${a.port}`;
}

function weightRows(m: Metagraph): { uid: number; row: number[] }[] {
  const rows: { uid: number; row: number[] }[] = [];
  for (const uid of m.uids) {
    const sparse = m.weights?.[uid] ?? [];
    const total = sparse.reduce((a, [, w]) => a + w, 0);
    if (total === 0) continue;
    const row = Array<number>(m.n).fill(0);
    for (const [to, w] of sparse) if (to < m.n) row[to] = w / total;
    rows.push({ uid, row });
  }
  return rows;
}
