/**
 * The adversary gauntlet: whole test networks (real chain, HTTP and consensus) where honest
 * miners compete with every standard cheating strategy and the subnet's declared baselines,
 * over several seeds. It measures each strategy's share of the incentive and fails when any
 * cheater earns more than `1 / ratio` of what an honest miner earns.
 */

import { incentiveByProfile } from '../localnet/summary.js';
import { createLogger } from '../log/logger.js';
import { createModelRuntime } from '../models/model-runtime.js';
import { loadSubnet, type SubnetSpec } from '../plugin/load-subnet.js';
import {
  type AnswerFromTruth,
  answerKeyAdversary,
  baselineAdversary,
  buildAnswerKey,
  type Hits,
  malformedAdversary,
  oversizedAdversary,
  replayAdversary,
} from './adversaries.js';
import { createTestNetwork } from './create-test-network.js';
import type { MinerBehaviour } from './profiles.js';

export interface GauntletOptions {
  subnet: SubnetSpec;
  /** One network per seed (default three seeds). */
  seeds?: readonly (string | number)[];
  /** Honest miners per network (default 2). */
  honest?: number;
  /** Epochs per network (default 3) and blocks per epoch (default 10). */
  epochs?: number;
  tempo?: number;
  /** Lets replay and answer-key cheaters answer from a truth they recover. */
  answerFromTruth?: AnswerFromTruth;
  /** Challenges in the offline answer key (default 32). */
  answerKeySize?: number;
  /** Subnet-specific cheaters, run next to the standard ones. */
  extra?: readonly MinerBehaviour[];
  /** Honest must earn at least this many times each cheater's share (default 2). */
  ratio?: number;
  /** Throw when a cheater earns too much (default true). */
  assert?: boolean;
  /** Extra folders searched for model fixtures; where package names resolve from. */
  fixturesDirs?: string[];
  cwd?: string;
}

