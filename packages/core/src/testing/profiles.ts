// The cheating miners of the localnet demo and plugin test suites. They live in the testing kit so
// the production miner ships none: a miner runs them only through its behaviour seat.
import { SubnetkitError } from '../errors/subnetkit-error.js';
import type { MinerBehaviourOverride, MinerHandler } from '../neuron/miner-behaviour.js';
import type { AnySubnet } from '../plugin/types.js';
import type { Clock } from '../util/clock.js';

export type { MinerHandler } from '../neuron/miner-behaviour.js';

/** How a miner behaves: honest, or one of the cheating profiles the localnet mixes in. */
export const MINER_PROFILES = ['honest', 'lazy', 'random', 'copycat', 'slow'] as const;
export type MinerProfile = (typeof MINER_PROFILES)[number];

/**
 * Answers honest miners gave, shared by the copycats of one subnet: a copycat replays an earlier
 * answer (to another request) instead of doing the work. Bounded, oldest first out.
 */
export class AnswerBoard {
  readonly #answers: { key: string; response: unknown }[] = [];
  constructor(readonly capacity = 64) {}

  post(requestKey: string, response: unknown): void {
    this.#answers.push({ key: requestKey, response });
    if (this.#answers.length > this.capacity) this.#answers.shift();
  }

  /** The most recent answer to a different request, if any. */
  stale(requestKey: string): unknown | undefined {
    for (let i = this.#answers.length - 1; i >= 0; i--) {
      const a = this.#answers[i]!;
      if (a.key !== requestKey) return a.response;
    }
    return undefined;
  }
}

/** What a custom profile's handler may build on: the subnet, the honest handler and the shared board. */
export interface ProfileEnv {
  subnet: AnySubnet;
  /** Runs the subnet's own miner (and posts the answer to the board, as honest miners do). */
  honest: MinerHandler;
  board: AnswerBoard;
  clock: Clock;
}

/**
 * A miner behaviour beyond the built-in profiles (the adversary gauntlet's cheaters): `profile`
 * names it in summaries (`incentiveByProfile`), `create` builds its handler once per miner.
 */
export interface CustomProfile {
  profile: string;
  create(env: ProfileEnv): MinerHandler;
}

/** A built-in profile name or a custom behaviour. */
export type MinerBehaviour = MinerProfile | CustomProfile;

/** The name a behaviour goes by in summaries and logs. */
export function profileName(behaviour: MinerBehaviour): string {
  return typeof behaviour === 'string' ? behaviour : behaviour.profile;
}

export interface ProfileOptions {
  subnet: AnySubnet;
  profile: MinerBehaviour;
  board: AnswerBoard;
  clock: Clock;
  /** The timeout validators use (default the task's); `slow` answers just after it. */
  timeoutMs?: number;
}

/** Builds the request handler for a miner profile. */
export function profileHandler({ subnet, profile, board, clock, timeoutMs: timeout }: ProfileOptions): MinerHandler {
  const honest: MinerHandler = async (req, ctx) => {
    const res = await subnet.miner.handle(req, ctx);
    board.post(requestKey(req), res);
    return res;
  };
  const adversary = (kind: 'lazy' | 'random'): MinerHandler => {
    const fn = subnet.adversaries?.[kind];
    if (!fn) {
      throw new SubnetkitError(
        'SK_CLI_USAGE',
        `Subnet '${subnet.name}' defines no '${kind}' adversary, so the '${kind}' miner profile cannot run for it.`,
        { subnet: subnet.name, profile: kind },
      );
    }
    return async (req, ctx) => fn(req, ctx);
  };
  if (typeof profile !== 'string') return profile.create({ subnet, honest, board, clock });
  switch (profile) {
    case 'honest':
      return honest;
    case 'lazy':
      return adversary('lazy');
    case 'random':
      return adversary('random');
    case 'copycat': {
      const lazy = subnet.adversaries?.lazy ? adversary('lazy') : honest;
      return async (req, ctx) => board.stale(requestKey(req)) ?? lazy(req, ctx);
    }
    case 'slow': {
      const timeoutMs = timeout ?? subnet.task.timeoutMs ?? 12_000;
      return async (req, ctx) => {
        // answers correctly, but only after the validator has stopped waiting
        await clock.sleep(timeoutMs + 250, ctx.signal);
        return honest(req, ctx);
      };
    }
  }
}

/**
 * The miner setting that runs `behaviour`: copycats share `board` (one per subnet); `timeoutMs` is
 * the validators' query timeout, which the slow profile answers just after.
 */
export function minerBehaviour(
  behaviour: MinerBehaviour,
  board: AnswerBoard,
  timeoutMs?: number,
): MinerBehaviourOverride {
  return {
    name: profileName(behaviour),
    streams: behaviour === 'honest',
    create: ({ subnet, clock }) =>
      profileHandler({ subnet, profile: behaviour, board, clock, ...(timeoutMs ? { timeoutMs } : {}) }),
  };
}

function requestKey(request: unknown): string {
  return JSON.stringify(request);
}

/** Parses `honest:4,lazy:1,random:1` into a list of profiles, in order. */
export function parseProfiles(spec: string): MinerProfile[] {
  const out: MinerProfile[] = [];
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, countText = '1'] = part.split(':');
    const count = Number(countText);
    if (!MINER_PROFILES.includes(name as MinerProfile) || !Number.isInteger(count) || count < 0 || count > 256) {
      throw new SubnetkitError(
        'SK_CLI_USAGE',
        `Bad profile '${part}': expected name:count with a name among ${MINER_PROFILES.join(', ')} (e.g. honest:4,lazy:1).`,
        { part },
      );
    }
    for (let i = 0; i < count; i++) out.push(name as MinerProfile);
  }
  return out;
}
