import { hexToU8a, isHex, u8aToString } from '@polkadot/util';
import { SubnetkitError } from '../../errors/subnetkit-error.js';
import type { AxonInfo, Metagraph, Rao, SubnetHyperparameters, SubnetInfo } from '../types.js';
import { bigIntToIp } from './call-builder.js';

/** A runtime-API or storage value after `codec.toJSON()`: camelCased fields, u64 as number or hex. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

/** Any JSON integer form polkadot-js produces (number, decimal or 0x string) → bigint. */
export function toBig(value: Json | undefined): bigint {
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'string') return BigInt(value);
  if (typeof value === 'boolean') return value ? 1n : 0n;
  return 0n;
}

export function toNum(value: Json | undefined): number {
  return Number(toBig(value));
}

/** A u16 fraction (0..65535) as a number in [0, 1]. */
export function u16ToUnit(value: Json | undefined): number {
  return toNum(value) / 65535;
}

/** `Vec<u8>` or `Vec<Compact<u8>>` (hex or number array) → UTF-8 text. */
export function bytesToText(value: Json | undefined): string {
  if (typeof value === 'string') return isHex(value) ? u8aToString(hexToU8a(value)) : value;
  if (Array.isArray(value)) return u8aToString(Uint8Array.from(value.map((v) => toNum(v))));
  return '';
}

function obj(value: Json | undefined, what: string): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SubnetkitError('SK_CHAIN_BAD_INPUT', `The node returned no ${what}.`, { what });
  }
  return value;
}

