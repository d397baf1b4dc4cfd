import { SubnetkitError } from '../../errors/subnetkit-error.js';
import type { Logger } from '../../log/logger.js';
import { initCrypto } from './crypto.js';
import { type LocalChain, reopenStoredChain } from './local-chain.js';
import { ChainDb } from './persistence.js';

/**
 * Opens an existing local chain for reading only (`subnets list`, `metagraph` of a localnet that
 * runs or stopped): the store is opened read-only, nothing is created or written, no block is
 * produced, and the stored genesis is taken as it is. A folder without a chain is
 * SK_CHAIN_NOT_FOUND; a damaged store is SK_CHAIN_STORAGE before it is mapped.
 */
export async function openLocalChainReadOnly(dataDir: string, options: { logger?: Logger } = {}): Promise<LocalChain> {
  await initCrypto();
  const db = new ChainDb(dataDir, { readOnly: true });
  try {
    const storedGenesis = db.meta('genesis');
    const genesisHash = db.meta('genesisHash');
    if (storedGenesis === undefined || genesisHash === undefined) {
      throw new SubnetkitError('SK_CHAIN_NOT_FOUND', `The database in ${dataDir} holds no chain yet.`, {
        dir: dataDir,
      });
    }
    // one synchronous pass: lmdb serves it from a single read snapshot, even while a localnet writes
    return reopenStoredChain(db, dataDir, storedGenesis, genesisHash, {
      blockTime: 'manual',
      ...(options.logger ? { logger: options.logger } : {}),
    });
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