/** Measured shares: per strategy, the incentive per seed (honest: the mean of the honest miners). */
export interface GauntletResult {
  subnet: string;
  seeds: (string | number)[];
  shares: Record<string, number[]>;
  /** Challenges the replay and answer-key cheaters recovered, over all seeds. */
  hits: { replay: number; answerKey: number };
  /** Strategies that broke the ratio, with their worst seed. */
  failures: string[];
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** The standard cheaters for a subnet: its lazy/random, copycat, baselines, replay, answer key, bad answers. */
export function standardAdversaries(
  subnet: { adversaries?: { lazy?: unknown; random?: unknown; baselines?: Record<string, unknown> } },
  parts: {
    answerFromTruth?: AnswerFromTruth;
    replayHits: Hits;
    answerKeyHits: Hits;
    answerKey: Parameters<typeof answerKeyAdversary>[0];
  },
): MinerBehaviour[] {
  const withTruth = parts.answerFromTruth ? { answerFromTruth: parts.answerFromTruth } : {};
  return [
    ...(subnet.adversaries?.lazy ? (['lazy'] as const) : []),
    ...(subnet.adversaries?.random ? (['random'] as const) : []),
    'copycat',
    ...Object.keys(subnet.adversaries?.baselines ?? {}).map((name) => baselineAdversary(name)),
    replayAdversary({ ...withTruth, hits: parts.replayHits }),
    answerKeyAdversary(parts.answerKey, { ...withTruth, hits: parts.answerKeyHits }),
    malformedAdversary(),
    oversizedAdversary(),
  ];
}

/**
 * Runs the gauntlet: per seed, one network of `honest` honest miners and one miner per cheating
 * strategy, `epochs` epochs long; then checks honest ≥ ratio × every cheater on every seed.
 *
 * @example
 * const result = await runGauntlet({ subnet, seeds: [1, 2, 3] });
 * process.stdout.write(`${formatGauntletTable(result)}\n`);
 */
export async function runGauntlet(options: GauntletOptions): Promise<GauntletResult> {
  const cwd = options.cwd ?? process.cwd();
  const loaded = await loadSubnet(options.subnet, { cwd });
  const subnet = loaded.definition;
  const seeds = [...(options.seeds ?? [1, 2, 3])];
  const ratio = options.ratio ?? 2;
  const log = createLogger({ level: 'silent' });
  // the answer key is built once, offline, as a cheater would, with the subnet's own models
  const models = createModelRuntime({
    logger: log,
    useFixtures: true,
    allowRemote: false,
    ...(options.fixturesDirs ? { fixturesDirs: options.fixturesDirs } : {}),
  });
  let answerKey: Awaited<ReturnType<typeof buildAnswerKey>>;
  try {
    const handles = models.handles(subnet.models ?? {});
    answerKey = await buildAnswerKey(subnet, { options: loaded.options, models: handles, log }, options.answerKeySize);
  } finally {
    await models.dispose();
  }
  const replayHits: Hits = { count: 0 };
  const answerKeyHits: Hits = { count: 0 };
  const cheaters = [
    ...standardAdversaries(subnet, {
      ...(options.answerFromTruth ? { answerFromTruth: options.answerFromTruth } : {}),
      replayHits,
      answerKeyHits,
      answerKey,
    }),
    ...(options.extra ?? []),
  ];
  const miners: MinerBehaviour[] = [
    ...Array.from({ length: options.honest ?? 2 }, () => 'honest' as const),
    ...cheaters,
  ];
  const shares: Record<string, number[]> = {};
  for (const seed of seeds) {
    const net = await createTestNetwork({
      subnet: loaded.definition,
      miners,
      validators: 1,
      tempo: options.tempo ?? 10,
      seed: `gauntlet-${seed}`,
      cwd,
      ...(options.fixturesDirs ? { fixturesDirs: options.fixturesDirs } : {}),
    });
    try {
      const summary = await net.runEpochs(options.epochs ?? 3);
      const byProfile = incentiveByProfile(summary.subnets[0]?.neurons ?? []);
      for (const [profile, share] of Object.entries(byProfile)) shares[profile] = [...(shares[profile] ?? []), share];
    } finally {
      await net.close();
    }
  }
  const honest = shares.honest ?? [];
  const failures = Object.entries(shares).flatMap(([profile, xs]) => {
    if (profile === 'honest') return [];
    const worst = xs.findIndex((x, i) => x * ratio > (honest[i] ?? 0));
    return worst < 0
      ? []
      : [`${profile} (seed ${seeds[worst]}: ${xs[worst]!.toFixed(3)} vs honest ${(honest[worst] ?? 0).toFixed(3)})`];
  });
  if ((honest.length === 0 || mean(honest) === 0) && failures.length === 0) failures.push('honest (earned nothing)');
  const result: GauntletResult = {
    subnet: subnet.name,
    seeds,
    shares,
    hits: { replay: replayHits.count, answerKey: answerKeyHits.count },
    failures,
  };
  if ((options.assert ?? true) && failures.length > 0) {
    throw new Error(
      `adversary gauntlet (${subnet.name}): honest miners must earn ≥ ${ratio}× every cheater; failed: ${failures.join('; ')}\n${formatGauntletTable(result)}`,
    );
  }
  return result;
}

/** A Markdown table of a result: strategy, mean share, range over seeds, share relative to honest. */
export function formatGauntletTable(result: GauntletResult): string {
  const honest = mean(result.shares.honest ?? []);
  const rows = Object.entries(result.shares).sort(([a, x], [b, y]) =>
    a === 'honest' ? -1 : b === 'honest' ? 1 : mean(y) - mean(x),
  );
  const lines = [
    `| strategy | mean share (${result.seeds.length} seeds) | min–max | vs honest |`,
    '|---|---|---|---|',
    ...rows.map(([profile, xs]) => {
      const rel = honest > 0 ? `${((mean(xs) / honest) * 100).toFixed(0)} %` : '–';
      return `| ${profile} | ${mean(xs).toFixed(3)} | ${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)} | ${rel} |`;
    }),
  ];
  return lines.join('\n');
}