function arr(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

/** `AxonInfo` from the chain, or null when the neuron never served (ip 0). */
export function toAxonInfo(value: Json | undefined): AxonInfo | null {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return null;
  const ip = toBig(value.ip);
  const ipType = toNum(value.ipType);
  // never served: all zeros. ip 0 with a port is a served axon announcing "same host" (see Miner)
  if ((ip === 0n && toNum(value.port) === 0) || (ipType !== 4 && ipType !== 6)) return null;
  return {
    ip: bigIntToIp(ip, ipType),
    port: toNum(value.port),
    ipType,
    protocol: toNum(value.protocol),
    version: toNum(value.version),
    block: toNum(value.block),
  };
}

/**
 * Builds a `Metagraph` from `NeuronInfoRuntimeApi.get_neurons_lite` and (when the runtime has it)
 * `SubnetInfoRuntimeApi.get_subnet_state`, the two calls SDK 10.2's sync makes.
 */
export function metagraphFromRuntime(
  netuid: number,
  block: number,
  neuronsLite: Json,
  subnetState: Json | null,
): Metagraph {
  const neurons = arr(neuronsLite)
    .map((n) => obj(n, 'NeuronInfoLite'))
    .sort((a, b) => toNum(a.uid) - toNum(b.uid));
  const state = subnetState === null ? null : obj(subnetState, 'SubnetState');
  const at = (field: string, i: number): Json | undefined => (state ? arr(state[field])[i] : undefined);
  const alphaStake = neurons.map((n, i) =>
    state ? toBig(at('alphaStake', i)) : arr(n.stake).reduce<bigint>((s, e) => s + toBig(arr(e)[1]), 0n),
  );
  return {
    netuid,
    block,
    n: neurons.length,
    uids: neurons.map((n) => toNum(n.uid)),
    hotkeys: neurons.map((n) => String(n.hotkey)),
    coldkeys: neurons.map((n) => String(n.coldkey)),
    alphaStake,
    taoStake: neurons.map((_, i) => (state ? toBig(at('taoStake', i)) : 0n)),
    totalStake: neurons.map((_, i) => (state ? toBig(at('totalStake', i)) : (alphaStake[i] as bigint))),
    ranks: neurons.map((n) => u16ToUnit(n.rank)),
    trust: neurons.map((n) => u16ToUnit(n.trust)),
    consensus: neurons.map((n) => u16ToUnit(n.consensus)),
    validatorTrust: neurons.map((n) => u16ToUnit(n.validatorTrust)),
    incentive: neurons.map((n) => u16ToUnit(n.incentive)),
    dividends: neurons.map((n) => u16ToUnit(n.dividends)),
    emission: neurons.map((n) => toBig(n.emission)),
    active: neurons.map((n) => n.active === true),
    validatorPermit: neurons.map((n) => n.validatorPermit === true),
    lastUpdate: neurons.map((n) => toNum(n.lastUpdate)),
    blockAtRegistration: neurons.map((_, i) => (state ? toNum(at('blockAtRegistration', i)) : 0)),
    pruningScore: neurons.map((n) => u16ToUnit(n.pruningScore)),
    axons: neurons.map((n) => toAxonInfo(n.axonInfo)),
  };
}

/** Sparse `[uid, value]` rows from the `Weights`/`Bonds` double map entries `[(netuid, uid), Vec<(u16,u16)>]`. */
export function sparseRows(n: number, entries: Array<[number, Json]>): [number, number][][] {
  const rows: [number, number][][] = Array.from({ length: n }, () => []);
  for (const [uid, row] of entries) {
    if (uid < 0 || uid >= n) continue;
    rows[uid] = arr(row).map((pair) => {
      const p = arr(pair);
      return [toNum(p[0]), toNum(p[1])] as [number, number];
    });
  }
  return rows;
}

/** Storage values the hyperparameter runtime APIs do not carry. */
export interface HyperparameterExtras {
  maxAllowedUids: number;
  burn: Rao;
  bondsPenalty: number;
  stakeThreshold: Rao;
  yuma3Enabled: boolean | null;
}

/**
 * `SubnetHyperparameters` from `get_subnet_hyperparams_v2` (or v1, which lacks the last fields)
 * plus storage extras. Fields the runtime API has no value for keep subtensor's defaults.
 */
export function hyperparametersFromRuntime(raw: Json, extras: HyperparameterExtras): SubnetHyperparameters {
  const h = obj(raw, 'SubnetHyperparams');
  const yumaVersion = h.yumaVersion === undefined ? null : toNum(h.yumaVersion);
  return {
    tempo: toNum(h.tempo),
    rho: toNum(h.rho),
    kappa: toNum(h.kappa),
    immunityPeriod: toNum(h.immunityPeriod),
    minAllowedWeights: toNum(h.minAllowedWeights),
    maxWeightsLimit: toNum(h.maxWeightsLimit),
    maxAllowedUids: extras.maxAllowedUids,
    maxAllowedValidators: toNum(h.maxValidators),
    weightsVersion: toBig(h.weightsVersion),
    weightsRateLimit: toNum(h.weightsRateLimit),
    activityCutoff: toNum(h.activityCutoff),
    registrationAllowed: h.registrationAllowed === true,
    targetRegistrationsPerInterval: toNum(h.targetRegsPerInterval),
    maxRegistrationsPerBlock: toNum(h.maxRegsPerBlock),
    adjustmentInterval: toNum(h.adjustmentInterval),
    adjustmentAlpha: toBig(h.adjustmentAlpha),
    minBurn: toBig(h.minBurn),
    maxBurn: toBig(h.maxBurn),
    burn: extras.burn,
    bondsMovingAvg: toBig(h.bondsMovingAvg),
    bondsPenalty: extras.bondsPenalty,
    commitRevealWeightsEnabled: h.commitRevealWeightsEnabled === true,
    commitRevealPeriod: toNum(h.commitRevealPeriod ?? h.commitRevealWeightsInterval),
    liquidAlphaEnabled: h.liquidAlphaEnabled === true,
    alphaHigh: toNum(h.alphaHigh),
    alphaLow: toNum(h.alphaLow),
    yuma3Enabled: extras.yuma3Enabled ?? yumaVersion === 3,
    bondsResetEnabled: h.bondsResetEnabled === true,
    servingRateLimit: toNum(h.servingRateLimit),
    stakeThreshold: extras.stakeThreshold,
    difficulty: toBig(h.difficulty),
    transfersEnabled: h.transfersEnabled === undefined ? true : h.transfersEnabled === true,
    subnetIsActive: h.subnetIsActive === undefined ? null : h.subnetIsActive === true,
  };
}

/** The per-subnet storage values `SubnetInfo` is built from (SubtensorModule items by name). */
export interface SubnetStorage extends Omit<SubnetInfo, 'price' | 'started' | 'nextEpochBlock' | 'epochIndex'> {
  /** rao of TAO per 1e9 alpha rao (`SwapRuntimeApi.current_alpha_price`), or null when unavailable. */
  priceRao: bigint | null;
  /** `SubtokenEnabled` (start_call done), when the runtime has it. */
  started?: boolean | undefined;
}

/** `SubnetInfo` from storage values; the price falls back to `tao_in / alpha_in` (valid for 50/50 pools). */
export function subnetInfoFromStorage(s: SubnetStorage): SubnetInfo {
  const price =
    s.priceRao !== null
      ? Number(s.priceRao) / 1e9
      : s.alphaIn > 0n
        ? Number(s.taoIn) / Number(s.alphaIn)
        : s.netuid === 0
          ? 1
          : 0;
  const { priceRao: _priceRao, started, ...info } = s;
  return { ...info, price, ...(started === undefined ? {} : { started }) };
}
