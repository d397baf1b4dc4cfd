import { SubnetkitError } from '../../errors/subnetkit-error.js';
import { QUICKNET } from '../../timelock/quicknet.js';
import type { Signer } from '../../util/signer.js';
import { hyperparameterStorage } from '../codec/hyperparameters.js';
import type {
  BlockHeader,
  Chain,
  ChainCall,
  ChainEvent,
  ChildkeyInfo,
  ExtrinsicResult,
  Metagraph,
  StakeInfo,
  SubnetHyperparameters,
  SubnetInfo,
  TimelockBeaconInfo,
} from '../types.js';
import { type ConnectionOptions, connectSubtensor, timeoutError, withTimeout } from './connection.js';
import {
  bytesToText,
  hyperparametersFromRuntime,
  type Json,
  metagraphFromRuntime,
  subnetInfoFromStorage,
  toBig,
  toNum,
} from './decode.js';

export { type ProviderInterface, resolveEndpoint, SUBTENSOR_ENDPOINTS } from './connection.js';

import { chainEvents, type EventRecordLike } from './events.js';
import { readMetagraphFromStorage, readWeightRows } from './metagraph.js';
import { storageReader } from './storage.js';
import { submitCall } from './submit.js';

export { codecValue } from './events.js';

export interface SubtensorChainOptions extends ConnectionOptions {
  /** Limit for connecting and for each query; `submit` gets 4× this to reach inclusion. Default 30 s. */
  timeoutMs?: number;
  /**
   * Use the runtime APIs (`state_call`) where the metadata has them (default). `false` reads
   * everything from storage, as against a node without V15 metadata.
   */
  runtimeApis?: boolean;
}

/** Hyperparameter runtime-API fields → storage items, for runtimes without the API (from the registry). */
const HYPERPARAM_STORAGE: Record<string, string> = hyperparameterStorage();

/** The all-zero AccountId (a storage default) means "no account". */
const ZERO_ACCOUNT = '5C4hrfjw9DjXZTzV3MwzrrAr9P1MJhSrvWGWqi1eSuyUpnhM';
function accountOrEmpty(value: Json | undefined): string {
  return typeof value === 'string' && value !== ZERO_ACCOUNT ? value : '';
}

/**
 * Connects to a subtensor node with @polkadot/api and returns it as a `Chain`. Calls, storage
 * items and runtime APIs are looked up by name in the node's own metadata, so the same code serves
 * runtimes 219 … 425. Rejects with SK_CHAIN_CONNECTION / SK_CHAIN_TIMEOUT when the node cannot be
 * reached or initialised within `timeoutMs`.
 *
 * @example
 * const chain = await createSubtensorChain({ endpoint: 'test', timeoutMs: 20_000 });
 * const mg = await chain.metagraph(1);
 */
