/**
 * The scenario runner (consensus.md §9): parses a scenario (initial state, epochs, actions),
 * runs the epochs with state carried forward, and returns records shaped like the vectors'
 * `expected` object. Integers above 2^53 − 1 become decimal strings, as in the vectors.
 */
import { z } from 'zod';
import { SubnetkitError } from '../errors/subnetkit-error.js';
import { runEpoch } from './epoch.js';
import { inheritStake } from './stake.js';
import {
  DEFAULT_EPOCH_HYPERPARAMETERS,
  type EpochHyperparameters,
  type EpochIntermediates,
  type EpochOutput,
  type SparseRowU16,
} from './types.js';
import { maxUpscaleU16 } from './weights.js';

/** An exact integer in JSON: a number up to 2^53 − 1, else a decimal string. */
export type JsonInt = number | string;

const intLike = z
  .union([z.number().int('must be an integer'), z.string().regex(/^-?\d+$/, 'must be a decimal integer string')])
  .transform((v) => BigInt(v));
const uintBig = (bits: number) => {
  const max = (1n << BigInt(bits)) - 1n;
  return intLike.refine((v) => v >= 0n && v <= max, `must be an integer in 0 … 2^${bits} − 1`);
};
const uintNum = (max: number) =>
  intLike.refine((v) => v >= 0n && v <= BigInt(max), `must be an integer in 0 … ${max}`).transform(Number);
const u64 = uintBig(64);
const u16 = uintNum(65535);
const i16 = intLike
  .refine((v) => v >= -32768n && v <= 32767n, 'must be an integer in −32768 … 32767')
  .transform(Number);
const uid = uintNum(65535);
const sparseRow = z.array(z.tuple([uid, u16]));

const hyperparametersSchema = z.strictObject({
  kappa: u16.optional(),
  bonds_moving_average: u64.optional(),
  bonds_penalty: u16.optional(),
  tempo: u16.optional(),
  activity_cutoff_factor_milli: uintNum(0xffffffff).optional(),
  activity_cutoff_blocks: u64.nullable().optional(),
  max_allowed_validators: u16.optional(),
  stake_threshold: u64.optional(),
  yuma3: z.boolean().optional(),
  liquid_alpha: z.boolean().optional(),
  alpha_low: u16.optional(),
  alpha_high: u16.optional(),
  alpha_sigmoid_steepness: i16.optional(),
  tao_weight: u64.optional(),
  commit_reveal: z.boolean().optional(),
  bonds_reset: z.boolean().optional(),
  last_mechanism_step_block: u64.optional(),
});
type HyperparametersJson = z.infer<typeof hyperparametersSchema>;

const stakeInputsSchema = z.strictObject({
  own_alpha: z.array(u64).optional(),
  own_tao: z.array(u64).optional(),
  children: z.array(z.tuple([uid, u64, uid])).optional(),
});

const stateShape = {
  stake: z.array(u64).optional(),
  tao_stake: z.array(u64).optional(),
  stake_inputs: stakeInputsSchema.optional(),
  weights: z.array(sparseRow).optional(),
  bonds: z.array(sparseRow).optional(),
  validator_permit: z.array(z.boolean()).optional(),
  last_update: z.array(u64).optional(),
  block_at_registration: z.array(u64).optional(),
  commit_block: z.array(u64.nullable()).optional(),
};
const stateSchema = z.strictObject(stateShape);
type StateJson = z.infer<typeof stateSchema>;

const uidOrList = z.union([uid, z.array(uid)]);
const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('set_weights'), uid: uidOrList, dests: z.array(uid), values: z.array(u16), block: u64 }),
  z.object({ type: z.literal('set_weights_raw'), uid: uid, row: sparseRow }),
  z.object({ type: z.literal('register'), uid: uid, block: u64, stake: u64.optional(), tao_stake: u64.optional() }),
  z.object({ type: z.literal('set_stake'), uid: uid, stake: u64.optional(), tao_stake: u64.optional() }),
  z.object({ type: z.literal('set_permit'), uid: uid, value: z.boolean() }),
  z.object({ type: z.literal('set_last_update'), uid: uid, block: u64 }),
  z.object({ type: z.literal('set_commit_block'), uid: uid, block: u64.nullable() }),
  z.object({ type: z.literal('reset_bonds'), uid: uid }),
  z.object({ type: z.literal('set_hyperparameters'), values: hyperparametersSchema }),
  z.object({ type: z.literal('set_owner'), uid: uid.nullable() }),
]);
type ActionJson = z.infer<typeof actionSchema>;

