import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  assertStoreIntact,
  type Chain,
  createLogger,
  createSubtensorChain,
  DEFAULT_MINER_PROFILES,
  durationSchema,
  type EpochSnapshot,
  incentiveByProfile,
  isSubnetkitError,
  LocalNetwork,
  localChainEngine,
  localNetworkSource,
  type NetworkSummary,
  readValidatorStateJson,
  renderHtmlReport,
  SubnetkitError,
  startDashboard,
  startDevnet,
  systemClock,
} from '@subnetkit/core';
// the cheating profiles of the demo belong to the testing kit, not the production runtime
import { type MinerProfile, parseProfiles } from '@subnetkit/core/testing';
import { keyFromUri } from '../chain-access.js';
import type { CliContext } from '../context.js';
import { LiveView, renderNetwork } from '../live-view.js';
import { cliConfig, cliModelRuntime, list, loadSubnets } from '../load.js';
import { toJson } from '../output.js';
import { ensurePortFree } from '../ports.js';
import { withProgress } from '../progress.js';
import { interrupted, Teardown, unlessAborted } from '../teardown.js';
import { dashboardPort, serveDashboard } from './dashboard.js';

export interface LocalnetOptions {
  subnets?: string;
  validators: string;
  miners?: string;
  profiles?: string;
  blockTime: string;
  tempo: string;
  epochs?: string;
  dataDir: string;
  json?: boolean;
  report?: string;
  seed?: string;
  rpcPort?: string;
  network?: string;
  funder: string;
  moveDamagedChain?: boolean;
  dashboard: boolean;
  dashboardPort: string;
}

/** Where `subnetkit query` finds a running localnet's miners. */
export const NETWORK_FILE = 'network.json';
/** The per-epoch history of the localnet's chain (one JSON line per subnet epoch). */
export const HISTORY_FILE = 'history.jsonl';

function positiveInt(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new SubnetkitError('SK_CLI_USAGE', `--${name} must be an integer from 1 to ${max}, got '${value}'.`, {
      option: name,
    });
  }
  return n;
}

/** `--block-time lockstep`: blocks paced by the validators' steps instead of a clock. */
const LOCKSTEP = 'lockstep';

/**
 * Lockstep blocks: each block waits until every validator has finished its step on the one
 * before, so a loaded machine runs slower but reaches the same epochs with the same work done.
 */
async function lockstepUntil(network: LocalNetwork, done: Promise<void>): Promise<void> {
  let finished = false;
  void done.then(() => {
    finished = true;
  });
  while (!finished) await network.advance(1);
  await network.settle();
}

/** A bad --block-time is a usage error (exit 2), caught before the config sees it. */
function blockTimeFlag(value: string): string | number {
  if (/^\d+$/.test(value.trim())) return positiveInt('block-time', value.trim(), 3_600_000);
  if (!durationSchema.safeParse(value.trim()).success || durationSchema.parse(value.trim()) <= 0) {
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      `--block-time must be a duration like '250ms', '12s' or '1m', got '${value}'.`,
      {
        option: 'block-time',
      },
    );
  }
  return value.trim();
}

function profilesFrom(opts: LocalnetOptions): MinerProfile[] {
  if (opts.profiles) return parseProfiles(opts.profiles);
  if (!opts.miners) return [...DEFAULT_MINER_PROFILES];
  const n = positiveInt('miners', opts.miners, 200);
  const cheaters = DEFAULT_MINER_PROFILES.filter((p) => p !== 'honest').slice(0, Math.max(0, n - 1));
  return [...Array<MinerProfile>(n - cheaters.length).fill('honest'), ...cheaters];
}