export async function createSubtensorChain(options: SubtensorChainOptions): Promise<Chain> {
  const connection = await connectSubtensor(options);
  const { api, url, timeoutMs, call } = connection;
  const reader = storageReader(api, options.runtimeApis !== false);
  const { storage, read, readMany, readAt, runtime } = reader;
  const toChainEvents = chainEvents(api);
  const submit = (signer: Signer, chainCall: ChainCall): Promise<ExtrinsicResult> =>
    submitCall(connection, signer, chainCall, { read, toChainEvents });
  const log = options.logger?.child({ component: 'subtensor-chain', endpoint: url });

  const subnetExists = async (netuid: number): Promise<boolean> =>
    (await read('SubtensorModule', 'NetworksAdded', netuid)) === true;
  const requireSubnet = async (netuid: number): Promise<void> => {
    if (!(await subnetExists(netuid))) {
      throw new SubnetkitError('SK_CHAIN_NOT_FOUND', `Subnet ${netuid} does not exist on this chain.`, {
        netuid,
        chainError: 'SubnetNotExists',
      });
    }
  };

  const subnetInfo = async (netuid: number): Promise<SubnetInfo> => {
    const items = [
      'SubnetworkN',
      'MaxAllowedUids',
      'Tempo',
      'NetworkRegisteredAt',
      'BlocksSinceLastStep',
      'Burn',
      'SubnetTAO',
      'SubnetAlphaIn',
      'SubnetAlphaOut',
      'SubnetOwner',
      'SubnetOwnerHotkey',
      'SubnetIdentitiesV3',
      'SubnetName',
      'SubnetTaoInEmission',
      'EmissionValues',
      'SubtokenEnabled',
    ];
    const [
      n,
      maxN,
      tempo,
      registeredAt,
      since,
      burn,
      taoIn,
      alphaIn,
      alphaOut,
      owner,
      ownerHotkey,
      identity,
      legacyName,
      taoEmission,
      emissionValue,
      subtoken,
    ] = await readMany(items.map((item) => ['SubtensorModule', item, netuid] as const));
    const priceFn = runtime('SwapRuntimeApi', 'current_alpha_price');
    const priceRao = priceFn ? toBig((await priceFn(netuid)).toJSON() as Json) : null;
    const idObj = identity && typeof identity === 'object' && !Array.isArray(identity) ? identity : null;
    return subnetInfoFromStorage({
      netuid,
      name: idObj ? bytesToText(idObj.subnetName) : bytesToText(legacyName ?? undefined),
      owner: accountOrEmpty(owner),
      ownerHotkey: accountOrEmpty(ownerHotkey),
      n: toNum(n),
      maxN: toNum(maxN),
      tempo: toNum(tempo),
      registeredAt: toNum(registeredAt),
      blocksSinceLastStep: toNum(since),
      burn: toBig(burn),
      taoIn: toBig(taoIn),
      alphaIn: toBig(alphaIn),
      alphaOut: toBig(alphaOut),
      priceRao,
      emissionPerBlock: toBig(taoEmission ?? emissionValue),
      // Pre-dTAO runtimes have no SubtokenEnabled: every subnet there is live.
      started: subtoken === undefined ? undefined : subtoken === true,
    });
  };

  const metagraphFromStorage = (netuid: number, block: number): Promise<Metagraph> =>
    readMetagraphFromStorage(reader, netuid, block);
  const weightRows = (item: 'Weights' | 'Bonds', netuid: number, n: number): Promise<[number, number][][]> =>
    readWeightRows(reader, item, netuid, n);

  const blockListeners = new Set<(header: BlockHeader) => void>();
  const eventListeners = new Set<(events: ChainEvent[], header: BlockHeader) => void>();
  let headSub: Promise<() => void> | null = null;
  let queue: Promise<void> = Promise.resolve();

  const ensureHeadSubscription = (): void => {
    if (headSub) return;
    headSub = api.rpc.chain.subscribeNewHeads((h) => {
      const hash = h.hash.toHex();
      // Serialise: listeners see blocks in order even though each needs two reads.
      queue = queue
        .then(async () => {
          const header: BlockHeader = {
            number: h.number.toNumber(),
            hash,
            parentHash: h.parentHash.toHex(),
            timestamp: 0,
          };
          const now = await readAt('Timestamp', 'Now', hash);
          if (now) header.timestamp = Number(toBig(now.toJSON() as Json));
          for (const l of blockListeners) l(header);
          if (eventListeners.size > 0) {
            const records = (await readAt('System', 'Events', hash)) as unknown as EventRecordLike[] | undefined;
            const events = toChainEvents(records ?? []);
            for (const l of eventListeners) l(events, header);
          }
        })
        .catch((err: unknown) =>
          log?.warn({ event: 'chain.head_failed', err: (err as Error).message }, 'could not read a new block'),
        );
    });
    headSub.catch((err: unknown) => {
      headSub = null;
      log?.warn({ event: 'chain.subscribe_failed', err: (err as Error).message }, 'new-head subscription failed');
    });
  };
  const maybeStopHeads = (): void => {
    if (blockListeners.size === 0 && eventListeners.size === 0 && headSub) {
      const sub = headSub;
      headSub = null;
      sub.then((unsub) => unsub()).catch(() => undefined);
    }
  };

  // a node that cannot say is treated as live: callers guard real-money actions on this
  const chainType = await withTimeout(api.rpc.system.chainType(), timeoutMs, () =>
    timeoutError('system_chainType', timeoutMs),
  )
    .then((t) => t.toString())
    .catch(() => 'Live');

  const chain: Chain = {
    kind: 'subtensor',
    chainType,

    blockNumber: () => call('blockNumber', async () => (await api.rpc.chain.getHeader()).number.toNumber()),

    blockHash: (number?: number) =>
      call('blockHash', async () => {
        if (number === undefined) return (await api.rpc.chain.getBlockHash()).toHex();
        const hash = await api.rpc.chain.getBlockHash(number);
        if (hash.isEmpty)
          throw new SubnetkitError('SK_CHAIN_NOT_FOUND', `Block ${number} does not exist yet.`, { number });
        return hash.toHex();
      }),

    balance: (address: string) =>
      call('balance', async () => {
        const account = (await read('System', 'Account', address)) as { data?: { free?: Json } } | null;
        return toBig(account?.data?.free);
      }),

    totalIssuance: () =>
      call('totalIssuance', async () =>
        toBig((await read('SubtensorModule', 'TotalIssuance')) ?? (await read('Balances', 'TotalIssuance'))),
      ),

    subnets: () =>
      call('subnets', async () => {
        const added = storage('SubtensorModule', 'NetworksAdded');
        if (!added) return [];
        const entries = await added.entries();
        const netuids = entries
          .filter(([, v]) => v.toJSON() === true)
          .map(([k]) => (k.args[0] as unknown as { toNumber(): number }).toNumber())
          .sort((a, b) => a - b);
        return Promise.all(netuids.map(subnetInfo));
      }),

    subnet: (netuid: number) => call('subnet', async () => ((await subnetExists(netuid)) ? subnetInfo(netuid) : null)),

    hyperparameters: (netuid: number) =>
      call('hyperparameters', async (): Promise<SubnetHyperparameters> => {
        await requireSubnet(netuid);
        const fn =
          runtime('SubnetInfoRuntimeApi', 'get_subnet_hyperparams_v2') ??
          runtime('SubnetInfoRuntimeApi', 'get_subnet_hyperparams');
        let raw: Json;
        if (fn) {
          raw = (await fn(netuid)).toJSON() as Json;
        } else {
          const values = await Promise.all(
            Object.values(HYPERPARAM_STORAGE).map((item) => read('SubtensorModule', item, netuid)),
          );
          const obj: Record<string, Json> = {};
          Object.keys(HYPERPARAM_STORAGE).forEach((k, i) => {
            obj[k] = values[i] ?? null;
          });
          const alpha = await read('SubtensorModule', 'AlphaValues', netuid);
          if (Array.isArray(alpha)) [obj.alphaLow, obj.alphaHigh] = alpha as [Json, Json];
          raw = obj;
        }
        if (raw === null)
          throw new SubnetkitError('SK_CHAIN_NOT_FOUND', `Subnet ${netuid} has no hyperparameters.`, { netuid });
        const [maxUids, burn, penalty, threshold, yuma3, crVersion] = await Promise.all([
          read('SubtensorModule', 'MaxAllowedUids', netuid),
          read('SubtensorModule', 'Burn', netuid),
          read('SubtensorModule', 'BondsPenalty', netuid),
          read('SubtensorModule', 'StakeThreshold'),
          read('SubtensorModule', 'Yuma3On', netuid),
          read('SubtensorModule', 'CommitRevealWeightsVersion'),
        ]);
        const hyper = hyperparametersFromRuntime(raw, {
          maxAllowedUids: toNum(maxUids),
          burn: toBig(burn),
          bondsPenalty: toNum(penalty),
          stakeThreshold: toBig(threshold),
          yuma3Enabled: typeof yuma3 === 'boolean' ? yuma3 : null,
        });
        // chain-wide CommitRevealWeightsVersion; runtimes before timelocked commits have no such item
        return crVersion === undefined || crVersion === null
          ? hyper
          : { ...hyper, commitRevealVersion: toNum(crVersion) };
      }),

    timelockBeacon: () =>
      call('timelockBeacon', async (): Promise<TimelockBeaconInfo | null> => {
        const [config, last] = await readMany([
          ['Drand', 'BeaconConfig'],
          ['Drand', 'LastStoredRound'],
        ]);
        if (last === undefined) return null;
        const c = (config ?? {}) as { publicKey?: Json; period?: Json; genesisTime?: Json };
        const key = typeof c.publicKey === 'string' && c.publicKey.length > 2 ? c.publicKey : `0x${QUICKNET.publicKey}`;
        const isQuicknet = key.replace(/^0x/, '').toLowerCase() === QUICKNET.publicKey;
        const period = isQuicknet ? QUICKNET.period : toNum(c.period) || QUICKNET.period;
        const genesisTime = isQuicknet ? QUICKNET.genesisTime : toNum(c.genesisTime);
        const lastStoredRound = toBig(last);
        const headBlock = (await api.rpc.chain.getHeader()).number.toNumber();
        // quicknet: the caller's clock, as the SDK; a chain's own beacon (devnet): the latest pulse's time
        const now = isQuicknet ? Date.now() / 1000 : genesisTime + Math.max(0, Number(lastStoredRound) - 1) * period;
        return { publicKey: key, genesisTime, period, lastStoredRound, headBlock, now, blockTime: 12 };
      }),

    metagraph: (netuid: number, opts?: { weights?: boolean; bonds?: boolean }) =>
      call('metagraph', async () => {
        await requireSubnet(netuid);
        const block = (await api.rpc.chain.getHeader()).number.toNumber();
        const lite = runtime('NeuronInfoRuntimeApi', 'get_neurons_lite');
        let mg: Metagraph;
        if (lite) {
          const stateFn = runtime('SubnetInfoRuntimeApi', 'get_subnet_state');
          const [neurons, state] = await Promise.all([lite(netuid), stateFn ? stateFn(netuid) : Promise.resolve(null)]);
          mg = metagraphFromRuntime(netuid, block, neurons.toJSON() as Json, state ? (state.toJSON() as Json) : null);
        } else {
          mg = await metagraphFromStorage(netuid, block);
        }
        if (opts?.weights) mg.weights = await weightRows('Weights', netuid, mg.n);
        if (opts?.bonds) mg.bonds = await weightRows('Bonds', netuid, mg.n);
        return mg;
      }),

    childkeys: (hotkey: string, netuid: number) =>
      call('childkeys', async (): Promise<ChildkeyInfo> => {
        // Vec<(u64, AccountId)> as JSON: a u64 above 2^53 comes as hex, which toBig reads
        const links = (v: unknown) =>
          (Array.isArray(v) ? (v as [Json, Json][]) : []).map(([p, hk]) => ({
            proportion: toBig(p),
            hotkey: String(hk),
          }));
        const [children, parents, pending, take] = await Promise.all([
          read('SubtensorModule', 'ChildKeys', hotkey, netuid),
          read('SubtensorModule', 'ParentKeys', hotkey, netuid),
          read('SubtensorModule', 'PendingChildKeys', netuid, hotkey),
          read('SubtensorModule', 'ChildkeyTake', hotkey, netuid),
        ]);
        const [queued, coolDown] = (Array.isArray(pending) ? pending : []) as [Json, Json];
        const queuedLinks = links(queued);
        // the item's default ([], 0) means nothing is scheduled
        const scheduled = queuedLinks.length > 0 || toNum(coolDown ?? 0) > 0;
        return {
          hotkey,
          netuid,
          children: links(children),
          parents: links(parents),
          pending: scheduled ? { children: queuedLinks, coolDownBlock: toNum(coolDown ?? 0) } : null,
          take: toNum((take ?? 0) as Json),
        };
      }),

    uidOf: (netuid: number, hotkey: string) =>
      call('uidOf', async () => {
        const uid = await read('SubtensorModule', 'Uids', netuid, hotkey);
        return uid === null || uid === undefined ? null : toNum(uid);
      }),

    stake: (hotkey: string, coldkey: string, netuid: number) =>
      call('stake', async () => {
        const fn = runtime('StakeInfoRuntimeApi', 'get_stake_info_for_hotkey_coldkey_netuid');
        if (fn) {
          const info = (await fn(hotkey, coldkey, netuid)).toJSON() as { stake?: Json } | null;
          return toBig(info?.stake);
        }
        // U64F64 share bits: the integer part approximates alpha only while share price is 1.
        return toBig(await read('SubtensorModule', 'Alpha', hotkey, coldkey, netuid)) >> 64n;
      }),

    stakesOf: (coldkey: string) =>
      call('stakesOf', async (): Promise<StakeInfo[]> => {
        const fn = runtime('StakeInfoRuntimeApi', 'get_stake_info_for_coldkey');
        if (!fn) {
          throw new SubnetkitError(
            'SK_CHAIN_BAD_INPUT',
            'This runtime has no StakeInfoRuntimeApi; stakesOf needs a dynamic-TAO node with V15 metadata.',
            {
              endpoint: url,
            },
          );
        }
        const rows = (await fn(coldkey)).toJSON() as Array<Record<string, Json>>;
        return rows
          .map((r) => ({
            hotkey: String(r.hotkey),
            coldkey: String(r.coldkey),
            netuid: toNum(r.netuid),
            stake: toBig(r.stake),
          }))
          .filter((s) => s.stake > 0n);
      }),

    burnCost: (netuid: number) =>
      call('burnCost', async () => {
        await requireSubnet(netuid);
        return toBig(await read('SubtensorModule', 'Burn', netuid));
      }),

    networkLockCost: () =>
      call('networkLockCost', async () => {
        const fn = runtime('SubnetRegistrationRuntimeApi', 'get_network_registration_cost');
        if (fn) return toBig((await fn()).toJSON() as Json);
        return toBig(await read('SubtensorModule', 'NetworkMinLockCost'));
      }),

    submit: (signer: Signer, chainCall: ChainCall) => submit(signer, chainCall),

    onBlock(listener) {
      blockListeners.add(listener);
      ensureHeadSubscription();
      return () => {
        blockListeners.delete(listener);
        maybeStopHeads();
      };
    },

    onEvents(listener) {
      eventListeners.add(listener);
      ensureHeadSubscription();
      return () => {
        eventListeners.delete(listener);
        maybeStopHeads();
      };
    },

    async close() {
      if (connection.closed) return;
      blockListeners.clear();
      eventListeners.clear();
      await connection.close();
    },
  };

  return chain;
}
