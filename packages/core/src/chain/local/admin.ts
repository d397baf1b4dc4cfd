import { TUPLE_EVENT_FIELDS } from '../codec/event-fields.js';
import type { Hyper } from './params.js';
import type { CallContext } from './set-weights.js';
import { fail } from './state.js';

type Who = 'owner' | 'root';
type Kind = 'u16' | 'u32' | 'u64' | 'bool';

interface Setter {
  field: keyof Hyper;
  who: Who;
  kind: Kind;
  /** Extra bound checks: return the subtensor error name, or null when fine. */
  check?: (v: bigint, h: Hyper, n: number, byRoot: boolean) => string | null;
  event: string;
}

const TAO = 1_000_000_000n;

/** AdminUtils / SubtensorModule owner setters by subtensor hyperparameter name (chain.md §10). */
const SETTERS: Record<string, Setter> = {
  tempo: {
    field: 'tempo',
    who: 'owner',
    kind: 'u16',
    check: (v, _h, _n, root) => (root ? null : v < 360n || v > 50400n ? 'TempoOutOfBounds' : null),
    event: 'TempoSet',
  },
  activity_cutoff_factor: {
    field: 'activityCutoffFactorMilli',
    who: 'owner',
    kind: 'u32',
    check: (v) => (v < 1000n || v > 50000n ? 'ActivityCutoffFactorMilliOutOfBounds' : null),
    event: 'ActivityCutoffFactorMilliSet',
  },
  max_allowed_uids: {
    field: 'maxAllowedUids',
    who: 'owner',
    kind: 'u16',
    check: (v, h, n) =>
      v > 256n
        ? 'MaxAllowedUidsGreaterThanDefaultMaxAllowedUids'
        : v < BigInt(n)
          ? 'MaxAllowedUIdsLessThanCurrentUIds'
          : v < BigInt(h.maxAllowedValidators)
            ? 'MaxValidatorsLargerThanMaxUIds'
            : null,
    event: 'MaxAllowedUidsSet',
  },
  max_allowed_validators: {
    field: 'maxAllowedValidators',
    who: 'root',
    kind: 'u16',
    check: (v, h) => (v > BigInt(h.maxAllowedUids) ? 'MaxValidatorsLargerThanMaxUIds' : null),
    event: 'MaxAllowedValidatorsSet',
  },
  min_allowed_weights: { field: 'minAllowedWeights', who: 'owner', kind: 'u16', event: 'MinAllowedWeightSet' },
  immunity_period: { field: 'immunityPeriod', who: 'owner', kind: 'u16', event: 'ImmunityPeriodSet' },
  weights_version_key: { field: 'weightsVersion', who: 'owner', kind: 'u64', event: 'WeightsVersionKeySet' },
  weights_set_rate_limit: { field: 'weightsRateLimit', who: 'root', kind: 'u64', event: 'WeightsSetRateLimitSet' },
  commit_reveal_weights_enabled: {
    field: 'commitRevealWeightsEnabled',
    who: 'owner',
    kind: 'bool',
    event: 'CommitRevealEnabled',
  },
  commit_reveal_weights_interval: {
    field: 'commitRevealPeriod',
    who: 'owner',
    kind: 'u64',
    check: (v) => (v < 1n ? 'RevealPeriodTooSmall' : v > 100n ? 'RevealPeriodTooLarge' : null),
    event: 'CommitRevealPeriodsSet',
  },
  min_burn: {
    field: 'minBurn',
    who: 'owner',
    kind: 'u64',
    check: (v, h) => (v >= TAO || v >= h.maxBurn ? 'ValueNotInBounds' : null),
    event: 'MinBurnSet',
  },
  max_burn: {
    field: 'maxBurn',
    who: 'owner',
    kind: 'u64',
    check: (v, h) => (v <= TAO / 10n || v <= h.minBurn ? 'ValueNotInBounds' : null),
    event: 'MaxBurnSet',
  },
  burn_half_life: {
    field: 'burnHalfLife',
    who: 'owner',
    kind: 'u16',
    check: (v) => (v < 1n || v > 36100n ? 'ValueNotInBounds' : null),
    event: 'BurnHalfLifeSet',
  },
  network_registration_allowed: {
    field: 'registrationAllowed',
    who: 'root',
    kind: 'bool',
    event: 'RegistrationAllowed',
  },
  serving_rate_limit: { field: 'servingRateLimit', who: 'owner', kind: 'u64', event: 'ServingRateLimitSet' },
  kappa: { field: 'kappa', who: 'root', kind: 'u16', event: 'KappaSet' },
  rho: { field: 'rho', who: 'owner', kind: 'u16', event: 'RhoSet' },
  bonds_moving_average: {
    field: 'bondsMovingAvg',
    who: 'owner',
    kind: 'u64',
    check: (v, _h, _n, root) => (v > (root ? 1_000_000n : 975_000n) ? 'BondsMovingAverageMaxReached' : null),
    event: 'BondsMovingAverageSet',
  },
  bonds_penalty: { field: 'bondsPenalty', who: 'owner', kind: 'u16', event: 'BondsPenaltySet' },
  bonds_reset_enabled: { field: 'bondsResetEnabled', who: 'owner', kind: 'bool', event: 'BondsResetOnSet' },
  yuma3_enabled: { field: 'yuma3Enabled', who: 'owner', kind: 'bool', event: 'Yuma3EnableToggled' },
  liquid_alpha_enabled: { field: 'liquidAlphaEnabled', who: 'owner', kind: 'bool', event: 'LiquidAlphaEnableToggled' },
  alpha_low: {
    field: 'alphaLow',
    who: 'owner',
    kind: 'u16',
    check: (v, h) => (v < 1638n || v > BigInt(h.alphaHigh) ? 'InvalidValue' : null),
    event: 'AlphaValuesSet',
  },
  alpha_high: {
    field: 'alphaHigh',
    who: 'owner',
    kind: 'u16',
    check: (v, h) => (v < BigInt(h.alphaLow) ? 'InvalidValue' : null),
    event: 'AlphaValuesSet',
  },
  alpha_sigmoid_steepness: {
    field: 'alphaSigmoidSteepness',
    who: 'owner',
    kind: 'u16',
    check: (v) => (v > 32767n ? 'InvalidValue' : null),
    event: 'AlphaSigmoidSteepnessSet',
  },
  transfers_enabled: { field: 'transfersEnabled', who: 'owner', kind: 'bool', event: 'TransferToggle' },
  owner_cut_enabled: { field: 'ownerCutEnabled', who: 'owner', kind: 'bool', event: 'OwnerCutEnabledSet' },
  immune_owner_uids_limit: {
    field: 'immuneOwnerUidsLimit',
    who: 'owner',
    kind: 'u16',
    check: (v) => (v < 1n || v > 10n ? 'InvalidValue' : null),
    event: 'OwnerImmuneNeuronLimitSet',
  },
  min_non_immune_uids: { field: 'minNonImmuneUids', who: 'root', kind: 'u16', event: 'MinNonImmuneUidsSet' },
  target_registrations_per_interval: {
    field: 'targetRegistrationsPerInterval',
    who: 'root',
    kind: 'u16',
    event: 'RegistrationPerIntervalSet',
  },
  adjustment_interval: { field: 'adjustmentInterval', who: 'root', kind: 'u16', event: 'AdjustmentIntervalSet' },
  adjustment_alpha: { field: 'adjustmentAlpha', who: 'owner', kind: 'u64', event: 'AdjustmentAlphaSet' },
  max_registrations_per_block: {
    field: 'maxRegistrationsPerBlock',
    who: 'root',
    kind: 'u16',
    event: 'MaxRegistrationsPerBlockSet',
  },
  subnet_emission_enabled: {
    field: 'subnetEmissionEnabled',
    who: 'root',
    kind: 'bool',
    event: 'SubnetEmissionEnabledSet',
  },
};
// aliases used by the SDK's hyperparameter names
SETTERS.weights_rate_limit = SETTERS.weights_set_rate_limit as Setter;
SETTERS.registration_allowed = SETTERS.network_registration_allowed as Setter;
SETTERS.commit_reveal_period = SETTERS.commit_reveal_weights_interval as Setter;
SETTERS.weights_version = SETTERS.weights_version_key as Setter;
SETTERS.activity_cutoff_factor_milli = SETTERS.activity_cutoff_factor as Setter;

/** Names accepted by `set_hyperparameter`. */
export const HYPERPARAMETER_NAMES: readonly string[] = Object.keys(SETTERS).sort();

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
  const setter = SETTERS[name];
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
    const last = s.lastSet[name];
    const limit = st.params.ownerHyperparamRateLimit * tempo;
    if (last !== undefined && limit > 0 && block - last < limit) fail('TxRateLimitExceeded');
  }
  const current = s.hyper[setter.field];
  const stored = typeof current === 'bigint' ? v : typeof current === 'boolean' ? v === 1n : Number(v);
  const patch: Partial<typeof s> = {
    hyper: { ...s.hyper, [setter.field]: stored },
    lastSet: { ...s.lastSet, [name]: block },
  };
  // set_tempo restarts the epoch cycle
  if (setter.field === 'tempo') patch.lastEpochBlock = block;
  st.patchSubnet(netuid, patch);
  // the value under subtensor's field name for this event (`tempo`, `enabled`, …), as every backend reports it
  const field = TUPLE_EVENT_FIELDS[`SubtensorModule.${setter.event}`]?.[1] ?? 'value';
  ctx.emit(setter.event, { netuid, [field]: stored });
}
