import type { Chain } from '../chain/types.js';
import type { LocalNetwork } from '../localnet/network.js';
import type { EpochSnapshot } from '../localnet/summary.js';
import { type Roles, readSnapshot } from './snapshot.js';

/** One answer of a miner as a validator saw it in a step. */
export interface Observation {
  block: number;
  /** The validator's uid. */
  validator: number;
  /** The step's reward for this miner's answer, in [0, 1]; absent when the truth comes later. */
  reward?: number;
  latencyMs?: number;
  ok?: boolean;
}

/** What the dashboard reads: any chain backend, plus what a localnet knows beyond the chain. */
export interface DashboardSource {
  title: string;
  chain: Chain;
  /** True when the dashboard watches a chain it does not run (`subnetkit dashboard`). */
  readOnly: boolean;
  /** Subnets to show (default: every subnet but root). */
  netuids?: readonly number[];
  /** The per-epoch history, oldest first. */
  history(): readonly EpochSnapshot[];
  roles?: Roles;
  /** Answers of one miner as validators scored them, oldest first; empty where nobody reports them. */
  observations(netuid: number, uid: number): readonly Observation[];
  /** Stops whatever the source subscribed to (not the chain: its owner closes it). */
  close(): void;
}

/** Observations kept per neuron: enough for a chart, bounded in memory over a long run. */
const KEEP = 600;

class ObservationLog {
  readonly #byNeuron = new Map<string, Observation[]>();

  add(netuid: number, uid: number, o: Observation): void {
    const key = `${netuid}/${uid}`;
    const list = this.#byNeuron.get(key) ?? [];
    list.push(o);
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
    this.#byNeuron.set(key, list);
  }

  get(netuid: number, uid: number): readonly Observation[] {
    return this.#byNeuron.get(`${netuid}/${uid}`) ?? [];
  }
}

/**
 * The source of a localnet this process runs: roles and miner profiles from the network, the
 * history it persists, and each validator step's rewards and latencies as they happen.
 */
export async function localNetworkSource(network: LocalNetwork, title: string): Promise<DashboardSource> {
  const summary = await network.summary();
  const roles = new Map<string, { role: 'owner' | 'validator' | 'miner'; profile: string }>();
  const netuidOfHotkey = new Map<string, number>();
  for (const s of summary.subnets) {
    for (const n of s.neurons) {
      roles.set(`${s.netuid}/${n.hotkey}`, { role: n.role, profile: n.profile });
      if (n.role === 'validator') netuidOfHotkey.set(n.hotkey, s.netuid);
    }
  }
  const log = new ObservationLog();
  const lastStep = new Map<string, number>();
  const unsubscribe = network.chain.onBlock(() => {
    for (const v of network.validators()) {
      const report = v.lastReport;
      const netuid = netuidOfHotkey.get(v.hotkey);
      if (!report || netuid === undefined || v.uid === null || lastStep.get(v.hotkey) === report.step) continue;
      lastStep.set(v.hotkey, report.step);
      const rewards = new Map(report.rewards.map((r) => [r.uid, r.reward]));
      const seen = report.latencies ?? report.rewards.map((r) => ({ uid: r.uid, ok: true, latencyMs: undefined }));
      for (const a of seen) {
        const reward = rewards.get(a.uid);
        log.add(netuid, a.uid, {
          block: report.block,
          validator: v.uid,
          ok: a.ok,
          ...(reward !== undefined ? { reward } : {}),
          ...(a.latencyMs !== undefined ? { latencyMs: a.latencyMs } : {}),
        });
      }
    }
  });
  return {
    title,
    chain: network.chain,
    readOnly: false,
    netuids: summary.subnets.map((s) => s.netuid),
    history: () => network.history(),
    roles: (netuid, hotkey) => roles.get(`${netuid}/${hotkey}`),
    observations: (netuid, uid) => log.get(netuid, uid),
    close: unsubscribe,
  };
}

/**
 * The source of a chain this process only watches: the history given (a stopped or running
 * localnet's history.jsonl), extended in memory with each epoch the chain reports while the
 * dashboard runs. Nothing is written anywhere.
 */
export function chainSource(
  chain: Chain,
  options: { title: string; history?: readonly EpochSnapshot[] },
): DashboardSource {
  const history: EpochSnapshot[] = [...(options.history ?? [])];
  const unsubscribe = chain.onEvents((events) => {
    for (const e of events) {
      if (e.name !== 'IncentiveAlphaEmittedToMiners') continue;
      const netuid = Number(e.data.netuid);
      void recordEpoch(chain, history, netuid).catch(() => undefined);
    }
  });
  return {
    title: options.title,
    chain,
    readOnly: true,
    history: () => history,
    observations: () => [],
    close: unsubscribe,
  };
}

async function recordEpoch(chain: Chain, history: EpochSnapshot[], netuid: number): Promise<void> {
  const snap = await readSnapshot(chain, history, { netuids: [netuid] });
  const subnet = snap.subnets[0];
  if (!subnet) return;
  const epoch = (history.filter((h) => h.netuid === netuid).at(-1)?.epoch ?? 0) + 1;
  history.push({
    block: snap.block,
    netuid,
    subnet: subnet.name,
    epoch,
    neurons: subnet.neurons.map(
      ({ uid, hotkey, role, profile, stake, incentive, dividends, emission, trust, validatorPermit }) => ({
        uid,
        hotkey,
        role,
        profile,
        stake,
        incentive,
        dividends,
        emission,
        trust,
        validatorPermit,
      }),
    ),
  });
}
