import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createModelRuntime,
  isSubnetkitError,
  type LoadedSubnet,
  type Logger,
  loadConfig,
  loadSubnet,
  type ModelRuntime,
  PluginHost,
  type SubnetkitConfig,
  type SubnetSpec,
} from '@subnetkit/core';
import type { CliContext } from './context.js';

/** This package's folder: the reference subnets are its dependencies, found from here too. */
const CLI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Loads the project config with CLI flags on top (flags are a partial config object). */
export async function cliConfig(
  ctx: CliContext,
  overrides: Record<string, unknown> = {},
  file?: string,
): Promise<SubnetkitConfig> {
  const { config } = await loadConfig({ cwd: ctx.cwd, env: ctx.env, overrides, ...(file ? { file } : {}) });
  return config;
}

/**
 * Loads subnets by package name or path: from the project first, then from the CLI's own
 * dependencies (so the reference subnets work from any folder).
 */
export async function loadSubnets(ctx: CliContext, specs: readonly SubnetSpec[]): Promise<LoadedSubnet[]> {
  const host = new PluginHost();
  const loaded: LoadedSubnet[] = [];
  for (const spec of specs) {
    const one = await loadSubnet(spec, { cwd: ctx.cwd }).catch(async (err: unknown) => {
      if (!isSubnetkitError(err, 'SK_PLUGIN_NOT_FOUND') || typeof spec !== 'string' || spec.startsWith('.')) throw err;
      return loadSubnet(spec, { cwd: CLI_DIR });
    });
    host.add(one);
    loaded.push(one);
  }
  return loaded;
}

/** Splits a comma-separated list flag. */
export function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The model runtime as the config asks for it, with download progress shown to the user. */
export function cliModelRuntime(ctx: CliContext, config: SubnetkitConfig, log: Logger): ModelRuntime {
  return createModelRuntime({
    logger: log,
    useFixtures: config.models.useFixtures,
    allowRemote: config.models.allowRemote,
    device: config.models.device,
    ...(config.models.dir ? { modelsDir: config.models.dir } : {}),
    onProgress: (p) =>
      ctx.out.info(
        `downloading ${p.model}: ${(p.loadedBytes / 1e6).toFixed(1)}/${(p.totalBytes / 1e6).toFixed(1)} MB ${p.percent.toFixed(0)}%${p.etaMs === null ? '' : ` ETA ${Math.ceil(p.etaMs / 1000)} s`}`,
      ),
  });
}
