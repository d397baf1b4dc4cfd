/**
 * The one table of subnet hyperparameters: subtensor's name, the local engine's field, the
 * runtime-API field and storage item the subtensor backend reads, the SCALE kind, who may set it
 * and the event the setter deposits. The local engine's setters (chain/local/admin.ts), the
 * subtensor call builder (setter lookup) and its storage fallback read from it, so a name means
 * the same on every backend. Facts from subtensor's AdminUtils pallet (chain.md §10).
 */

export type HyperparameterKind = 'u16' | 'u32' | 'u64' | 'bool';

export interface HyperparameterSpec {
  /** subtensor's snake_case name (`set_hyperparameter` and `sudo_set_<name>`). */
  readonly name: string;
  /** Other names the local engine and the SDK accept for it. */
  readonly aliases?: readonly string[];
  /** Names only the SDK uses, for finding the setter call (not accepted by the local engine). */
  readonly setterAliases?: readonly string[];
  /** Field of the local engine's per-subnet state (`Hyper` in chain/local/params.ts); absent: not settable locally. */
  readonly field?: string;
  /** Field of the `SubnetHyperparams` runtime-API struct, camelCased. */
  readonly runtime?: string;
  /** SubtensorModule storage item holding it (the fallback when the runtime API is missing). */
  readonly storage?: string;
  readonly kind: HyperparameterKind;
  /** Who may set it: the subnet owner (root too), or root (sudo) only. */
  readonly who?: 'owner' | 'root';
  /** Event the setter deposits. */
  readonly event?: string;
  /** Setter calls, most specific first, as "Pallet.call" (default `AdminUtils.sudo_set_<name>`). */
  readonly setters?: readonly string[];
}

