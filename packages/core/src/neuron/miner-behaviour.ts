import type { AnySubnet, MinerContext } from '../plugin/types.js';
import type { Clock } from '../util/clock.js';

// biome-ignore lint/suspicious/noExplicitAny: handlers are erased to the host's uniform shape
type AnyContext = MinerContext<any, any>;
/** A miner's request handler, erased to the host's uniform shape. */
export type MinerHandler = (request: Record<string, unknown>, ctx: AnyContext) => Promise<unknown>;

/**
 * A replacement for the subnet's own miner handler. The production miner only ever runs the
 * subnet's handler; the testing kit passes its cheating profiles through this seam, so no cheat
 * ships in the miner itself.
 */
export interface MinerBehaviourOverride {
  /** Goes into the miner's logs and summaries. */
  name: string;
  /** Serve the subnet's streaming synapse as well (only behaviours that answer honestly do). */
  streams: boolean;
  create(env: { subnet: AnySubnet; clock: Clock }): MinerHandler;
}
