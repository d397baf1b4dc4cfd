import { resolve } from 'node:path';
import { devGenesis } from '../chain/local/dev-genesis.js';
import { type BlockTime, createLocalChain } from '../chain/local/local-chain.js';
import { createSubtensorChain } from '../chain/subtensor/subtensor-chain.js';
import type { Chain } from '../chain/types.js';
import type { SubnetkitConfig } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import { createModelRuntime, type ModelRuntime, type ModelRuntimeOptions } from '../models/model-runtime.js';

export interface ChainFromConfigOptions {
  logger: Logger;
  /** Where a relative `chain.dataDir` resolves from (default process.cwd()). */
  cwd?: string;
  /** Overrides `config.chain.dataDir` (the CLI's --data-dir). */
  dataDir?: string;
  /** Overrides `config.network` (the CLI's --network). */
  network?: string;
  /** Block production of an embedded chain (default `config.chain.blockTime`). */
  blockTime?: BlockTime;
}

/**
 * The chain backend `config.network` names: 'local' opens (or creates) the embedded chain in
 * `chain.dataDir` with the dev genesis; anything else is a subtensor endpoint. Only the
 * composition root knows the backends; everything above it sees the `Chain` interface.
 */
export async function chainFromConfig(config: SubnetkitConfig, options: ChainFromConfigOptions): Promise<Chain> {
  const network = options.network ?? config.network;
  if (network === 'local') {
    return createLocalChain({
      dataDir: resolve(options.cwd ?? process.cwd(), options.dataDir ?? config.chain.dataDir),
      genesis: devGenesis(),
      blockTime: options.blockTime ?? config.chain.blockTime,
      logger: options.logger,
    });
  }
  return createSubtensorChain({ endpoint: network, logger: options.logger });
}

/** The model runtime `config.models` describes (extra host options, e.g. download progress, on top). */
export function modelsFromConfig(
  config: SubnetkitConfig,
  options: Pick<ModelRuntimeOptions, 'logger'> & Partial<ModelRuntimeOptions>,
): ModelRuntime {
  return createModelRuntime({
    useFixtures: config.models.useFixtures,
    allowRemote: config.models.allowRemote,
    device: config.models.device,
    ...(config.models.dir ? { modelsDir: config.models.dir } : {}),
    ...options,
  });
}
