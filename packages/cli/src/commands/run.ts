import { join, resolve } from 'node:path';
import {
  applyModelOverrides,
  axonObserver,
  composeMiner,
  composeValidator,
  createRuntime,
  durationSchema,
  gracefulShutdown,
  initCrypto,
  instrumentChain,
  instrumentModelRuntime,
  isSubnetkitError,
  METRICS,
  OpsMetrics,
  Readiness,
  SubnetkitError,
  startOpsServer,
  systemClock,
} from '@subnetkit/core';
import {
  formatTao,
  type NetworkFlags,
  openChain,
  unlockColdkey,
  type WalletFlags,
  walletFrom,
} from '../chain-access.js';
import type { CliContext } from '../context.js';
import { cliConfig, cliModelRuntime, loadSubnets } from '../load.js';
import { terminalLogger } from '../log.js';
import { ensurePortFree } from '../ports.js';
import { withProgress } from '../progress.js';
import { confirm } from '../prompt.js';
import { Teardown, unlessAborted } from '../teardown.js';

export interface RunFlags extends WalletFlags, NetworkFlags {
  role: string;
  netuid?: string;
  port?: string;
  yes?: boolean;
  json?: boolean;
  stateDir?: string;
  seed?: string;
  opsPort: string;
  opsHost: string;
  shutdownTimeout: string;
}

/** What a command built on `run --role validator` gets once the validator runs (the gateway). */
export interface StartedValidator {
  validator: ReturnType<typeof composeValidator>;
  chain: ReturnType<typeof instrumentChain>;
  hotkey: Awaited<ReturnType<ReturnType<typeof walletFrom>['hotkey']>>;
  subnet: Awaited<ReturnType<typeof loadSubnets>>[number];
  netuid: number;
  log: ReturnType<typeof terminalLogger>;
  metrics: OpsMetrics;
  teardown: Teardown;
}

export async function runNeuron(
  ctx: CliContext,
  spec: string,
  flags: RunFlags,
  onValidator?: (started: StartedValidator) => Promise<void>,
): Promise<void> {
  if (flags.role !== 'miner' && flags.role !== 'validator') {
    throw new SubnetkitError('SK_CLI_USAGE', `--role must be miner or validator, not '${flags.role}'.`, {});
  }
  const { opsPort, shutdownMs } = opsFlags(flags);
  const loadedConfig = await cliConfig(ctx);
  const config = flags.seed !== undefined ? { ...loadedConfig, seed: flags.seed } : loadedConfig;
  const log = terminalLogger(config.log.level, { json: flags.json, stderr: ctx.out.stderr });
  // a taken axon port fails now, before models load and before any registration burn is paid
  if (flags.role === 'miner')
    await ensurePortFree(Number(flags.port ?? 8091), config.axon.host, 'the miner axon', 'port');
  await initCrypto();
  const [loaded] = await loadSubnets(ctx, [spec]);
  // a miner may serve the subnet's models from an inference server (config models.overrides);
  // a validator keeps the declared local models (its reference scoring needs the weights)
  const subnet =
    flags.role === 'miner'
      ? withModels(loaded!, applyModelOverrides(loaded!.definition.models ?? {}, config.models.overrides))
      : loaded!;
  const wallet = walletFrom(ctx, config, flags);
  const hotkey = await wallet.hotkey();
  const teardown = new Teardown();
  try {
    // ops first: /readyz answers 503 while models load and the hotkey registers
    const metrics = new OpsMetrics({ defaultLabels: { subnet: subnet.definition.name, role: flags.role } });
    const readiness = new Readiness().require('start');
    const ops = await startOpsServer({ metrics, readiness, host: flags.opsHost, port: opsPort });
    teardown.add(() => ops.close());
    ctx.out.info(`ops endpoints on ${ops.url} (/metrics, /healthz, /readyz)`);
    const chain = instrumentChain(await openChain(ctx, config, flags, log, config.chain.blockTime), metrics);
    teardown.add(() => chain.close());
    const models = instrumentModelRuntime(cliModelRuntime(ctx, config, log), metrics);
    teardown.add(() => models.dispose());
    const netuid = flags.netuid !== undefined ? Number(flags.netuid) : await findNetuid(chain, subnet.definition.name);
    const registered = (await chain.uidOf(netuid, hotkey.address)) !== null;
    // the coldkey is only unlocked when a registration is needed
    const coldkey = registered ? undefined : await unlockColdkey(ctx, wallet);
    const confirmRegistration = async ({ cost }: { cost: bigint }) =>
      Boolean(flags.yes) ||
      (await confirm(ctx, `Register ${hotkey.address} on subnet ${netuid} for ${formatTao(cost)} TAO (burned)?`));
    await unlessAborted(
      ctx.shutdown,
      withProgress(
        ctx.out.stderr,
        `loading models of ${subnet.definition.name}`,
        models.load(subnet.definition.models ?? {}),
      ),
      'while loading models',
      teardown,
      () => undefined,
    );
    // the composition root: chain, models, logger, clock and the seeded random source are its
    // services; the neuron's child container adds only its seat and the role's settings
    // the process's metrics are a runtime service: anything composed here can resolve METRICS
    const runtime = createRuntime({
      config,
      logger: log,
      clock: systemClock,
      chain,
      models,
      override: [[METRICS, { useValue: metrics }]],
    });
    teardown.add(() => runtime.dispose());
    const name = `${subnet.definition.name}/${flags.role}`;
    const seat = { subnet, netuid, hotkey, ...(coldkey ? { coldkey } : {}), confirmRegistration };
    // registration (and its burn) happens in start(); a funds error gets the local top-up hint
    const startNeuron = (role: string, start: Promise<void>) =>
      unlessAborted(
        ctx.shutdown,
        withProgress(
          ctx.out.stderr,
          `registering and starting the ${role}`,
          start.catch((err: unknown) => {
            throw fundsHint(err, coldkey?.address);
          }),
        ),
        'while registering',
        teardown,
        () => undefined,
      );
    if (flags.role === 'miner') {
      const miner = composeMiner(runtime, name, seat, {
        port: Number(flags.port ?? 8091),
        host: config.axon.host,
        axonObserver: axonObserver(metrics),
      });
      // stopping is safe before or during start: a failed or interrupted start leaves no axon;
      // in-flight requests get most of the shutdown deadline, the rest is for closing down
      teardown.add(() => miner.stop({ drainTimeoutMs: Math.floor(shutdownMs * 0.8) }));
      await startNeuron('miner', miner.start());
      ctx.out.info(`miner uid ${miner.uid} serving on ${config.axon.host}:${miner.port} (subnet ${netuid})`);
    } else {
      const validator = composeValidator(runtime, name, seat, {
        stateFile: join(
          resolve(ctx.cwd, flags.stateDir ?? '.subnetkit/validator'),
          `${subnet.definition.name}-${netuid}.json`,
        ),
      });
      teardown.add(() => validator.stop());
      await startNeuron('validator', validator.start());
      teardown.add(metrics.addScoreSource(name, () => validator.state.scores));
      ctx.out.info(`validator uid ${validator.uid} on subnet ${netuid}, step ${validator.state.step}`);
      await onValidator?.({ validator, chain, hotkey, subnet, netuid, log, metrics, teardown });
      teardown.add(
        chain.onBlock((h) => {
          validator
            .tick(h.number)
            .catch((err: unknown) => log.error({ event: 'validator.tick_failed', err }, 'step failed'));
        }),
      );
    }
    readiness.done('start');
    await new Promise<void>((done) => {
      if (ctx.shutdown.aborted) done();
      else ctx.shutdown.addEventListener('abort', () => done(), { once: true });
    });
    ctx.out.info('stopping…');
    // not ready at once; the miner's axon refuses new work (503) while in-flight requests finish,
    // the validator's running step completes and its state file is written
    await gracefulShutdown({ timeoutMs: shutdownMs, readiness }, () => teardown.run());
  } finally {
    // whatever ended the run (Ctrl-C, a fatal error), nothing it started stays up
    await teardown.run();
  }
}

