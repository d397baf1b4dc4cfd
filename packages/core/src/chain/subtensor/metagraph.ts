import type { Metagraph } from '../types.js';
import { type Json, metagraphFromRuntime, sparseRows, toNum } from './decode.js';
import type { StorageReader } from './storage.js';

/**
 * A metagraph from storage alone, for runtimes without `NeuronInfoRuntimeApi` (or with runtime
 * APIs off): the per-uid vectors, keys and axons, shaped as `get_neurons_lite` would give them.
 */
export async function readMetagraphFromStorage(
  reader: StorageReader,
  netuid: number,
  block: number,
): Promise<Metagraph> {
  const { read, storage } = reader;
  const n = toNum(await read('SubtensorModule', 'SubnetworkN', netuid));
  const vec = async (item: string): Promise<Json[]> => {
    const v = await read('SubtensorModule', item, netuid);
    return Array.isArray(v) ? v : [];
  };
  const keys = storage('SubtensorModule', 'Keys');
  const hotkeyEntries = keys ? await keys.entries(netuid) : [];
  const hotkeys: string[] = Array.from({ length: n }, () => '');
  for (const [key, value] of hotkeyEntries) {
    const uid = (key.args[1] as unknown as { toNumber(): number }).toNumber();
    if (uid < n) hotkeys[uid] = value.toString();
  }
  const vectors = await Promise.all(
    [
      'Rank',
      'Trust',
      'Consensus',
      'ValidatorTrust',
      'Incentive',
      'Dividends',
      'Emission',
      'Active',
      'ValidatorPermit',
      'LastUpdate',
      'PruningScores',
    ].map(vec),
  );
  const [rank, trust, consensus, vtrust, incentive, dividends, emission, active, permit, lastUpdate, pruning] =
    vectors as [Json[], Json[], Json[], Json[], Json[], Json[], Json[], Json[], Json[], Json[], Json[]];
  const neurons = await Promise.all(
    hotkeys.map(async (hotkey, uid) => {
      const [coldkey, axon, alpha, regBlock] = await Promise.all([
        read('SubtensorModule', 'Owner', hotkey),
        read('SubtensorModule', 'Axons', netuid, hotkey),
        read('SubtensorModule', 'TotalHotkeyAlpha', hotkey, netuid),
        read('SubtensorModule', 'BlockAtRegistration', netuid, uid),
      ]);
      return { coldkey, axon, alpha, regBlock };
    }),
  );
  const neuronsLite: Json = hotkeys.map((hotkey, uid) => ({
    hotkey,
    coldkey: (neurons[uid]?.coldkey as string) ?? '',
    uid,
    netuid,
    active: active[uid] ?? false,
    axonInfo: neurons[uid]?.axon ?? null,
    stake: [[(neurons[uid]?.coldkey as string) ?? '', neurons[uid]?.alpha ?? 0]],
    rank: rank[uid] ?? 0,
    emission: emission[uid] ?? 0,
    incentive: incentive[uid] ?? 0,
    consensus: consensus[uid] ?? 0,
    trust: trust[uid] ?? 0,
    validatorTrust: vtrust[uid] ?? 0,
    dividends: dividends[uid] ?? 0,
    lastUpdate: lastUpdate[uid] ?? 0,
    validatorPermit: permit[uid] ?? false,
    pruningScore: pruning[uid] ?? 0,
  }));
  const mg = metagraphFromRuntime(netuid, block, neuronsLite, null);
  mg.blockAtRegistration = neurons.map((x) => toNum(x.regBlock ?? 0));
  return mg;
}

/** Sparse `Weights` or `Bonds` rows of a subnet (empty rows when the runtime lacks the item). */
export async function readWeightRows(
  reader: StorageReader,
  item: 'Weights' | 'Bonds',
  netuid: number,
  n: number,
): Promise<[number, number][][]> {
  const { storage } = reader;
  const fn = storage('SubtensorModule', item);
  if (!fn) return Array.from({ length: n }, () => []);
  const entries = await fn.entries(netuid);
  return sparseRows(
    n,
    entries.map(([key, value]) => [
      (key.args[1] as unknown as { toNumber(): number }).toNumber(),
      value.toJSON() as Json,
    ]),
  );
}