export const HYPERPARAMETERS = [
  {
    name: 'tempo',
    field: 'tempo',
    runtime: 'tempo',
    storage: 'Tempo',
    kind: 'u16',
    who: 'owner',
    event: 'TempoSet',
    setters: ['SubtensorModule.set_tempo', 'AdminUtils.sudo_set_tempo'],
  },
  {
    name: 'activity_cutoff_factor',
    aliases: ['activity_cutoff_factor_milli'],
    field: 'activityCutoffFactorMilli',
    kind: 'u32',
    who: 'owner',
    event: 'ActivityCutoffFactorMilliSet',
    setters: ['SubtensorModule.set_activity_cutoff_factor'],
  },
  { name: 'activity_cutoff', runtime: 'activityCutoff', storage: 'ActivityCutoff', kind: 'u16' },
  {
    name: 'max_allowed_uids',
    setterAliases: ['max_uids'],
    field: 'maxAllowedUids',
    storage: 'MaxAllowedUids',
    kind: 'u16',
    who: 'owner',
    event: 'MaxAllowedUidsSet',
  },
  {
    name: 'max_allowed_validators',
    setterAliases: ['max_validators'],
    field: 'maxAllowedValidators',
    runtime: 'maxValidators',
    storage: 'MaxAllowedValidators',
    kind: 'u16',
    who: 'root',
    event: 'MaxAllowedValidatorsSet',
  },
  {
    name: 'min_allowed_weights',
    field: 'minAllowedWeights',
    runtime: 'minAllowedWeights',
    storage: 'MinAllowedWeights',
    kind: 'u16',
    who: 'owner',
    event: 'MinAllowedWeightSet',
  },
  { name: 'max_weights_limit', runtime: 'maxWeightsLimit', storage: 'MaxWeightsLimit', kind: 'u16' },
  {
    name: 'immunity_period',
    field: 'immunityPeriod',
    runtime: 'immunityPeriod',
    storage: 'ImmunityPeriod',
    kind: 'u16',
    who: 'owner',
    event: 'ImmunityPeriodSet',
  },
  {
    name: 'weights_version_key',
    aliases: ['weights_version'],
    field: 'weightsVersion',
    runtime: 'weightsVersion',
    storage: 'WeightsVersionKey',
    kind: 'u64',
    who: 'owner',
    event: 'WeightsVersionKeySet',
  },
  {
    name: 'weights_set_rate_limit',
    aliases: ['weights_rate_limit'],
    field: 'weightsRateLimit',
    runtime: 'weightsRateLimit',
    storage: 'WeightsSetRateLimit',
    kind: 'u64',
    who: 'root',
    event: 'WeightsSetRateLimitSet',
  },
  {
    name: 'commit_reveal_weights_enabled',
    field: 'commitRevealWeightsEnabled',
    runtime: 'commitRevealWeightsEnabled',
    storage: 'CommitRevealWeightsEnabled',
    kind: 'bool',
    who: 'owner',
    event: 'CommitRevealEnabled',
  },
  {
    name: 'commit_reveal_weights_interval',
    aliases: ['commit_reveal_period'],
    field: 'commitRevealPeriod',
    runtime: 'commitRevealPeriod',
    storage: 'RevealPeriodEpochs',
    kind: 'u64',
    who: 'owner',
    event: 'CommitRevealPeriodsSet',
  },
  {
    name: 'min_burn',
    field: 'minBurn',
    runtime: 'minBurn',
    storage: 'MinBurn',
    kind: 'u64',
    who: 'owner',
    event: 'MinBurnSet',
  },
  {
    name: 'max_burn',
    field: 'maxBurn',
    runtime: 'maxBurn',
    storage: 'MaxBurn',
    kind: 'u64',
    who: 'owner',
    event: 'MaxBurnSet',
  },
  { name: 'burn_half_life', field: 'burnHalfLife', kind: 'u16', who: 'owner', event: 'BurnHalfLifeSet' },
  {
    name: 'network_registration_allowed',
    aliases: ['registration_allowed'],
    field: 'registrationAllowed',
    runtime: 'registrationAllowed',
    storage: 'NetworkRegistrationAllowed',
    kind: 'bool',
    who: 'root',
    event: 'RegistrationAllowed',
  },
  {
    name: 'network_pow_registration_allowed',
    setterAliases: ['pow_registration_allowed'],
    kind: 'bool',
  },
  {
    name: 'serving_rate_limit',
    field: 'servingRateLimit',
    runtime: 'servingRateLimit',
    storage: 'ServingRateLimit',
    kind: 'u64',
    who: 'owner',
    event: 'ServingRateLimitSet',
  },
  { name: 'kappa', field: 'kappa', runtime: 'kappa', storage: 'Kappa', kind: 'u16', who: 'root', event: 'KappaSet' },
  { name: 'rho', field: 'rho', runtime: 'rho', storage: 'Rho', kind: 'u16', who: 'owner', event: 'RhoSet' },
  {
    name: 'bonds_moving_average',
    setterAliases: ['bonds_moving_avg'],
    field: 'bondsMovingAvg',
    runtime: 'bondsMovingAvg',
    storage: 'BondsMovingAverage',
    kind: 'u64',
    who: 'owner',
    event: 'BondsMovingAverageSet',
  },
  {
    name: 'bonds_penalty',
    field: 'bondsPenalty',
    storage: 'BondsPenalty',
    kind: 'u16',
    who: 'owner',
    event: 'BondsPenaltySet',
  },
  {
    name: 'bonds_reset_enabled',
    field: 'bondsResetEnabled',
    runtime: 'bondsResetEnabled',
    storage: 'BondsResetOn',
    kind: 'bool',
    who: 'owner',
    event: 'BondsResetOnSet',
  },
  {
    name: 'yuma3_enabled',
    setterAliases: ['yuma_version'],
    field: 'yuma3Enabled',
    storage: 'Yuma3On',
    kind: 'bool',
    who: 'owner',
    event: 'Yuma3EnableToggled',
  },
  {
    name: 'liquid_alpha_enabled',
    field: 'liquidAlphaEnabled',
    runtime: 'liquidAlphaEnabled',
    storage: 'LiquidAlphaOn',
    kind: 'bool',
    who: 'owner',
    event: 'LiquidAlphaEnableToggled',
  },
  // both halves of the AlphaValues storage tuple; the storage fallback reads it whole
  { name: 'alpha_low', field: 'alphaLow', runtime: 'alphaLow', kind: 'u16', who: 'owner', event: 'AlphaValuesSet' },
  { name: 'alpha_high', field: 'alphaHigh', runtime: 'alphaHigh', kind: 'u16', who: 'owner', event: 'AlphaValuesSet' },
  {
    name: 'alpha_sigmoid_steepness',
    field: 'alphaSigmoidSteepness',
    kind: 'u16',
    who: 'owner',
    event: 'AlphaSigmoidSteepnessSet',
  },
  {
    name: 'transfers_enabled',
    field: 'transfersEnabled',
    runtime: 'transfersEnabled',
    storage: 'TransferToggle',
    kind: 'bool',
    who: 'owner',
    event: 'TransferToggle',
    setters: ['AdminUtils.sudo_set_toggle_transfer'],
  },
  { name: 'owner_cut_enabled', field: 'ownerCutEnabled', kind: 'bool', who: 'owner', event: 'OwnerCutEnabledSet' },
  {
    name: 'immune_owner_uids_limit',
    field: 'immuneOwnerUidsLimit',
    kind: 'u16',
    who: 'owner',
    event: 'OwnerImmuneNeuronLimitSet',
  },
  { name: 'min_non_immune_uids', field: 'minNonImmuneUids', kind: 'u16', who: 'root', event: 'MinNonImmuneUidsSet' },
  {
    name: 'target_registrations_per_interval',
    setterAliases: ['target_regs_per_interval'],
    field: 'targetRegistrationsPerInterval',
    runtime: 'targetRegsPerInterval',
    storage: 'TargetRegistrationsPerInterval',
    kind: 'u16',
    who: 'root',
    event: 'RegistrationPerIntervalSet',
  },
  {
    name: 'adjustment_interval',
    field: 'adjustmentInterval',
    runtime: 'adjustmentInterval',
    storage: 'AdjustmentInterval',
    kind: 'u16',
    who: 'root',
    event: 'AdjustmentIntervalSet',
  },
  {
    name: 'adjustment_alpha',
    field: 'adjustmentAlpha',
    runtime: 'adjustmentAlpha',
    storage: 'AdjustmentAlpha',
    kind: 'u64',
    who: 'owner',
    event: 'AdjustmentAlphaSet',
  },
  {
    name: 'max_registrations_per_block',
    setterAliases: ['max_regs_per_block'],
    field: 'maxRegistrationsPerBlock',
    runtime: 'maxRegsPerBlock',
    storage: 'MaxRegistrationsPerBlock',
    kind: 'u16',
    who: 'root',
    event: 'MaxRegistrationsPerBlockSet',
  },
  {
    name: 'subnet_emission_enabled',
    field: 'subnetEmissionEnabled',
    kind: 'bool',
    who: 'root',
    event: 'SubnetEmissionEnabledSet',
  },
  { name: 'difficulty', runtime: 'difficulty', storage: 'Difficulty', kind: 'u64' },
  {
    name: 'subnet_is_active',
    runtime: 'subnetIsActive',
    storage: 'SubtokenEnabled',
    kind: 'bool',
    setters: ['AdminUtils.sudo_set_subtoken_enabled'],
  },
] as const satisfies readonly HyperparameterSpec[];

