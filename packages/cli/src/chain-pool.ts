import type { Chain } from '@subnetkit/core';

/**
 * Subtensor connections kept open across the commands a program runs in one process (`main` called
 * many times, as the test suite does): each new @polkadot/api connection fetches and decodes the
 * node's whole metadata. The owner of the pool closes it; a command's `close()` of a pooled chain
 * does nothing. A CLI run has no pool, so it opens and closes its own connection as always.
 */
export interface ChainPool {
  /** The chain for `key`, opened by `open` the first time (a failed open is not kept). */
  get(key: string, open: () => Promise<Chain>): Promise<Chain>;
  /** Closes every chain the pool opened. */
  close(): Promise<void>;
}

export function createChainPool(): ChainPool {
  const chains = new Map<string, Promise<Chain>>();
  return {
    async get(key, open) {
      let chain = chains.get(key);
      if (!chain) {
        chain = open();
        chains.set(key, chain);
        // a refused connection is the command's error, not the pool's: the next command tries again
        chain.catch(() => chains.delete(key));
      }
      return borrowed(await chain);
    },
    async close() {
      const opened = [...chains.values()];
      chains.clear();
      await Promise.all(opened.map(async (c) => (await c.catch(() => undefined))?.close()));
    },
  };
}

/** The chain as a command sees it: everything but `close`, which stays with the pool. */
function borrowed(chain: Chain): Chain {
  return new Proxy(chain, {
    get: (target, prop, receiver) => (prop === 'close' ? async () => undefined : Reflect.get(target, prop, receiver)),
  });
}