/** The subnet with its model declarations replaced (the plugin itself is untouched). */
function withModels<S extends { definition: { models?: unknown } }>(subnet: S, models: unknown): S {
  return { ...subnet, definition: { ...subnet.definition, models } };
}

/** The ops flags, checked before anything starts. */
function opsFlags(flags: RunFlags): { opsPort: number; shutdownMs: number } {
  const opsPort = Number(flags.opsPort);
  if (!Number.isInteger(opsPort) || opsPort < 0 || opsPort > 65535) {
    throw new SubnetkitError('SK_CLI_USAGE', `--ops-port must be a port number (0-65535), not '${flags.opsPort}'.`, {});
  }
  const shutdown = durationSchema.safeParse(flags.shutdownTimeout);
  if (!shutdown.success) {
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      `--shutdown-timeout must be a duration like '30s' or '500ms', not '${flags.shutdownTimeout}'.`,
      {},
    );
  }
  return { opsPort, shutdownMs: shutdown.data };
}

/** A registration the coldkey cannot pay for says how to get TAO on a development chain. */
function fundsHint(err: unknown, coldkey: string | undefined): unknown {
  if (!isSubnetkitError(err, 'SK_CHAIN_INSUFFICIENT_BALANCE')) return err;
  return new SubnetkitError(
    'SK_CHAIN_INSUFFICIENT_BALANCE',
    `${err.message} On a local or development chain, fund the coldkey from a dev account: subnetkit transfer --from-uri //Alice --dest ${coldkey ?? '<coldkey address>'} --amount 100 --yes (add the same --network/--data-dir).`,
    err.details,
    { cause: err },
  );
}

async function findNetuid(chain: Awaited<ReturnType<typeof openChain>>, name: string): Promise<number> {
  const match = (await chain.subnets()).filter((s) => s.name === name);
  if (match.length !== 1) {
    throw new SubnetkitError(
      'SK_CLI_USAGE',
      `Cannot tell which subnet runs '${name}' (${match.length} subnets have that name); pass --netuid.`,
      { subnet: name },
    );
  }
  return match[0]!.netuid;
}
