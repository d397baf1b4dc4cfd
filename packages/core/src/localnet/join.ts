import type { Hyper } from '../chain/local/params.js';
import type { Chain, ChainCall, Rao, SubnetHyperparameters } from '../chain/types.js';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { Logger } from '../log/logger.js';
import type { Signer } from '../util/signer.js';
import type { NeuronKeys } from './keys.js';

const TAO = 1_000_000_000n;
/** Kept on every funded coldkey beyond what it spends: fees on a real node, the existential deposit. */
const MARGIN = 1n * TAO;

/** One subnet of a localnet, as its keys. */
export interface JoinSubnetPlan {
  name: string;
  owner: NeuronKeys;
  validators: readonly NeuronKeys[];
  miners: readonly NeuronKeys[];
}

export interface JoinOptions {
  chain: Chain;
  /** Funds the owners and signs the hyperparameter calls: the sudo key on a dev chain (//Alice). */
  funder: Signer;
  subnets: readonly JoinSubnetPlan[];
  /** Wanted on every subnet; those the chain does not report (or refuses) are left as they are. */
  hyperparameters: Partial<Hyper>;
  validatorStake: Rao;
  /** Free balance each miner and validator coldkey gets for its burn (and fees). */
  neuronFunds: Rao;
  log: Logger;
  /** One line per set-up step, for a terminal: each step waits a block, which can be long on a slow chain. */
  progress?: (message: string) => void;
}

export interface JoinResult {
  /** Subnet name → netuid on the joined chain. */
  netuids: Map<string, number>;
  /** Subnets this run registered (the rest were found, owned by the same keys). */
  created: string[];
  /** Hyperparameters (and names) the chain refused, per subnet: the network runs with the chain's value. */
  refused: { subnet: string; name: string; error: string }[];
}

interface Funding {
  address: string;
  amount: Rao;
}

/**
 * Sets a localnet up on a chain another process runs (a `subnetkit devnet`, a local subtensor
 * node): funds the owners from `funder`, registers each subnet unless one owned by the same
 * owner keys exists (so a rerun reuses it), names it, sets the hyperparameters, calls start_call, and has
 * each owner fund its own validators and miners. Only what is missing is done again on a rerun.
 * Neurons register and stake themselves afterwards, as they would on any chain.
 */
export async function joinChain(o: JoinOptions): Promise<JoinResult> {
  const { chain, log } = o;
  if (chain.chainType !== 'Development' && chain.chainType !== 'Local') {
    // nothing has been sent yet: a localnet's cheating miners and burned TAO belong on dev chains only
    throw new SubnetkitError(
      'SK_LOCALNET_JOIN_FAILED',
      `The chain is a ${chain.chainType} network: a localnet registers subnets and spends TAO on them, so it only joins development chains (subnetkit devnet, a subtensor dev node). Use 'subnetkit run' to take part in a live subnet.`,
      { step: 'checking the chain', chainType: chain.chainType },
    );
  }
  const netuids = new Map<string, number>();
  const created: string[] = [];
  const fundings = new Map<string, Funding[]>();

  // one subnet after the other: the funder's nonce and the chain-wide network rate limit are shared
  const existing = await chain.subnets();
  for (const plan of o.subnets) {
    const found = existing.find(
      (s) => s.owner === plan.owner.coldkey.address && s.ownerHotkey === plan.owner.hotkey.address,
    );
    const netuid = found?.netuid;
    const needs = await neuronFundings(o, plan, netuid);
    fundings.set(plan.name, needs);
    const lock = netuid === undefined ? await chain.networkLockCost() : 0n;
    const want = lock + needs.reduce((sum, f) => sum + f.amount, 0n) + MARGIN;
    const have = await chain.balance(plan.owner.coldkey.address);
    // the margin pays fees for work still to do: a rerun with nothing to do must not top it up
    // (a node charging fees leaves the owner just under it after the first run)
    const work = lock > 0n || needs.length > 0;
    if (work && have < want) {
      o.progress?.(`${plan.name}: funding the subnet owner`);
      await step(o, plan.name, 'funding the subnet owner', o.funder, {
        pallet: 'Balances',
        method: 'transfer_keep_alive',
        args: { dest: plan.owner.coldkey.address, value: want - have },
      });
    }
    if (netuid !== undefined) {
      netuids.set(plan.name, netuid);
      continue;
    }
    o.progress?.(`${plan.name}: registering the subnet (lock ${lock / TAO} TAO)`);
    const r = await step(o, plan.name, 'registering the subnet', plan.owner.coldkey, {
      pallet: 'SubtensorModule',
      method: 'register_network',
      args: { hotkey: plan.owner.hotkey.address },
    });
    const added = r.events.find((e) => e.name === 'NetworkAdded');
    if (!added) {
      throw new SubnetkitError(
        'SK_LOCALNET_JOIN_FAILED',
        `register_network for ${plan.name} emitted no NetworkAdded.`,
        {
          subnet: plan.name,
          step: 'registering the subnet',
        },
      );
    }
    netuids.set(plan.name, Number(added.data.netuid));
    created.push(plan.name);
    log.info(
      { event: 'localnet.subnet_registered', subnet: plan.name, netuid: netuids.get(plan.name) },
      'subnet registered',
    );
  }

  // the funder's calls (hyperparameters) run beside the owners' (start_call, funding), each in order
  const refused: JoinResult['refused'] = [];
  // settled, not all: on a failure nothing of this run is still submitting when the error surfaces
  const outcomes = await Promise.allSettled([
    (async () => {
      for (const plan of o.subnets) refused.push(...(await setHyperparameters(o, plan.name, netuids.get(plan.name)!)));
    })(),
    ...o.subnets.map(async (plan) => {
      const netuid = netuids.get(plan.name)!;
      const info = await chain.subnet(netuid);
      // the name lets other processes find the subnet (`subnetkit run <package>` looks it up by name)
      if (info?.name !== plan.name) {
        o.progress?.(`${plan.name}: naming subnet ${netuid}`);
        try {
          await chain.submit(plan.owner.coldkey, {
            pallet: 'SubtensorModule',
            method: 'set_subnet_identity',
            args: { netuid, name: plan.name },
          });
        } catch (err) {
          refused.push({ subnet: plan.name, name: 'subnet_name', error: errorName(err) });
        }
      }
      if (info?.started === false) {
        o.progress?.(`${plan.name}: start_call`);
        await step(o, plan.name, 'start_call', plan.owner.coldkey, {
          pallet: 'SubtensorModule',
          method: 'start_call',
          args: { netuid },
        });
      }
      const toFund = fundings.get(plan.name) ?? [];
      if (toFund.length > 0) o.progress?.(`${plan.name}: the owner funds ${toFund.length} neurons`);
      for (const f of toFund) {
        await step(o, plan.name, 'funding a neuron', plan.owner.coldkey, {
          pallet: 'Balances',
          method: 'transfer_keep_alive',
          args: { dest: f.address, value: f.amount },
        });
      }
    }),
  ]);
  const failed = outcomes.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  for (const r of refused) {
    log.warn(
      { event: 'localnet.hyperparameter_refused', ...r },
      'the chain refused a hyperparameter; keeping its value',
    );
  }
  return { netuids, created, refused };
}