const epochSchema = z.object({
  label: z.string().optional(),
  block: u64,
  emission: u64,
  updates_last_step_block: z.boolean().optional(),
  hyperparameters: hyperparametersSchema.optional(),
  ...stateShape,
  actions: z.array(actionSchema).optional(),
  test_assertions: z.array(z.unknown()).optional(),
});

const scenarioSchema = z.object({
  name: z.string().optional(),
  source: z.string().optional(),
  notes: z.string().optional(),
  n: uintNum(65535),
  owner_uid: uid.nullable().optional(),
  hyperparameters: hyperparametersSchema.optional(),
  state: stateSchema.optional(),
  epochs: z.array(epochSchema),
  expected: z.unknown().optional(),
});
/** A parsed, validated scenario. */
export type Scenario = z.infer<typeof scenarioSchema>;

/** One epoch's record (consensus.md §9.4); I32F32 raws and u16 values are exact numbers. */
export interface EpochRecord {
  label?: string;
  block: JsonInt;
  n: number;
  activity_cutoff: JsonInt;
  last_tempo: JsonInt;
  active: boolean[];
  stake_raw_u64: JsonInt[];
  stake_bits: number[];
  stake_weight_u16: number[];
  validator_permit_old: boolean[];
  validator_permit_new: boolean[];
  active_stake_bits: number[];
  weights_bits?: SparseRowU16[];
  clipped_weights_bits?: SparseRowU16[];
  weights_for_bonds_bits?: SparseRowU16[];
  consensus_bits: number[];
  consensus_u16: number[];
  validator_trust_bits: number[];
  validator_trust_u16: number[];
  rank_bits: number[];
  incentive_bits: number[];
  incentive_u16: number[];
  dividends_bits: number[];
  dividends_u16: number[];
  ema_bonds_bits?: SparseRowU16[];
  bonds_u16: SparseRowU16[];
  normalized_server_emission_bits: number[];
  normalized_validator_emission_bits: number[];
  normalized_combined_emission_bits: number[];
  server_emission: JsonInt[];
  validator_emission: JsonInt[];
  emission: JsonInt[];
  rank_u16: number[];
  trust_u16: number[];
  pruning_score_u16: number[];
}

/** The result of a scenario: one record per epoch and the state after the last one. */
export interface ScenarioResult {
  epochs: EpochRecord[];
  final_state: {
    n: number;
    weights?: SparseRowU16[];
    validator_permit: boolean[];
    last_update: JsonInt[];
    block_at_registration: JsonInt[];
  };
}

/** Matrices are recorded only for small subnets, as in the vectors. */
const MATRIX_RECORD_LIMIT = 64;

/** A bigint as the vectors write it: a number when exact, else a decimal string. */
export function toJsonInt(v: bigint): JsonInt {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(root)' : out;
}

function badScenario(field: string, message: string): SubnetkitError {
  return new SubnetkitError('SK_CONSENSUS_BAD_SCENARIO', `scenario field ${field}: ${message}`, { field });
}

/** Parses and validates a scenario object (e.g. the JSON of a vector file). */
export function parseScenario(input: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? fieldPath(issue.path) : '(root)';
    const err = badScenario(field, issue?.message ?? 'invalid');
    throw new SubnetkitError('SK_CONSENSUS_BAD_SCENARIO', err.message, {
      field,
      issues: parsed.error.issues.slice(0, 10).map((i) => ({ field: fieldPath(i.path), message: i.message })),
    });
  }
  return parsed.data;
}

interface RunnerState {
  n: number;
  ownerUid: number | null;
  hp: EpochHyperparameters;
  stake: bigint[];
  taoStake: bigint[];
  weights: SparseRowU16[];
  bonds: SparseRowU16[];
  validatorPermit: boolean[];
  lastUpdate: bigint[];
  blockAtRegistration: bigint[];
  commitBlock: (bigint | null)[];
}