export async function runLocalnet(ctx: CliContext, opts: LocalnetOptions): Promise<void> {
  const epochs = opts.epochs === undefined ? undefined : positiveInt('epochs', opts.epochs, 10_000);
  if (opts.json && epochs === undefined) {
    throw new SubnetkitError('SK_CLI_USAGE', '--json needs --epochs N (the summary is printed when the run ends).', {});
  }
  if (opts.network && opts.rpcPort) {
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      '--rpc-port serves the embedded chain; with --network the chain is already served elsewhere.',
      {},
    );
  }
  const lockstep = opts.blockTime.trim() === LOCKSTEP;
  if (lockstep && epochs === undefined) {
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      "--block-time lockstep needs --epochs N (blocks come only as fast as the validators' steps end).",
      { option: 'block-time' },
    );
  }
  if (lockstep && opts.network) {
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      '--block-time lockstep drives an embedded chain; a joined chain makes its own blocks.',
      { option: 'block-time' },
    );
  }
  const config = await cliConfig(ctx, lockstep ? {} : { chain: { blockTime: blockTimeFlag(opts.blockTime) } });
  const blockTime: number | 'manual' = lockstep ? 'manual' : config.chain.blockTime;
  const tempo = positiveInt('tempo', opts.tempo, 1000);
  const validators = positiveInt('validators', opts.validators, 64);
  const miners = profilesFrom(opts);
  const dataDir = resolve(ctx.cwd, opts.dataDir);
  // a taken RPC port or a damaged chain fails now, before models load and neurons register
  if (opts.rpcPort) await ensurePortFree(Number(opts.rpcPort), '127.0.0.1', 'the chain RPC', 'rpc-port');
  const dashPort = dashboardPort(opts.dashboardPort, 'dashboard-port');
  if (opts.dashboard && dashPort > 0) await ensurePortFree(dashPort, '127.0.0.1', 'the dashboard', 'dashboard-port');
  if (!opts.network) checkChainStore(ctx, dataDir, Boolean(opts.moveDamagedChain));
  if (!opts.network) checkValidatorFiles(join(dataDir, 'validators'));
  const teardown = new Teardown();
  try {
    await startAndRun(ctx, opts, { config, blockTime, tempo, validators, miners, dataDir, epochs }, teardown);
  } finally {
    // whatever ended the run (done, Ctrl-C, a fatal error), nothing it started stays up
    await teardown.run();
  }
}

/**
 * A damaged chain database is refused before LMDB maps it (a truncated one would crash the
 * process). With --move-damaged-chain it is moved aside, never deleted, with the epoch history
 * that belongs to it; validators' state, logs and reports stay where they are.
 */