/** What each neuron coldkey still lacks: nothing once it is registered (and, for validators, staked). */
async function neuronFundings(o: JoinOptions, plan: JoinSubnetPlan, netuid: number | undefined): Promise<Funding[]> {
  const out: Funding[] = [];
  const roles = [
    ...plan.validators.map((keys) => ({ keys, need: o.validatorStake + o.neuronFunds })),
    ...plan.miners.map((keys) => ({ keys, need: o.neuronFunds })),
  ];
  for (const { keys, need } of roles) {
    if (netuid !== undefined && (await o.chain.uidOf(netuid, keys.hotkey.address)) !== null) {
      const staked = await o.chain.stake(keys.hotkey.address, keys.coldkey.address, netuid);
      if (need === o.neuronFunds || staked > 0n) continue;
    }
    const have = await o.chain.balance(keys.coldkey.address);
    if (have < need) out.push({ address: keys.coldkey.address, amount: need - have });
  }
  return out;
}

/** Sets each wanted hyperparameter the chain reports and does not already have; returns the refusals. */
async function setHyperparameters(o: JoinOptions, subnet: string, netuid: number): Promise<JoinResult['refused']> {
  const current: SubnetHyperparameters = await o.chain.hyperparameters(netuid);
  const refused: JoinResult['refused'] = [];
  const changes = Object.entries(o.hyperparameters).filter(([name, value]) => {
    if (value === undefined || !(name in current)) return false; // not something this chain reports
    const now = current[name];
    // a localnet never shrinks a subnet another process may share
    if (name === 'maxAllowedUids') return Number(now) < Number(value);
    return String(now) !== String(value);
  });
  if (changes.length > 0) o.progress?.(`${subnet}: setting ${changes.map(([n, v]) => `${n}=${v}`).join(', ')}`);
  for (const [name, value] of changes) {
    try {
      await o.chain.submit(o.funder, {
        pallet: 'AdminUtils',
        method: 'set_hyperparameter',
        args: { netuid, name, value: value as bigint | number | boolean },
      });
    } catch (err) {
      refused.push({ subnet, name, error: errorName(err) });
    }
  }
  return refused;
}

function errorName(err: unknown): string {
  const e = err as SubnetkitError;
  return String(e.details?.chainError ?? e.code ?? e.message);
}

/** Submits one set-up call; a failure names the subnet and the step, never the keys' secrets. */
async function step(o: JoinOptions, subnet: string, what: string, signer: Signer, call: ChainCall) {
  try {
    return await o.chain.submit(signer, call);
  } catch (cause) {
    const e = cause as SubnetkitError;
    const chainError = e.details?.chainError;
    const hint =
      e.code === 'SK_CHAIN_INSUFFICIENT_BALANCE' || chainError === 'FundsUnavailable'
        ? ' Is the funder key funded on this chain (--funder, default //Alice on dev chains)?'
        : '';
    throw new SubnetkitError(
      'SK_LOCALNET_JOIN_FAILED',
      `Setting up subnet ${subnet} on the chain failed while ${what}: ${String(e.message ?? cause).replace(/\.$/, '')}.${hint}`,
      { subnet, step: what, ...(chainError ? { chainError } : {}), ...(e.code ? { causeCode: e.code } : {}) },
      { cause },
    );
  }
}