function fit<T>(xs: readonly T[], n: number, fill: () => T): T[] {
  const out = xs.slice(0, n);
  while (out.length < n) out.push(fill());
  return out;
}

function mergeHyperparameters(hp: EpochHyperparameters, j: HyperparametersJson): EpochHyperparameters {
  const out = { ...hp };
  if (j.kappa !== undefined) out.kappa = j.kappa;
  if (j.bonds_moving_average !== undefined) out.bondsMovingAverage = j.bonds_moving_average;
  if (j.bonds_penalty !== undefined) out.bondsPenalty = j.bonds_penalty;
  if (j.tempo !== undefined) out.tempo = j.tempo;
  if (j.activity_cutoff_factor_milli !== undefined) out.activityCutoffFactorMilli = j.activity_cutoff_factor_milli;
  if (j.activity_cutoff_blocks !== undefined) out.activityCutoffBlocks = j.activity_cutoff_blocks;
  if (j.max_allowed_validators !== undefined) out.maxAllowedValidators = j.max_allowed_validators;
  if (j.stake_threshold !== undefined) out.stakeThreshold = j.stake_threshold;
  if (j.yuma3 !== undefined) out.yuma3 = j.yuma3;
  if (j.liquid_alpha !== undefined) out.liquidAlpha = j.liquid_alpha;
  if (j.alpha_low !== undefined) out.alphaLow = j.alpha_low;
  if (j.alpha_high !== undefined) out.alphaHigh = j.alpha_high;
  if (j.alpha_sigmoid_steepness !== undefined) out.alphaSigmoidSteepness = j.alpha_sigmoid_steepness;
  if (j.tao_weight !== undefined) out.taoWeight = j.tao_weight;
  if (j.commit_reveal !== undefined) out.commitReveal = j.commit_reveal;
  if (j.bonds_reset !== undefined) out.bondsReset = j.bonds_reset;
  if (j.last_mechanism_step_block !== undefined) out.lastMechanismStepBlock = j.last_mechanism_step_block;
  return out;
}

function applyState(st: RunnerState, s: StateJson, where: string): void {
  const n = st.n;
  if (s.stake) st.stake = fit(s.stake, n, () => 0n);
  if (s.tao_stake) st.taoStake = fit(s.tao_stake, n, () => 0n);
  if (s.weights) st.weights = fit(s.weights, n, () => []);
  if (s.bonds) st.bonds = fit(s.bonds, n, () => []);
  if (s.validator_permit) st.validatorPermit = fit(s.validator_permit, n, () => false);
  if (s.last_update) st.lastUpdate = fit(s.last_update, n, () => 0n);
  if (s.block_at_registration) st.blockAtRegistration = fit(s.block_at_registration, n, () => 0n);
  if (s.commit_block) st.commitBlock = fit(s.commit_block, n, () => null);
  if (s.stake_inputs) {
    const links = (s.stake_inputs.children ?? []).map(([parent, proportion, child], k) => {
      if (parent >= n || child >= n) {
        throw badScenario(`${where}.stake_inputs.children[${k}]`, `uid out of range (n = ${n})`);
      }
      return { parent, proportion, child };
    });
    st.stake = inheritStake(
      fit(s.stake_inputs.own_alpha ?? [], n, () => 0n),
      links,
    );
    st.taoStake = inheritStake(
      fit(s.stake_inputs.own_tao ?? [], n, () => 0n),
      links,
    );
  }
}

function checkUid(st: RunnerState, u: number, field: string, allowAppend = false): void {
  if (u < st.n || (allowAppend && u === st.n)) return;
  throw badScenario(field, `uid ${u} is out of range (n = ${st.n})`);
}