/** A hyperparameter the local engine can set: it has a field, an authority and an event. */
export type SettableHyperparameter = Extract<(typeof HYPERPARAMETERS)[number], { field: string; who: string }>;
/** The local engine's fields the registry names (chain/local/params.ts checks they are `Hyper` keys). */
export type HyperparameterField = SettableHyperparameter['field'];

/** camelCase or snake_case → snake_case. */
export function toSnakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

const BY_NAME = new Map<string, HyperparameterSpec>();
const BY_SETTER_NAME = new Map<string, HyperparameterSpec>();
for (const spec of HYPERPARAMETERS as readonly HyperparameterSpec[]) {
  for (const n of [spec.name, ...(spec.aliases ?? [])]) BY_NAME.set(n, spec);
  for (const n of [spec.name, ...(spec.aliases ?? []), ...(spec.setterAliases ?? [])]) BY_SETTER_NAME.set(n, spec);
}

/** The spec under a name or alias (snake_case or camelCase), as the local engine accepts it. */
export function hyperparameterSpec(name: string): HyperparameterSpec | undefined {
  return BY_NAME.get(toSnakeCase(name));
}

/** Every name and alias the local engine accepts, sorted. */
export function settableHyperparameterNames(): string[] {
  return [...BY_NAME.entries()]
    .filter(([, s]) => s.field !== undefined && s.who !== undefined)
    .map(([n]) => n)
    .sort();
}

/** The setter calls to try for a hyperparameter, most specific first, as "Pallet.call". */
export function hyperparameterSetters(name: string): string[] {
  const snake = toSnakeCase(name);
  const spec = BY_SETTER_NAME.get(snake);
  const own = spec ? (spec.setters ?? [`AdminUtils.sudo_set_${spec.name}`]) : [];
  return [...new Set([...own, `AdminUtils.sudo_set_${snake}`, `SubtensorModule.set_${snake}`])];
}

/** Runtime-API field → storage item, for reading hyperparameters on runtimes without the API. */
export function hyperparameterStorage(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of HYPERPARAMETERS as readonly HyperparameterSpec[]) {
    if (s.runtime && s.storage) out[s.runtime] = s.storage;
  }
  return out;
}

/**
 * The hyperparameter a setter call sets (`AdminUtils.sudo_set_toggle_transfer` → transfers_enabled,
 * `AdminUtils.sudo_set_rho` → rho), by the registry's setter calls, else by subtensor's
 * `sudo_set_<name>` / `set_<name>` convention; null for any other call. Pallet and call in any case.
 */
export function hyperparameterForSetter(pallet: string, call: string): string | null {
  const p = pallet.charAt(0).toUpperCase() + pallet.slice(1);
  const c = toSnakeCase(call);
  const full = `${p}.${c}`;
  for (const s of HYPERPARAMETERS as readonly HyperparameterSpec[]) {
    if (s.setters?.includes(full)) return s.name;
  }
  const name = p === 'AdminUtils' && c.startsWith('sudo_set_') ? c.slice('sudo_set_'.length) : null;
  if (name === null) return null;
  return (hyperparameterSpec(name) ?? BY_SETTER_NAME.get(name))?.name ?? name;
}
