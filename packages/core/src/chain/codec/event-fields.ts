/**
 * Field names for subtensor's tuple events (`subtensor-api.md` §8.4), which the metadata leaves
 * unnamed. Both backends report event data under these names, so `ChainEvent.data` is the same
 * whichever chain produced it. Events with named fields keep the metadata's names (camelCased).
 */
export const TUPLE_EVENT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'SubtensorModule.NetworkAdded': ['netuid', 'mechanism'],
  'SubtensorModule.NetworkRemoved': ['netuid'],
  'SubtensorModule.NeuronRegistered': ['netuid', 'uid', 'hotkey'],
  'SubtensorModule.AxonServed': ['netuid', 'hotkey'],
  'SubtensorModule.PrometheusServed': ['netuid', 'hotkey'],
  'SubtensorModule.WeightsSet': ['netuidIndex', 'uid'],
  'SubtensorModule.WeightsCommitted': ['hotkey', 'netuidIndex', 'hash'],
  'SubtensorModule.WeightsRevealed': ['hotkey', 'netuidIndex', 'hash'],
  'SubtensorModule.TimelockedWeightsCommitted': ['hotkey', 'netuidIndex', 'hash', 'revealRound'],
  'SubtensorModule.TimelockedWeightsRevealed': ['netuidIndex', 'hotkey'],
  'SubtensorModule.StakeAdded': ['coldkey', 'hotkey', 'tao', 'alpha', 'netuid', 'fee'],
  'SubtensorModule.StakeRemoved': ['coldkey', 'hotkey', 'tao', 'alpha', 'netuid', 'fee'],
  'SubtensorModule.FirstEmissionBlockNumberSet': ['netuid', 'block'],
  'SubtensorModule.SubnetOwnerHotkeySet': ['netuid', 'hotkey'],
  'SubtensorModule.TempoSet': ['netuid', 'tempo'],
  'SubtensorModule.ImmunityPeriodSet': ['netuid', 'value'],
  'SubtensorModule.WeightsVersionKeySet': ['netuid', 'value'],
  'SubtensorModule.WeightsSetRateLimitSet': ['netuid', 'value'],
  'SubtensorModule.MaxAllowedUidsSet': ['netuid', 'value'],
  'SubtensorModule.ServingRateLimitSet': ['netuid', 'value'],
  'SubtensorModule.MinBurnSet': ['netuid', 'value'],
  'SubtensorModule.MaxBurnSet': ['netuid', 'value'],
  'SubtensorModule.CommitRevealEnabled': ['netuid', 'enabled'],
  'SubtensorModule.CommitRevealPeriodsSet': ['netuid', 'periods'],
  'SubtensorModule.SubnetIdentitySet': ['netuid'],
  'SubtensorModule.ActivityCutoffSet': ['netuid', 'value'],
  'SubtensorModule.MinAllowedWeightSet': ['netuid', 'value'],
  'SubtensorModule.MaxAllowedValidatorsSet': ['netuid', 'value'],
  'SubtensorModule.KappaSet': ['netuid', 'value'],
  'SubtensorModule.RhoSet': ['netuid', 'value'],
  'SubtensorModule.BondsMovingAverageSet': ['netuid', 'value'],
  'SubtensorModule.RegistrationAllowed': ['netuid', 'allowed'],
  'SubtensorModule.MaxRegistrationsPerBlockSet': ['netuid', 'value'],
  'SubtensorModule.TargetRegistrationsPerIntervalSet': ['netuid', 'value'],
  'SubtensorModule.AdjustmentIntervalSet': ['netuid', 'value'],
  'SubtensorModule.AdjustmentAlphaSet': ['netuid', 'value'],
};

/** Names for an event's fields: the metadata's own names, the table above, or positions. */
export function eventFieldNames(pallet: string, name: string, metaNames: readonly (string | null)[]): string[] {
  const table = TUPLE_EVENT_FIELDS[`${pallet}.${name}`];
  return metaNames.map((n, i) => (n ? camel(n) : (table?.[i] ?? String(i))));
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
