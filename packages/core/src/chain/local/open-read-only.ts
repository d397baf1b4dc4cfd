import { SubnetkitError } from '../../errors/subnetkit-error.js';
import type { Logger } from '../../log/logger.js';
import { canonicalDecode } from './codec.js';
import { initCrypto } from './crypto.js';
import { type GenesisConfig, paramsOf } from './genesis.js';
import { LocalChain } from './local-chain.js';
import { ChainDb } from './persistence.js';
import { ChainState } from './state.js';
import { Store } from './store.js';

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
    const store = new Store();
    store.load(db.stateEntries(), canonicalDecode);
    const headNumber = Number(db.meta('head'));
    const head = db.block(headNumber);
    if (!head || head.stateHash !== store.stateHash()) {
      throw new SubnetkitError(
        'SK_CHAIN_STORAGE',
        `The chain database in ${dataDir} is inconsistent (state hash mismatch).`,
        {
          dir: dataDir,
          head: headNumber,
        },
      );
    }
    const st = new ChainState(store, paramsOf(canonicalDecode<GenesisConfig>(storedGenesis)));
    return new LocalChain({
      store,
      st,
      db,
      genesisHash,
      head: { number: head.number, hash: head.hash, parentHash: head.parentHash, timestamp: head.timestamp },
      options: { blockTime: 'manual', ...(options.logger ? { logger: options.logger } : {}) },
    });
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
