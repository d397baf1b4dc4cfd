import { TUPLE_EVENT_FIELDS } from '../codec/event-fields.js';
import {
  HYPERPARAMETERS,
  type HyperparameterField,
  type HyperparameterKind,
  hyperparameterSpec,
  type SettableHyperparameter,
  settableHyperparameterNames,
} from '../codec/hyperparameters.js';
import type { Hyper } from './params.js';
import type { CallContext } from './set-weights.js';
import { fail } from './state.js';

type Kind = HyperparameterKind;

interface Setter {
  field: keyof Hyper;
  who: 'owner' | 'root';
  kind: Kind;
  /** Extra bound checks: return the subtensor error name, or null when fine. */
  check?: (v: bigint, h: Hyper, n: number, byRoot: boolean) => string | null;
  event: string;
}

type Check = NonNullable<Setter['check']>;
const TAO = 1_000_000_000n;

/** The engine's bound checks by subtensor name (chain.md §10); name, field, kind, authority and event come from the registry. */
const CHECKS: Partial<Record<SettableHyperparameter['name'], Check>> = {
  tempo: (v, _h, _n, root) => (root ? null : v < 360n || v > 50400n ? 'TempoOutOfBounds' : null),
  activity_cutoff_factor: (v) => (v < 1000n || v > 50000n ? 'ActivityCutoffFactorMilliOutOfBounds' : null),
  max_allowed_uids: (v, h, n) =>
    v > 256n
      ? 'MaxAllowedUidsGreaterThanDefaultMaxAllowedUids'
      : v < BigInt(n)
        ? 'MaxAllowedUIdsLessThanCurrentUIds'
        : v < BigInt(h.maxAllowedValidators)
          ? 'MaxValidatorsLargerThanMaxUIds'
          : null,
  max_allowed_validators: (v, h) => (v > BigInt(h.maxAllowedUids) ? 'MaxValidatorsLargerThanMaxUIds' : null),
  commit_reveal_weights_interval: (v) => (v < 1n ? 'RevealPeriodTooSmall' : v > 100n ? 'RevealPeriodTooLarge' : null),
  min_burn: (v, h) => (v >= TAO || v >= h.maxBurn ? 'ValueNotInBounds' : null),
  max_burn: (v, h) => (v <= TAO / 10n || v <= h.minBurn ? 'ValueNotInBounds' : null),
  burn_half_life: (v) => (v < 1n || v > 36100n ? 'ValueNotInBounds' : null),
  bonds_moving_average: (v, _h, _n, root) =>
    v > (root ? 1_000_000n : 975_000n) ? 'BondsMovingAverageMaxReached' : null,
  alpha_low: (v, h) => (v < 1638n || v > BigInt(h.alphaHigh) ? 'InvalidValue' : null),
  alpha_high: (v, h) => (v < BigInt(h.alphaLow) ? 'InvalidValue' : null),
  alpha_sigmoid_steepness: (v) => (v > 32767n ? 'InvalidValue' : null),
  immune_owner_uids_limit: (v) => (v < 1n || v > 10n ? 'InvalidValue' : null),
};

/** AdminUtils / SubtensorModule setters by canonical subtensor name, from the registry. */
const SETTERS = new Map<string, Setter>();
for (const spec of HYPERPARAMETERS) {
  if (!('who' in spec) || !('field' in spec)) continue;
  const settable: SettableHyperparameter = spec;
  // a registry field that is not a Hyper key fails to compile here
  const field: keyof Hyper = settable.field satisfies HyperparameterField;
  const check = CHECKS[settable.name];
  SETTERS.set(settable.name, {
    field,
    who: settable.who,
    kind: settable.kind,
    event: settable.event,
    ...(check ? { check } : {}),
  });
}

/** Names accepted by `set_hyperparameter` (subtensor's, plus the SDK's aliases). */
export const HYPERPARAMETER_NAMES: readonly string[] = settableHyperparameterNames();

const MAX: Record<Kind, bigint> = { u16: 65535n, u32: 0xffff_ffffn, u64: 0xffff_ffff_ffff_ffffn, bool: 1n };

/**
 * AdminUtils setter: owner (or root) within the chain's bounds, the owner rate limit of
 * `ownerHyperparamRateLimit × tempo` blocks and the admin freeze window before an epoch.
 */
export function setHyperparameter(
  ctx: CallContext,
  netuid: number,
  name: string,
  value: bigint | number | boolean,
): void {
  const { st, signer, block } = ctx;
  // aliases and camelCase resolve to one name, so an alias cannot dodge the owner rate limit
  const canonical = hyperparameterSpec(name)?.name ?? name;
  const setter = SETTERS.get(canonical);
  if (!setter)
    fail(
      'InvalidValue',
      `unknown hyperparameter "${name}" (known: ${HYPERPARAMETER_NAMES.join(', ')})`,
      'SK_CHAIN_BAD_INPUT',
    );
  const s = st.subnet(netuid);
  if (!s) fail('SubnetDoesNotExist');
  if (netuid === 0) fail('NotPermittedOnRootSubnet');
  const byRoot = st.params.sudo !== null && signer === st.params.sudo;
  if (!byRoot && (setter.who === 'root' || signer !== s.owner))
    fail('BadOrigin', 'only the subnet owner (or root for root-only setters) may set this');
  let v: bigint;
  if (setter.kind === 'bool') {
    if (typeof value !== 'boolean') fail('InvalidValue', `${name} takes a boolean`, 'SK_CHAIN_BAD_INPUT');
    v = value ? 1n : 0n;
  } else {
    if (typeof value === 'boolean' || (typeof value === 'number' && !Number.isSafeInteger(value))) {
      fail('InvalidValue', `${name} takes an integer`, 'SK_CHAIN_BAD_INPUT');
    }
    v = BigInt(value);
    if (v < 0n || v > MAX[setter.kind]) fail('InvalidValue', `${name} is out of range`, 'SK_CHAIN_BAD_INPUT');
  }
  const n = st.neurons(netuid).hotkeys.length;
  const bad = setter.check?.(v, s.hyper, n, byRoot);
  if (bad) fail(bad);
  if (!byRoot) {
    const tempo = s.hyper.tempo;
    const next = s.lastEpochBlock + tempo;
    if (st.params.adminFreezeWindow > 0 && tempo > 0 && next - block < st.params.adminFreezeWindow) {
      fail('AdminActionProhibitedDuringWeightsWindow');
    }
    const last = s.lastSet[canonical];
    const limit = st.params.ownerHyperparamRateLimit * tempo;
    if (last !== undefined && limit > 0 && block - last < limit) fail('TxRateLimitExceeded');
  }
  const current = s.hyper[setter.field];
  const stored = typeof current === 'bigint' ? v : typeof current === 'boolean' ? v === 1n : Number(v);
  const patch: Partial<typeof s> = {
    hyper: { ...s.hyper, [setter.field]: stored },
    lastSet: { ...s.lastSet, [canonical]: block },
  };
  // set_tempo restarts the epoch cycle
  if (setter.field === 'tempo') patch.lastEpochBlock = block;
  st.patchSubnet(netuid, patch);
  // the value under subtensor's field name for this event (`tempo`, `enabled`, …), as every backend reports it
  const field = TUPLE_EVENT_FIELDS[`SubtensorModule.${setter.event}`]?.[1] ?? 'value';
  ctx.emit(setter.event, { netuid, [field]: stored });
}
