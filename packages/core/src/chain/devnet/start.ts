import type { Devnet, DevnetOptions } from './devnet-server.js';

/**
 * Starts the devnet; see `devnet-server.ts`. The server is imported on first start, not with
 * core: it brings @polkadot/types and the spec-343 metadata, which only a devnet needs, and
 * every process that imports core (each CLI command, --help included) would pay to load them.
 */
export async function startDevnet(options: DevnetOptions): Promise<Devnet> {
  const server = await import('./devnet-server.js');
  return server.startDevnet(options);
}