function applyAction(st: RunnerState, a: ActionJson, field: string): void {
  switch (a.type) {
    case 'set_weights': {
      if (a.dests.length !== a.values.length) {
        throw badScenario(`${field}.values`, `has ${a.values.length} entries but dests has ${a.dests.length}`);
      }
      const uids = Array.isArray(a.uid) ? a.uid : [a.uid];
      uids.forEach((u, k) => {
        checkUid(st, u, Array.isArray(a.uid) ? `${field}.uid[${k}]` : `${field}.uid`);
      });
      const up = maxUpscaleU16(a.values);
      for (const u of uids) {
        st.weights[u] = a.dests.map((d, k) => [d, up[k] as number]);
        st.lastUpdate[u] = a.block;
      }
      return;
    }
    case 'set_weights_raw':
      checkUid(st, a.uid, `${field}.uid`);
      st.weights[a.uid] = a.row.map(([j, v]) => [j, v]);
      return;
    case 'register': {
      checkUid(st, a.uid, `${field}.uid`, true);
      const u = a.uid;
      if (u === st.n) {
        st.n++;
        st.stake.push(0n);
        st.taoStake.push(0n);
        st.weights.push([]);
        st.bonds.push([]);
        st.validatorPermit.push(false);
        st.lastUpdate.push(0n);
        st.blockAtRegistration.push(0n);
        st.commitBlock.push(null);
      } else {
        for (let i = 0; i < st.n; i++) {
          if (i === u) continue;
          const row = st.weights[i] as SparseRowU16;
          if (row.some(([j]) => j === u)) st.weights[i] = row.map(([j, v]) => [j, j === u ? 0 : v]);
        }
      }
      st.weights[u] = [];
      st.bonds[u] = [];
      st.validatorPermit[u] = false;
      st.stake[u] = a.stake ?? 0n;
      st.taoStake[u] = a.tao_stake ?? 0n;
      st.lastUpdate[u] = a.block;
      st.blockAtRegistration[u] = a.block;
      st.commitBlock[u] = null;
      return;
    }
    case 'set_stake':
      checkUid(st, a.uid, `${field}.uid`);
      if (a.stake !== undefined) st.stake[a.uid] = a.stake;
      if (a.tao_stake !== undefined) st.taoStake[a.uid] = a.tao_stake;
      return;
    case 'set_permit':
      checkUid(st, a.uid, `${field}.uid`);
      st.validatorPermit[a.uid] = a.value;
      return;
    case 'set_last_update':
      checkUid(st, a.uid, `${field}.uid`);
      st.lastUpdate[a.uid] = a.block;
      return;
    case 'set_commit_block':
      checkUid(st, a.uid, `${field}.uid`);
      st.commitBlock[a.uid] = a.block;
      return;
    case 'reset_bonds':
      checkUid(st, a.uid, `${field}.uid`);
      if (!st.hp.bondsReset) return;
      st.bonds = st.bonds.map((row) => row.filter(([j]) => j !== a.uid));
      return;
    case 'set_hyperparameters':
      st.hp = mergeHyperparameters(st.hp, a.values);
      return;
    case 'set_owner':
      if (a.uid !== null) checkUid(st, a.uid, `${field}.uid`);
      st.ownerUid = a.uid;
      return;
  }
}

/** The scenario format's defaults: the chain's new-subnet values, but commit-reveal off (§9.2). */
const SCENARIO_DEFAULTS: EpochHyperparameters = { ...DEFAULT_EPOCH_HYPERPARAMETERS, commitReveal: false };

