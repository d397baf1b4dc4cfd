import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { SubnetkitError } from '../errors/subnetkit-error.js';

/** An answer kept until its challenge's truth is known (delayed ground truth). */
const pendingAnswer = z.object({
  uid: z.number().int().nonnegative(),
  hotkey: z.string(),
  response: z.unknown(),
  latencyMs: z.number().nonnegative(),
  timeoutMs: z.number().positive(),
});

const stateSchema = z.object({
  version: z.literal(1),
  netuid: z.number().int().nonnegative(),
  hotkey: z.string(),
  step: z.number().int().nonnegative(),
  scores: z.array(
    z.object({ uid: z.number().int().nonnegative(), hotkey: z.string(), score: z.number().min(0).max(1) }),
  ),
  lastWeightsBlock: z.number().int(),
  /** Weights committed (commit-reveal) and not yet revealed. */
  pendingReveal: z
    .object({
      uids: z.array(z.number()),
      values: z.array(z.number()),
      salt: z.array(z.number()),
      commitBlock: z.number(),
    })
    .nullable(),
  /** Challenges waiting for their truth. */
  deferred: z.array(
    z.object({
      step: z.number().int(),
      block: z.number().int(),
      deferred: z.unknown(),
      answers: z.array(pendingAnswer),
    }),
  ),
});

export type ValidatorState = z.output<typeof stateSchema>;
export type PendingAnswer = z.output<typeof pendingAnswer>;

/** A fresh state for a validator that has never run. */
export function initialValidatorState(netuid: number, hotkey: string): ValidatorState {
  return { version: 1, netuid, hotkey, step: 0, scores: [], lastWeightsBlock: -1, pendingReveal: null, deferred: [] };
}

/** Reads a validator state file as JSON; a file that is not JSON is SK_NEURON_STATE_CORRUPT naming it. */
export function readValidatorStateJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new SubnetkitError(
      'SK_NEURON_STATE_CORRUPT',
      `Validator state ${file} is not valid JSON; move it away to start fresh.`,
      { file },
      { cause },
    );
  }
}

/**
 * Reads a validator's persisted state. Missing file → a fresh state; a state of another
 * subnet or hotkey → a fresh state (scores are per hotkey and subnet); unreadable → error
 * naming the file (never silently starting from zero on corruption).
 */
export function loadValidatorState(file: string, netuid: number, hotkey: string): ValidatorState {
  if (!existsSync(file)) return initialValidatorState(netuid, hotkey);
  const parsed: z.ZodSafeParseResult<ValidatorState> = stateSchema.safeParse(readValidatorStateJson(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SubnetkitError(
      'SK_NEURON_STATE_CORRUPT',
      `Validator state ${file} is malformed at "${issue?.path.join('.')}": ${issue?.message}; move it away to start fresh.`,
      { file },
    );
  }
  const state = parsed.data;
  return state.netuid === netuid && state.hotkey === hotkey ? state : initialValidatorState(netuid, hotkey);
}

/**
 * Writes the state atomically (temp file, fsync, rename): a crash leaves the old or the new file.
 * `fsync: false` keeps the temp-and-rename (atomic against a crash of the process) but not the
 * guarantee against a power loss, for state that is cheap to lose (a development network).
 */
export function saveValidatorState(file: string, state: ValidatorState, { fsync = true } = {}): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(
      fd,
      JSON.stringify(state, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
    );
    if (fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