function checkChainStore(ctx: CliContext, dataDir: string, moveAside: boolean): void {
  const chainDir = join(dataDir, 'chain');
  try {
    assertStoreIntact(chainDir);
  } catch (err) {
    if (!isSubnetkitError(err, 'SK_CHAIN_STORAGE') || !err.details.damaged) throw err;
    if (!moveAside) {
      throw new SubnetkitError(
        'SK_CHAIN_STORAGE',
        `${err.message.replace(/ Restore .*$/, '')} Restore ${chainDir} from a backup, or rerun with --move-damaged-chain to move it aside and start a new chain (the rest of ${dataDir} is kept).`,
        err.details,
      );
    }
    const aside = `${chainDir}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(chainDir, aside);
    const history = join(dataDir, HISTORY_FILE);
    if (existsSync(history)) renameSync(history, join(aside, HISTORY_FILE));
    ctx.out.info(`moved the damaged chain database aside to ${aside}; starting a new chain`);
  }
}

/**
 * Unreadable validator state fails before the chain produces a block (so a failed start changes
 * nothing); the validators check the fields themselves when they start.
 */
function checkValidatorFiles(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!/validator-\d+\.json$/.test(entry)) continue;
    readValidatorStateJson(join(dir, entry));
  }
}

/** Marks network.json as from a run that ended, so `query` says so instead of dialling dead ports. */
function markStopped(file: string): void {
  try {
    writeFileSync(file, toJson({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), running: false }));
  } catch {
    // a missing or unreadable file already tells `query` there is nothing to ask
  }
}

interface Plan {
  config: Awaited<ReturnType<typeof cliConfig>>;
  /** ms per block, or 'manual' for --block-time lockstep */
  blockTime: number | 'manual';
  tempo: number;
  validators: number;
  miners: MinerProfile[];
  dataDir: string;
  epochs: number | undefined;
}

async function startAndRun(ctx: CliContext, opts: LocalnetOptions, plan: Plan, teardown: Teardown): Promise<void> {
  const { config, blockTime, tempo, validators, miners, dataDir, epochs } = plan;
  mkdirSync(dataDir, { recursive: true });
  const reportFile = resolve(ctx.cwd, opts.report ?? join(dataDir, 'report.html'));
  // logs go to a file so the terminal shows the live view; --json keeps stdout for the summary
  const log = createLogger({
    level: config.log.level,
    destination: (await import('pino')).pino.destination({ dest: join(dataDir, 'localnet.log'), sync: true }),
  });
  const specs = opts.subnets ? list(opts.subnets) : config.subnets;
  const subnets = await loadSubnets(ctx, specs as never);
  ctx.out.info(
    `subnetkit localnet: ${subnets.map((s) => s.definition.name).join(', ')} · ${validators} validators + ${miners.length} miners each (${miners.join(', ')}) · ${blockTime === 'manual' ? 'blocks in lockstep with the validators' : `block ${blockTime} ms`} · tempo ${tempo}`,
  );
  ctx.out.info(`data dir ${dataDir} (logs: localnet.log)`);

  // a chain that cannot be reached fails before any model loads
  let joined: Chain | undefined;
  const funder = opts.network ? await keyFromUri(opts.funder, 'funder') : undefined;
  if (opts.network) {
    ctx.out.info(`joining the chain at ${opts.network}…`);
    joined = await unlessAborted(
      ctx.shutdown,
      createSubtensorChain({ endpoint: opts.network, logger: log }),
      'while connecting',
      teardown,
      (c) => c.close(),
    );
  }

  const models = cliModelRuntime(ctx, config, log);
  teardown.add(() => models.dispose());
  const started = systemClock.now();
  for (const s of subnets) {
    if (ctx.shutdown.aborted) throw interrupted('while loading models');
    const decls = s.definition.models ?? {};
    if (Object.keys(decls).length === 0) continue;
    const what = `loading models of ${s.definition.name}: ${Object.values(decls)
      .map((d) => d.model)
      .join(', ')}${config.models.useFixtures ? ' (offline fixtures)' : ''}`;
    await unlessAborted(
      ctx.shutdown,
      withProgress(ctx.out.stderr, what, models.load(decls)),
      'while loading models',
      teardown,
      () => undefined,
    );
  }
  ctx.out.info(`models ready in ${((systemClock.now() - started) / 1000).toFixed(1)} s`);

  const network = await unlessAborted(
    ctx.shutdown,
    withProgress(
      ctx.out.stderr,
      'registering neurons and starting them',
      LocalNetwork.start({
        subnets,
        validators,
        miners,
        tempo,
        blockTime,
        ...(joined
          ? {
              join: { chain: joined, funder: funder!, progress: (m: string) => ctx.out.info(`  ${m}`) },
              // a joined chain's validators keep their own state: their uids are not the embedded chain's
              stateDir: join(dataDir, 'joined', opts.network!.replace(/[^a-zA-Z0-9]+/g, '_')),
              historyFile: join(dataDir, 'joined', opts.network!.replace(/[^a-zA-Z0-9]+/g, '_'), HISTORY_FILE),
            }
          : { dataDir, stateDir: join(dataDir, 'validators'), historyFile: join(dataDir, HISTORY_FILE) }),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        models,
        log,
        clock: systemClock,
      }),
    ),
    'while registering neurons',
    teardown,
    (n) => n.stop(),
  );
  const joinResult = network.joined;
  for (const name of joinResult ? subnets.map((s) => s.definition.name) : []) {
    const state = joinResult?.created.includes(name) ? 'registered now' : 'found from an earlier run';
    ctx.out.info(`${name}: netuid ${network.netuidOf(name)} on ${opts.network} (${state})`);
  }
  for (const r of joinResult?.refused ?? []) {
    ctx.out.info(`warning: the chain refused ${r.subnet}'s ${r.name} (${r.error}); keeping its value`);
  }
  const devnet = opts.rpcPort
    ? await startDevnet({ engine: localChainEngine(network.localChain), port: Number(opts.rpcPort), logger: log })
    : undefined;
  if (devnet) teardown.add(() => devnet.close());
  if (devnet) ctx.out.info(`chain RPC on ${devnet.url} (dev accounts //Alice … are funded)`);
  if (opts.dashboard) {
    const title = `Subnetkit localnet (${subnets.map((s) => s.definition.name).join(', ')})${opts.network ? ` on ${opts.network}` : ''}`;
    const port = Number(opts.dashboardPort);
    const dashboard = await serveDashboard(
      async () => startDashboard(await localNetworkSource(network, title), { port, log }),
      port,
      'dashboard-port',
    );
    // stopped before the network (the teardown runs newest first), so no page reads a stopped chain
    teardown.add(() => dashboard.close());
    ctx.out.info(`dashboard on ${dashboard.url}`);
  }
  const firstEpochMs = systemClock.now() - started;
  ctx.out.info(`network up in ${(firstEpochMs / 1000).toFixed(1)} s at block ${await network.chain.blockNumber()}`);
  // in-place redraws need a terminal that reports its width
  const tty = Boolean(process.stderr.isTTY && process.stderr.columns) && !opts.json;
  const view = new LiveView(ctx.out, process.stderr, tty);
  const writeNetworkFile = async (summary: NetworkSummary) => {
    const metagraphs = await Promise.all(summary.subnets.map((s) => network.chain.metagraph(s.netuid)));
    const doc = {
      // `query` derives the dev validator key from it (never the challenge randomness)
      seed: opts.seed ?? 'localnet',
      block: summary.block,
      subnets: summary.subnets.map((s, i) => ({
        netuid: s.netuid,
        name: s.name,
        neurons: s.neurons.map((n) => ({ ...n, axon: metagraphs[i]!.axons[n.uid] ?? null })),
      })),
    };
    // `query` tells a stopped localnet from a running one by these two fields
    if (!networkFileClosed)
      writeFileSync(join(dataDir, NETWORK_FILE), toJson({ ...doc, pid: process.pid, running: true }));
  };
  let networkFileClosed = false;
  await writeNetworkFile(await network.summary());
  teardown.add(() => {
    networkFileClosed = true;
    markStopped(join(dataDir, NETWORK_FILE));
  });

  // epoch numbers go on across restarts; --epochs counts the ones this run adds
  const epochsBefore = new Map(
    subnets.map((s) => [s.definition.name, network.epochs(network.netuidOf(s.definition.name))]),
  );
  const ranThisRun = (name: string) => network.epochs(network.netuidOf(name)) - (epochsBefore.get(name) ?? 0);
  const done = new Promise<void>((resolveDone) => {
    const check = () => {
      if (epochs !== undefined && subnets.every((s) => ranThisRun(s.definition.name) >= epochs)) resolveDone();
    };
    network.onEpoch((record: EpochSnapshot) => {
      const byProfile = incentiveByProfile(record.neurons);
      if (!tty) {
        ctx.out.info(
          `block ${record.block} · ${record.subnet} epoch ${record.epoch} · mean incentive ${Object.entries(byProfile)
            .map(([p, v]) => `${p} ${v.toFixed(3)}`)
            .join(', ')}`,
        );
      }
      void network
        .summary()
        .then(writeNetworkFile)
        .catch(() => undefined);
      check();
    });
    // a Ctrl-C during start-up has already fired: stop right after it
    if (ctx.shutdown.aborted) resolveDone();
    else ctx.shutdown.addEventListener('abort', () => resolveDone(), { once: true });
  });
  // the per-block summary only feeds the terminal view: off a terminal, no reads per block
  const unsubscribe = network.chain.onBlock(() => {
    if (!tty) return;
    void network
      .summary()
      .then((s) => view.draw(s, epochs ? `running until ${epochs} epochs` : 'running', systemClock.now()));
  });
  if (blockTime === 'manual') await lockstepUntil(network, done);
  await done;
  unsubscribe();
  view.close();
  const summary = await network.summary();
  writeFileSync(
    reportFile,
    renderHtmlReport(
      summary,
      network.history(),
      `Subnetkit localnet (${subnets.map((s) => s.definition.name).join(', ')})${opts.network ? ` on ${opts.network}` : ''}`,
    ),
  );
  ctx.out.info(ctx.shutdown.aborted ? 'stopping (Ctrl-C)…' : `done: every subnet ran ${epochs} epochs`);
  await teardown.run();
  if (opts.json) ctx.out.json(summary);
  else ctx.out.line(renderNetwork(summary, 'stopped'));
  ctx.out.info(`report: ${reportFile}`);
}