function toRecord(label: string | undefined, block: bigint, out: EpochOutput): EpochRecord {
  const im = out.intermediates as EpochIntermediates;
  const withMatrices = out.n <= MATRIX_RECORD_LIMIT;
  const ints = (xs: bigint[]) => xs.map(toJsonInt);
  const rec: EpochRecord = {
    ...(label !== undefined ? { label } : {}),
    block: toJsonInt(block),
    n: out.n,
    activity_cutoff: toJsonInt(out.activityCutoff),
    last_tempo: toJsonInt(out.lastTempo),
    active: out.active,
    stake_raw_u64: ints(out.stakeRawU64),
    stake_bits: im.stakeBits,
    stake_weight_u16: out.stakeWeightU16,
    validator_permit_old: out.validatorPermitOld,
    validator_permit_new: out.validatorPermitNew,
    active_stake_bits: im.activeStakeBits,
    ...(withMatrices
      ? {
          weights_bits: im.weightsBits,
          clipped_weights_bits: im.clippedWeightsBits,
          weights_for_bonds_bits: im.weightsForBondsBits,
        }
      : {}),
    consensus_bits: im.consensusBits,
    consensus_u16: out.consensusU16,
    validator_trust_bits: im.validatorTrustBits,
    validator_trust_u16: out.validatorTrustU16,
    rank_bits: im.rankBits,
    incentive_bits: im.incentiveBits,
    incentive_u16: out.incentiveU16,
    dividends_bits: im.dividendsBits,
    dividends_u16: out.dividendsU16,
    ...(withMatrices ? { ema_bonds_bits: im.emaBondsBits } : {}),
    bonds_u16: out.bondsU16,
    normalized_server_emission_bits: im.normalizedServerEmissionBits,
    normalized_validator_emission_bits: im.normalizedValidatorEmissionBits,
    normalized_combined_emission_bits: im.normalizedCombinedEmissionBits,
    server_emission: ints(out.serverEmission),
    validator_emission: ints(out.validatorEmission),
    emission: ints(out.emission),
    rank_u16: out.rankU16,
    trust_u16: out.trustU16,
    pruning_score_u16: out.pruningScoreU16,
  };
  return rec;
}

/**
 * Runs a scenario (consensus.md §9.2–9.3) and returns its result in the vectors' `expected` shape.
 * Throws `SK_CONSENSUS_BAD_SCENARIO` naming the offending field for malformed input.
 *
 * @example
 * const result = runScenario(JSON.parse(readFileSync('worked_example.json', 'utf8')));
 * result.epochs[0].emission; // [420659421, 79340578, 360465248, 139534751]
 */
export function runScenario(scenario: unknown): ScenarioResult {
  const sc = parseScenario(scenario);
  const n = sc.n;
  const st: RunnerState = {
    n,
    ownerUid: sc.owner_uid ?? null,
    hp: mergeHyperparameters(SCENARIO_DEFAULTS, sc.hyperparameters ?? {}),
    stake: fit([], n, () => 0n),
    taoStake: fit([], n, () => 0n),
    weights: fit([], n, () => []),
    bonds: fit([], n, () => []),
    validatorPermit: fit([], n, () => false),
    lastUpdate: fit([], n, () => 0n),
    blockAtRegistration: fit([], n, () => 0n),
    commitBlock: fit([], n, () => null),
  };
  if (st.ownerUid !== null) checkUid(st, st.ownerUid, 'owner_uid');
  applyState(st, sc.state ?? {}, 'state');
  const epochs: EpochRecord[] = [];
  sc.epochs.forEach((ep, e) => {
    const where = `epochs[${e}]`;
    if (ep.hyperparameters) st.hp = mergeHyperparameters(st.hp, ep.hyperparameters);
    applyState(st, ep, where);
    (ep.actions ?? []).forEach((a, k) => {
      applyAction(st, a, `${where}.actions[${k}]`);
    });
    const out = runEpoch(
      {
        n: st.n,
        block: ep.block,
        emission: ep.emission,
        ownerUid: st.ownerUid,
        hyperparameters: st.hp,
        stake: st.stake,
        taoStake: st.taoStake,
        weights: st.weights,
        bonds: st.bonds,
        validatorPermit: st.validatorPermit,
        lastUpdate: st.lastUpdate,
        blockAtRegistration: st.blockAtRegistration,
        commitBlock: st.commitBlock,
      },
      { intermediates: true },
    );
    epochs.push(toRecord(ep.label, ep.block, out));
    // copies: later actions must not rewrite this epoch's record
    st.bonds = out.bondsU16.slice();
    st.validatorPermit = out.validatorPermitNew.slice();
    if (ep.updates_last_step_block) st.hp = { ...st.hp, lastMechanismStepBlock: ep.block };
  });
  return {
    epochs,
    final_state: {
      n: st.n,
      ...(st.n <= MATRIX_RECORD_LIMIT ? { weights: st.weights } : {}),
      validator_permit: st.validatorPermit,
      last_update: st.lastUpdate.map(toJsonInt),
      block_at_registration: st.blockAtRegistration.map(toJsonInt),
    },
  };
}
